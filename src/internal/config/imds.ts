/**
 * EC2 instance metadata (IMDSv2): a session token from `PUT /latest/api/token`, then the role
 * name from `GET /latest/meta-data/iam/security-credentials/`, then that role's credentials.
 * Each request gets a short timeout and one retry by default, so a machine off EC2 fails fast.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import * as Http from "./http.js"
import { fail, nonEmpty, NotConfigured, type Resolved } from "./options.js"

const TOKEN_TTL_SECONDS = "21600"
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"
const NO_ROLE = "no IAM role is attached to this instance"

/** The endpoint: the option, `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the address for the mode. */
export const endpoint = (options: Resolved): string => {
  const mode = (options.env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE ?? "").toLowerCase()
  const base = options.imdsEndpoint ?? nonEmpty(options.env.AWS_EC2_METADATA_SERVICE_ENDPOINT) ??
    (mode === "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
  return base.replace(/\/+$/, "")
}

/** Credentials of the instance's IAM role. */
export const fromInstanceMetadata = (
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError | NotConfigured, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    if ((options.env.AWS_EC2_METADATA_DISABLED ?? "").toLowerCase() === "true") {
      return yield* Effect.fail(
        new NotConfigured({
          provider: "instance-metadata",
          reason: "AWS_EC2_METADATA_DISABLED is true"
        })
      )
    }
    const base = endpoint(options)
    const policy = { timeout: options.metadataTimeout, retries: options.metadataRetries }
    const call = (request: HttpClientRequest.HttpClientRequest, what: string) =>
      Http.send(request, policy).pipe(
        Effect.catchTag("HttpFailure", (e) =>
          fail("instance-metadata", `instance metadata ${what} at ${base}: ${e.message}`, e)),
        Effect.flatMap((response) =>
          response.status === 200
            ? Effect.succeed(response.body)
            : fail(
              "instance-metadata",
              `instance metadata ${what} at ${base} answered HTTP ${response.status}` +
                (response.status === 404 && what === "role name" ? `: ${NO_ROLE}` : ""),
              { status: response.status }
            ))
      )
    const token = (yield* call(
      HttpClientRequest.put(`${base}/latest/api/token`).pipe(
        HttpClientRequest.setHeader("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)
      ),
      "session token"
    )).trim()
    const withToken = HttpClientRequest.setHeader("x-aws-ec2-metadata-token", token)
    const role = (yield* call(withToken(HttpClientRequest.get(base + CREDENTIALS_PATH)), "role name"))
      .split(/\r?\n/).map((line) => line.trim()).find((line) => line !== "")
    if (role === undefined) {
      return yield* fail("instance-metadata", NO_ROLE)
    }
    const body = yield* call(
      withToken(HttpClientRequest.get(base + CREDENTIALS_PATH + encodeURIComponent(role))),
      "credentials"
    )
    const about = `instance metadata credentials for role ${role}`
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return yield* fail("instance-metadata", `${about} are not JSON`)
    }
    const record = parsed !== null && typeof parsed === "object"
      ? parsed as Record<string, unknown>
      : {}
    if (record.Code !== undefined && record.Code !== "Success") {
      return yield* fail(
        "instance-metadata",
        `${about} are not available: ${String(record.Code)}`
      )
    }
    const { AccessKeyId, SecretAccessKey, Token, Expiration } = record
    if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string" || AccessKeyId === "" ||
      SecretAccessKey === "") {
      return yield* fail("instance-metadata", `${about} are incomplete`)
    }
    const expiration = typeof Expiration === "string" ? new Date(Expiration) : undefined
    if (expiration !== undefined && Number.isNaN(expiration.getTime())) {
      return yield* fail("instance-metadata", `${about} have an invalid Expiration`)
    }
    return make({
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: typeof Token === "string" && Token !== "" ? Token : undefined,
      expiration
    })
  })
