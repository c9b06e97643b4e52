/**
 * Everything a client reads from its configuration, resolved the way the AWS SDKs do: an
 * explicit option first, then the environment, then the profile in the shared config files.
 *
 * | setting | option | environment | profile |
 * |---|---|---|---|
 * | region | `region` | `AWS_REGION`, `AWS_DEFAULT_REGION` | `region` |
 * | FIPS endpoint | `useFips` | `AWS_USE_FIPS_ENDPOINT` | `use_fips_endpoint` |
 * | dual-stack endpoint | `useDualStack` | `AWS_USE_DUALSTACK_ENDPOINT` | `use_dualstack_endpoint` |
 * | custom endpoint | `endpoint` | `AWS_ENDPOINT_URL_AMPLIFYBACKEND`, `AWS_ENDPOINT_URL` | `amplifybackend.endpoint_url` in its `services` section, `endpoint_url` |
 * | ignore configured URLs | | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `ignore_configured_endpoint_urls` |
 * | retry mode | `retry.mode` | `AWS_RETRY_MODE` | `retry_mode` |
 * | attempts | `retry.maxAttempts` | `AWS_MAX_ATTEMPTS` | `max_attempts` |
 */
import * as Effect from "effect/Effect"
import { ConfigurationError } from "../../ClientErrors.js"
import * as Files from "../../internal/config/files.js"
import { type IniSection, stringValue } from "../../internal/config/ini.js"
import { type Env, nonEmpty } from "../../internal/config/options.js"
import type { EndpointSettings } from "../EndpointRules.js"
import { fromEnvironment, merge, type RetryOptions, type RetryPolicy, validate } from "../Retry.js"
import * as RegionChain from "./RegionChain.js"

export interface ClientConfigOptions {
  readonly region?: string | undefined
  /** The profile to read; default `AWS_PROFILE`, else `default`. */
  readonly profile?: string | undefined
  readonly useFips?: boolean | undefined
  readonly useDualStack?: boolean | undefined
  /** A custom endpoint URL; wins over every configured one. */
  readonly endpoint?: string | undefined
  readonly retry?: RetryOptions | undefined
  /** The environment to read; default `process.env`. */
  readonly env?: Env | undefined
  readonly configFile?: string | undefined
  readonly credentialsFile?: string | undefined
}

/** The resolved settings. */
export interface ClientSettings {
  readonly region: string
  readonly endpoint: EndpointSettings
  readonly retry: RetryPolicy
  /** The profile that was read, and where. */
  readonly profile: { readonly name: string; readonly configFile: string }
}

const signingName = "amplifybackend"

/** One setting's value and where it came from, for error messages. */
interface Found {
  readonly value: string
  readonly source: string
}

const flag = (found: Found | undefined): Effect.Effect<boolean | undefined, ConfigurationError> => {
  if (found === undefined) return Effect.succeed(undefined)
  const lower = found.value.trim().toLowerCase()
  if (lower === "true" || lower === "false") return Effect.succeed(lower === "true")
  return Effect.fail(
    new ConfigurationError({
      setting: found.source,
      message: `${found.source} must be "true" or "false", not ${JSON.stringify(found.value)}`
    })
  )
}

/** Resolves region, endpoint settings and retry policy. */
export const resolve = (options: ClientConfigOptions = {}): Effect.Effect<ClientSettings, ConfigurationError> =>
  Effect.gen(function*() {
    const env = options.env ?? process.env
    const profileName = options.profile ?? nonEmpty(env.AWS_PROFILE) ?? "default"
    const files = yield* Files.load({
      env,
      configFile: options.configFile,
      credentialsFile: options.credentialsFile
    }).pipe(Effect.mapError((e) => new ConfigurationError({ setting: e.path, message: e.message })))
    const profile: IniSection | undefined = Object.prototype.hasOwnProperty.call(files.profiles, profileName)
      ? files.profiles[profileName]
      : undefined
    const inProfile = (key: string): Found | undefined => {
      const value = stringValue(profile, key)
      return value === undefined
        ? undefined
        : { value, source: `${key} in profile "${profileName}" of ${files.configFile}` }
    }
    const inEnv = (name: string): Found | undefined => {
      const value = nonEmpty(env[name])
      return value === undefined ? undefined : { value, source: name }
    }
    const serviceUrl = (): Found | undefined => {
      const sectionName = stringValue(profile, "services")
      const section = sectionName === undefined ? undefined : files.services[sectionName]
      const nested = section?.[signingName]
      const value = typeof nested === "object" ? nonEmpty(nested.endpoint_url) : undefined
      return value === undefined
        ? undefined
        : { value, source: `${signingName}.endpoint_url in services "${sectionName}" of ${files.configFile}` }
    }

    const region = yield* RegionChain.resolve({
      region: options.region,
      profile: profileName,
      env,
      configFile: options.configFile,
      credentialsFile: options.credentialsFile,
      loaded: files
    })

    const useFips = options.useFips ?? (yield* flag(inEnv("AWS_USE_FIPS_ENDPOINT") ?? inProfile("use_fips_endpoint")))
    const useDualStack = options.useDualStack ??
      (yield* flag(inEnv("AWS_USE_DUALSTACK_ENDPOINT") ?? inProfile("use_dualstack_endpoint")))
    const ignoreUrls = yield* flag(
      inEnv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ?? inProfile("ignore_configured_endpoint_urls")
    )
    const configuredUrl = ignoreUrls === true
      ? undefined
      : inEnv("AWS_ENDPOINT_URL_AMPLIFYBACKEND") ?? inEnv("AWS_ENDPOINT_URL") ?? serviceUrl() ??
        inProfile("endpoint_url")
    const endpointUrl = options.endpoint ?? configuredUrl?.value

    const retryEnv: Record<string, string | undefined> = {
      AWS_RETRY_MODE: inEnv("AWS_RETRY_MODE")?.value ?? inProfile("retry_mode")?.value,
      AWS_MAX_ATTEMPTS: inEnv("AWS_MAX_ATTEMPTS")?.value ?? inProfile("max_attempts")?.value
    }
    const configured = yield* fromEnvironment(retryEnv).pipe(
      Effect.mapError((e) => {
        const source = e.setting === "AWS_RETRY_MODE"
          ? inEnv("AWS_RETRY_MODE")?.source ?? inProfile("retry_mode")?.source
          : inEnv("AWS_MAX_ATTEMPTS")?.source ?? inProfile("max_attempts")?.source
        return new ConfigurationError({ setting: source ?? e.setting, message: e.message })
      })
    )
    const retry = yield* validate(options.retry === undefined ? configured : merge(configured, options.retry))

    return {
      region,
      endpoint: {
        ...(useFips === undefined ? {} : { useFips }),
        ...(useDualStack === undefined ? {} : { useDualStack }),
        ...(endpointUrl === undefined ? {} : { endpointUrl })
      },
      retry,
      profile: { name: profileName, configFile: files.configFile }
    }
  })
