/** The AWS region a client talks to. */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigurationError } from "../ClientErrors.js"

export class Region extends Context.Tag("amplifybackend/Region")<Region, string>() {}

const regionPattern = /^[a-z0-9][a-z0-9-]{0,62}$/

/**
 * Checks that a region name is well formed (`us-east-1`, `eu-west-3`, `local`...). `source`
 * says where it came from, in the message; `setting` names what to change (an option, an
 * environment variable, a profile key), default `source`.
 */
export const validate = (region: string, source: string, setting = source): Effect.Effect<string, ConfigurationError> =>
  regionPattern.test(region)
    ? Effect.succeed(region)
    : Effect.fail(
        new ConfigurationError({
          setting,
          message: `${JSON.stringify(region)} from ${source} is not a valid AWS region name`
        })
      )

/** A region given in code. */
export const layer = (region: string): Layer.Layer<Region, ConfigurationError> =>
  Layer.effect(Region, validate(region, "Region.layer"))

/** The region from `AWS_REGION`; a typed error naming what to set when it is missing. */
export const layerEnvironment = (
  env: Record<string, string | undefined> = process.env
): Layer.Layer<Region, ConfigurationError> =>
  Layer.effect(
    Region,
    Effect.suspend(() => {
      const region = env.AWS_REGION
      return region
        ? validate(region, "AWS_REGION")
        : Effect.fail(
            new ConfigurationError({
              setting: "AWS_REGION",
              message: "No AWS region: set AWS_REGION or provide one with Region.layer(\"us-east-1\")"
            })
          )
    })
  )
