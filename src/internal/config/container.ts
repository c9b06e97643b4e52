/**
 * Container credentials (ECS task roles, EKS Pod Identity, Greengrass...): a local HTTP
 * endpoint named by `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (under a fixed host) or
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with an optional authorization token from
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 *
 * A full URI may only name a loopback address, the ECS and EKS credential addresses
 * (169.254.170.2, 169.254.170.23, fd00:ec2::23) or a host the options allow.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs/promises"
import * as NodeNet from "node:net"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import * as Http from "./http.js"
import { describe, fail, nonEmpty, NotConfigured, type Resolved } from "./options.js"

const ENDPOINT = "the container credentials endpoint"

const serviceHosts = new Set(["169.254.170.2", "169.254.170.23", "fd00:ec2::23"])

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback addresses. */
export const isLoopback = (hostname: string): boolean => {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase()
  if (host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1") return true
  const v4 = host.startsWith("::ffff:") ? host.slice(7) : host
  return NodeNet.isIPv4(v4) && v4.startsWith("127.")
}

/** Checks a full URI against the allowed hosts. */
const checkFullUri = (
  uri: string,
  options: Resolved
): Effect.Effect<string, CredentialsError> => {
  let parsed: URL
  try {
    parsed = new URL(uri)
  } catch (cause) {
    return fail(
      "container",
      `AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: ${JSON.stringify(uri)}`,
      cause
    )
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return fail("container", "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL")
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase()
  if (isLoopback(host) || serviceHosts.has(host) || options.containerAllowedHosts.includes(host)) {
    return Effect.succeed(uri)
  }
  return fail(
    "container",
    `AWS_CONTAINER_CREDENTIALS_FULL_URI names host ${host}, which is not a loopback address nor an ` +
      "ECS/EKS credentials address; add it to containerAllowedHosts if it is trusted"
  )
}

/** The authorization token: the token file (read on each call) wins over the variable. */
const authorization = (options: Resolved): Effect.Effect<string | undefined, CredentialsError> => {
  const file = nonEmpty(options.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
  const read = file === undefined
    ? Effect.succeed(nonEmpty(options.env.AWS_CONTAINER_AUTHORIZATION_TOKEN))
    : Effect.tryPromise({ try: () => NodeFs.readFile(file, "utf8"), catch: (cause) => cause }).pipe(
      Effect.map((text): string | undefined => text.trim()),
      Effect.catchAll((cause) =>
        fail(
          "container",
          `cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file}: ${describe(cause)}`,
          cause
        )
      )
    )
  return Effect.flatMap(read, (token) =>
    token !== undefined && /[\r\n]/.test(token)
      ? fail("container", "the container authorization token contains a line break")
      : Effect.succeed(token))
}

/** The endpoint to call, or "not configured". */
const target = (options: Resolved): Effect.Effect<string, CredentialsError | NotConfigured> => {
  const relative = nonEmpty(options.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
  if (relative !== undefined) {
    const base = options.containerHost.replace(/\/+$/, "")
    return Effect.succeed(base + (relative.startsWith("/") ? relative : "/" + relative))
  }
  const full = nonEmpty(options.env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
  if (full !== undefined) return checkFullUri(full, options)
  return Effect.fail(
    new NotConfigured({
      provider: "container",
      reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
    })
  )
}

/** Credentials from the container credentials endpoint. */
export const fromContainer = (
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError | NotConfigured, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const url = yield* target(options)
    const token = yield* authorization(options)
    const request = token === undefined
      ? HttpClientRequest.get(url)
      : HttpClientRequest.get(url).pipe(HttpClientRequest.setHeader("authorization", token))
    const response = yield* Http.send(request, {
      timeout: options.metadataTimeout,
      retries: options.metadataRetries
    }).pipe(Effect.catchTag("HttpFailure", (e) => fail("container", e.message, e)))
    if (response.status !== 200) {
      return yield* fail(
        "container",
        `the container credentials endpoint answered HTTP ${response.status}: ` +
          Http.excerpt(response.body),
        { status: response.status }
      )
    }
    let body: unknown
    try {
      body = JSON.parse(response.body)
    } catch {
      return yield* fail("container", `${ENDPOINT} answered something that is not JSON`)
    }
    const record = body !== null && typeof body === "object" ? body as Record<string, unknown> : {}
    const { AccessKeyId, SecretAccessKey, Token, Expiration } = record
    if (typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string" || AccessKeyId === "" ||
      SecretAccessKey === "") {
      return yield* fail("container", `${ENDPOINT} answered without AccessKeyId/SecretAccessKey`)
    }
    const expiration = typeof Expiration === "string" ? new Date(Expiration) : undefined
    if (expiration !== undefined && Number.isNaN(expiration.getTime())) {
      return yield* fail("container", `${ENDPOINT} answered an invalid Expiration`)
    }
    return make({
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: typeof Token === "string" && Token !== "" ? Token : undefined,
      expiration
    })
  })
