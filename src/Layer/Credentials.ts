/**
 * AWS credentials as a service: where a call gets the keys it signs with.
 *
 * A call reads the credentials once per attempt, so a provider that refreshes temporary
 * credentials is honoured on the next attempt.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/** A set of AWS credentials. Secrets stay `Redacted` so they never reach a log by accident. */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  readonly sessionToken?: Redacted.Redacted<string> | undefined
  readonly expiration?: Date | undefined
}

/** No credentials could be found, or a provider failed; `provider` names which one. */
export class CredentialsError extends Schema.TaggedError<CredentialsError>()("CredentialsError", {
  provider: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

/** The credentials a client signs with. */
export class Credentials extends Context.Tag("amplifybackend/Credentials")<
  Credentials,
  { readonly get: Effect.Effect<AwsCredentials, CredentialsError> }
>() {}

/** Builds an `AwsCredentials` value from plain strings. */
export const make = (options: {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
  readonly expiration?: Date | undefined
}): AwsCredentials => ({
  accessKeyId: options.accessKeyId,
  secretAccessKey: Redacted.make(options.secretAccessKey),
  sessionToken: options.sessionToken === undefined ? undefined : Redacted.make(options.sessionToken),
  expiration: options.expiration
})

/** Fixed credentials, given in code. */
export const layerStatic = (
  credentials: AwsCredentials | Parameters<typeof make>[0]
): Layer.Layer<Credentials> => Layer.succeed(Credentials, { get: Effect.succeed(normalize(credentials)) })

/** Credentials with their secrets as given (plain strings) or already `Redacted`. */
export const normalize = (credentials: AwsCredentials | Parameters<typeof make>[0]): AwsCredentials =>
  Redacted.isRedacted(credentials.secretAccessKey)
    ? (credentials as AwsCredentials)
    : make(credentials as Parameters<typeof make>[0])

/** Reads credentials from an environment record (`process.env` by default). */
export const fromEnvironment = (
  env: Record<string, string | undefined> = process.env
): Effect.Effect<AwsCredentials, CredentialsError> =>
  Effect.suspend(() => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId || !secretAccessKey) {
      return Effect.fail(
        new CredentialsError({
          provider: "environment",
          message:
            "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY " +
            "(and AWS_SESSION_TOKEN for temporary credentials), or provide a Credentials layer"
        })
      )
    }
    const sessionToken = env.AWS_SESSION_TOKEN
    const expiration = env.AWS_CREDENTIAL_EXPIRATION
    return Effect.succeed(
      make({
        accessKeyId,
        secretAccessKey,
        sessionToken: sessionToken ? sessionToken : undefined,
        expiration: expiration ? new Date(expiration) : undefined
      })
    )
  })

/**
 * Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`,
 * read on each use so a changed environment is seen by the next call.
 */
export const layerEnvironment = (
  env: Record<string, string | undefined> = process.env
): Layer.Layer<Credentials> => Layer.succeed(Credentials, { get: fromEnvironment(env) })
