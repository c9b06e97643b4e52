/**
 * The providers as the default chain sees them, and the chain itself.
 *
 * Each provider either yields credentials, says it is not configured (the chain moves on), or
 * fails (the chain stops with that failure, as the AWS SDKs do: a profile whose
 * `credential_process` is broken must not silently fall through to instance metadata).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import { type AwsCredentials, type CredentialsError, fromEnvironment } from "../../Layer/Credentials.js"
import * as Container from "./container.js"
import * as Files from "./files.js"
import * as Imds from "./imds.js"
import { fail, failure, nonEmpty, NotConfigured, type Resolved } from "./options.js"
import * as Profile from "./profile.js"
import * as WebIdentity from "./webIdentity.js"

/** A provider that can say it is not configured. */
export type Attempt = Effect.Effect<
  AwsCredentials,
  CredentialsError | NotConfigured,
  HttpClient.HttpClient
>

/** `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); one alone fails. */
export const environment = (
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError | NotConfigured> =>
  Effect.suspend((): Effect.Effect<AwsCredentials, CredentialsError | NotConfigured> => {
    const id = nonEmpty(options.env.AWS_ACCESS_KEY_ID)
    const secret = nonEmpty(options.env.AWS_SECRET_ACCESS_KEY)
    if (id === undefined && secret === undefined) {
      return Effect.fail(
        new NotConfigured({
          provider: "environment",
          reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
        })
      )
    }
    if (id === undefined || secret === undefined) {
      return fail(
        "environment",
        `${id === undefined ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"} is set but ` +
          `${id === undefined ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"} is not: set both, or neither`
      )
    }
    return fromEnvironment(options.env)
  })

/**
 * The credentials of a profile: `name`, else `AWS_PROFILE`, else `default`. A missing profile
 * is "not configured" when it was not asked for by name (the `default` profile), and an error
 * when it was; so is a profile without credential settings.
 */
export const profile = (options: Resolved, name?: string): Attempt =>
  Effect.gen(function*() {
    const chosen = name ?? nonEmpty(options.env.AWS_PROFILE)
    const profileName = chosen ?? "default"
    const config = yield* Files.load(options).pipe(
      Effect.mapError((e) => failure("profile", e.message, e))
    )
    const section = Profile.lookup(config, profileName)
    if (section === undefined) {
      const message =
        `profile "${profileName}" is not in ${config.configFile} nor ${config.credentialsFile}`
      return yield* chosen === undefined
        ? Effect.fail(new NotConfigured({ provider: "profile", reason: message }))
        : fail("profile", `${message}; check the name or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE`)
    }
    if (chosen === undefined && !Profile.hasCredentials(section)) {
      return yield* Effect.fail(
        new NotConfigured({ provider: "profile", reason: `profile "default" sets no credentials` })
      )
    }
    return yield* Profile.resolve(profileName, [profileName], config, options)
  })

/** The providers of the default chain, in SDK order. */
export const defaultProviders = (
  options: Resolved
): ReadonlyArray<readonly [string, Attempt]> => [
  ["environment", environment(options)],
  ["web-identity", WebIdentity.fromEnvironment(options)],
  ["profile", profile(options)],
  ["container", Container.fromContainer(options)],
  // Off EC2 the metadata service does not answer; being last, its failure ends the chain anyway,
  // and it is reported among the skipped providers with its cause kept.
  [
    "instance-metadata",
    Effect.catchTag(Imds.fromInstanceMetadata(options), "CredentialsError", (e) =>
      Effect.fail(
        new NotConfigured({ provider: e.provider, reason: `unavailable: ${e.message}`, cause: e })
      ))
  ]
]

/**
 * Tries each provider in turn. The error of a failing provider keeps its `provider` and gets the
 * list of providers skipped before it; when all are skipped the error lists why.
 */
export const firstOf = (providers: ReadonlyArray<readonly [string, Attempt]>): Effect.Effect<
  AwsCredentials,
  CredentialsError,
  HttpClient.HttpClient
> => {
  const go = (index: number, skipped: ReadonlyArray<string>, lastCause: unknown): Effect.Effect<
    AwsCredentials,
    CredentialsError,
    HttpClient.HttpClient
  > => {
    if (index >= providers.length) {
      return fail(
        "default-chain",
        `no AWS credentials found; tried ${skipped.join("; ")}. Set AWS_ACCESS_KEY_ID and ` +
          "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a [default] profile in the shared files",
        lastCause
      )
    }
    const [name, attempt] = providers[index]!
    return Effect.catchAll(attempt, (error) =>
      error._tag === "NotConfigured"
        ? go(index + 1, [...skipped, `${name}: skipped (${error.reason})`], error.cause ?? lastCause)
        : Effect.fail(
          failure(
            error.provider,
            skipped.length === 0
              ? `${name}: ${error.message}`
              : `${name}: ${error.message} (before it: ${skipped.join("; ")})`,
            error
          )
        ))
  }
  return go(0, [], undefined)
}

/** environment → web identity → shared profile → container → instance metadata. */
export const defaultChain = (options: Resolved) => firstOf(defaultProviders(options))
