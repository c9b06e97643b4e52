/**
 * The region chain: an explicit region, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the
 * `region` of the profile (`AWS_PROFILE`, else `default`) in the shared files.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigurationError } from "../../ClientErrors.js"
import * as Files from "../../internal/config/files.js"
import { stringValue } from "../../internal/config/ini.js"
import { type Env, nonEmpty } from "../../internal/config/options.js"
import { Region, validate } from "../Region.js"

/** Where to look for the region. */
export interface RegionOptions {
  /** A region given in code; wins over everything else. */
  readonly region?: string | undefined
  /** The profile whose `region` is the last resort; default `AWS_PROFILE`, else `default`. */
  readonly profile?: string | undefined
  /** The environment to read; default `process.env`. */
  readonly env?: Env | undefined
  /** The shared config file; default `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  readonly configFile?: string | undefined
  /** The shared credentials file; default `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  readonly credentialsFile?: string | undefined
  /** The shared files, when the caller has read them already. */
  readonly loaded?: Files.SharedConfig | undefined
}

/** Resolves the region, validating its form; a typed error names the four places it may come from. */
export const resolve = (options: RegionOptions = {}): Effect.Effect<string, ConfigurationError> =>
  Effect.gen(function*() {
    if (options.region !== undefined) return yield* validate(options.region, "the region option", "region")
    const env = options.env ?? process.env
    const fromRegion = nonEmpty(env.AWS_REGION)
    if (fromRegion !== undefined) return yield* validate(fromRegion, "AWS_REGION")
    const fromDefault = nonEmpty(env.AWS_DEFAULT_REGION)
    if (fromDefault !== undefined) return yield* validate(fromDefault, "AWS_DEFAULT_REGION")
    const profileName = options.profile ?? nonEmpty(env.AWS_PROFILE) ?? "default"
    const locations = { env, configFile: options.configFile, credentialsFile: options.credentialsFile }
    const config = options.loaded ?? (yield* Files.load(locations).pipe(
      Effect.mapError((e) => new ConfigurationError({ setting: e.path, message: e.message }))
    ))
    const profile = Object.prototype.hasOwnProperty.call(config.profiles, profileName)
      ? config.profiles[profileName]
      : undefined
    const fromProfile = stringValue(profile, "region")
    if (fromProfile !== undefined) {
      return yield* validate(
        fromProfile,
        `the region of profile "${profileName}" in ${config.configFile}`,
        "region"
      )
    }
    return yield* Effect.fail(
      new ConfigurationError({
        setting: "region",
        message: "No AWS region: pass one explicitly (the region option), set AWS_REGION or " +
          `AWS_DEFAULT_REGION, or set region in profile "${profileName}" of ${config.configFile}`
      })
    )
  })

/** Provides `Region` from the region chain. */
export const layer = (options: RegionOptions = {}): Layer.Layer<Region, ConfigurationError> =>
  Layer.effect(Region, resolve(options))
