/**
 * The endpoint as the model's own rule set (`smithy.rules#endpointRuleSet`) resolves it: FIPS
 * and dual-stack variants, every partition's DNS suffix, and a custom endpoint URL, with the
 * model's messages when a combination is not supported.
 *
 * Settings come from code or from the environment variables the AWS SDKs read:
 * `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_ENDPOINT_URL_AMPLIFYBACKEND`,
 * `AWS_ENDPOINT_URL` and `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { ConfigurationError } from "../ClientErrors.js"
import {
  evaluateRuleSet,
  type RuleEndpoint,
  type RuleSet,
  type Value
} from "../internal/endpointRules.js"
import type { Partition } from "../internal/partitions.js"
import { ruleSet as modelRuleSet, type EndpointParameters } from "../Schema/EndpointRules.js"
import { Endpoint, parse, signingName, type ResolvedEndpoint } from "./Endpoint.js"
import { Region } from "./Region.js"

/**
 * The rule set resolved no endpoint. `reason` is `ErrorRule` when one of its error rules
 * matched (the message is the rule's, e.g. "FIPS is enabled but this partition does not
 * support FIPS"), `NoMatch` when no rule matched, `InvalidParameter` for a parameter of the
 * wrong type, `InvalidRuleSet` for a rule set the interpreter cannot run.
 */
export class EndpointResolutionError extends Schema.TaggedError<EndpointResolutionError>()(
  "EndpointResolutionError",
  {
    reason: Schema.Literal("ErrorRule", "NoMatch", "InvalidParameter", "InvalidRuleSet"),
    message: Schema.String
  }
) {}

/** Options of `resolve`: another partition table, or another rule set, than the built-in ones. */
export interface ResolveOptions {
  readonly partitions?: ReadonlyArray<Partition>
  readonly ruleSet?: RuleSet
}

/** The signing region when neither the endpoint nor the parameters name one. */
const fallbackSigningRegion = "us-east-1"

const isRecord = (v: Value): v is { readonly [key: string]: Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v)

/** The first `sigv4` entry of the endpoint's `authSchemes` property, if any. */
const sigv4Scheme = (endpoint: RuleEndpoint): { readonly [key: string]: Value } | undefined => {
  const schemes = endpoint.properties.authSchemes
  if (!Array.isArray(schemes)) return undefined
  return (schemes as ReadonlyArray<Value>).filter(isRecord).find((s) => s.name === "sigv4")
}

const resolved = (endpoint: RuleEndpoint, params: EndpointParameters): ResolvedEndpoint => {
  const scheme = sigv4Scheme(endpoint)
  const region = scheme?.signingRegion
  const name = scheme?.signingName
  return {
    url: endpoint.url.replace(/\/+$/, ""),
    signingRegion: typeof region === "string" ? region : params.Region ?? fallbackSigningRegion,
    signingName: typeof name === "string" ? name : signingName
  }
}

/**
 * Resolves the endpoint for some parameters by the model's rule set. The URL has no trailing
 * slash. The signing region and name come from the endpoint's `sigv4` auth scheme when it has
 * one, else from `Region` (`us-east-1` for a custom endpoint with no region) and
 * `amplifybackend`.
 */
export const resolve = (
  params: EndpointParameters,
  options: ResolveOptions = {}
): Either.Either<ResolvedEndpoint, EndpointResolutionError> =>
  Either.mapBoth(evaluateRuleSet(options.ruleSet ?? modelRuleSet, params, options), {
    onLeft: (failure) => new EndpointResolutionError(failure),
    onRight: (endpoint) => resolved(endpoint, params)
  })

/** How to choose the endpoint: the FIPS and dual-stack variants, or a custom URL. */
export interface EndpointSettings {
  readonly useFips?: boolean
  readonly useDualStack?: boolean
  readonly endpointUrl?: string
}

/**
 * The endpoint the rule set resolves for the region in context and the settings. A custom URL
 * that is not an http(s) URL, or a combination the rule set refuses (FIPS with a custom URL, FIPS
 * in a partition without it...), fails with a `ConfigurationError` carrying the rule's message.
 */
export const layer = (
  settings: EndpointSettings = {}
): Layer.Layer<Endpoint, ConfigurationError, Region> =>
  Layer.effect(
    Endpoint,
    Effect.gen(function* () {
      const region = yield* Region
      const given = settings.endpointUrl
      const custom = given === undefined ? undefined : yield* parse(given)
      const params: EndpointParameters = {
        Region: region,
        UseFIPS: settings.useFips ?? false,
        UseDualStack: settings.useDualStack ?? false,
        ...(custom === undefined ? {} : { Endpoint: custom })
      }
      return yield* Either.mapLeft(
        resolve(params),
        (error) => new ConfigurationError({ setting: "endpoint", message: error.message })
      )
    })
  )

/** The environment variable that sets a custom URL for this service only. */
export const serviceEndpointVariable = "AWS_ENDPOINT_URL_AMPLIFYBACKEND"

/** The variables a custom URL is read from, the first one set winning. */
const urlVariables = [serviceEndpointVariable, "AWS_ENDPOINT_URL"]

type Environment = Readonly<Record<string, string | undefined>>

/** A variable's value, with an empty value taken as unset. */
const variable = (env: Environment, name: string): string | undefined => {
  const value = env[name]
  return value === undefined || value === "" ? undefined : value
}

const flag = (
  env: Environment,
  name: string
): Effect.Effect<boolean | undefined, ConfigurationError> => {
  const value = variable(env, name)
  if (value === undefined) return Effect.succeed(undefined)
  const lower = value.toLowerCase()
  if (lower === "true" || lower === "false") return Effect.succeed(lower === "true")
  return Effect.fail(
    new ConfigurationError({
      setting: name,
      message: `${name} must be "true" or "false", not ${JSON.stringify(value)}`
    })
  )
}

const endpointUrl = (env: Environment, name: string): Effect.Effect<string, ConfigurationError> =>
  Effect.mapError(
    parse(variable(env, name) ?? ""),
    (error) => new ConfigurationError({ setting: name, message: `${name}: ${error.message}` })
  )

/**
 * Endpoint settings from environment variables: `AWS_USE_FIPS_ENDPOINT` and
 * `AWS_USE_DUALSTACK_ENDPOINT` ("true" or "false", in any case), and a custom URL from
 * `AWS_ENDPOINT_URL_AMPLIFYBACKEND`, else `AWS_ENDPOINT_URL`, unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is "true". An empty variable counts as unset; any other
 * value that is not allowed fails with a `ConfigurationError` naming the variable.
 */
export const settingsFromEnvironment = (
  env: Environment = process.env
): Effect.Effect<EndpointSettings, ConfigurationError> =>
  Effect.gen(function* () {
    const useFips = yield* flag(env, "AWS_USE_FIPS_ENDPOINT")
    const useDualStack = yield* flag(env, "AWS_USE_DUALSTACK_ENDPOINT")
    const ignoreUrls = yield* flag(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    const urlVariable = ignoreUrls === true
      ? undefined
      : urlVariables.find((name) => variable(env, name) !== undefined)
    const url = urlVariable === undefined ? undefined : yield* endpointUrl(env, urlVariable)
    return {
      ...(useFips === undefined ? {} : { useFips }),
      ...(useDualStack === undefined ? {} : { useDualStack }),
      ...(url === undefined ? {} : { endpointUrl: url })
    }
  })

/** `layer` with the settings `settingsFromEnvironment` reads. */
export const layerEnvironment = (
  env: Environment = process.env
): Layer.Layer<Endpoint, ConfigurationError, Region> =>
  Layer.unwrapEffect(Effect.map(settingsFromEnvironment(env), layer))
