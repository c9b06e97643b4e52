/**
 * Web identity federation: a token file (an OIDC JWT, such as an EKS service account token)
 * exchanged for role credentials with STS AssumeRoleWithWebIdentity.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs/promises"
import type { AwsCredentials, CredentialsError } from "../../Layer/Credentials.js"
import { describe, fail, nonEmpty, NotConfigured, type Resolved } from "./options.js"
import * as Sts from "./sts.js"

/** What a web identity exchange needs. */
export interface WebIdentitySettings {
  readonly roleArn: string
  readonly tokenFile: string
  readonly roleSessionName?: string | undefined
  readonly region?: string | undefined
}

/** Reads the token anew on each call: it is rotated on disk. */
const readToken = (path: string, setting: string): Effect.Effect<string, CredentialsError> =>
  Effect.tryPromise({
    try: () => NodeFs.readFile(path, "utf8"),
    catch: (cause) => cause
  }).pipe(
    Effect.catchAll((cause) =>
      fail(
        "web-identity",
        `cannot read the web identity token file ${path} (${setting}): ${describe(cause)}`,
        cause
      )
    ),
    Effect.flatMap((text) => {
      const token = text.trim()
      return token === ""
        ? fail("web-identity", `the web identity token file ${path} (${setting}) is empty`)
        : Effect.succeed(token)
    })
  )

/** Exchanges the token in `settings.tokenFile` for role credentials. */
export const exchange = (
  settings: WebIdentitySettings,
  options: Resolved,
  setting: string
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const token = yield* readToken(settings.tokenFile, setting)
    const roleSessionName = settings.roleSessionName ?? (yield* Sts.defaultSessionName)
    return yield* Sts.assumeRoleWithWebIdentity(
      { roleArn: settings.roleArn, roleSessionName, webIdentityToken: token },
      options,
      Sts.region(options, settings.region)
    )
  })

/** From `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`. */
export const fromEnvironment = (
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError | NotConfigured, HttpClient.HttpClient> =>
  Effect.suspend((): Effect.Effect<
    AwsCredentials,
    CredentialsError | NotConfigured,
    HttpClient.HttpClient
  > => {
    const tokenFile = nonEmpty(options.env.AWS_WEB_IDENTITY_TOKEN_FILE)
    const roleArn = nonEmpty(options.env.AWS_ROLE_ARN)
    if (tokenFile === undefined || roleArn === undefined) {
      return Effect.fail(
        new NotConfigured({
          provider: "web-identity",
          reason: tokenFile === undefined && roleArn === undefined
            ? "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set"
            : tokenFile === undefined
            ? "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"
            : "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
        })
      )
    }
    return exchange(
      { roleArn, tokenFile, roleSessionName: nonEmpty(options.env.AWS_ROLE_SESSION_NAME) },
      options,
      "AWS_WEB_IDENTITY_TOKEN_FILE"
    )
  })
