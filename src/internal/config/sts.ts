/**
 * STS over the query protocol: AssumeRole (SigV4-signed) and AssumeRoleWithWebIdentity
 * (unsigned), their form-encoded requests and XML responses.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import * as Http from "./http.js"
import { fail, nonEmpty, type Resolved } from "./options.js"

const API_VERSION = "2011-06-15"

/** Decodes the five XML entities and numeric character references. */
export const decodeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    switch (entity) {
      case "amp":
        return "&"
      case "lt":
        return "<"
      case "gt":
        return ">"
      case "quot":
        return "\""
      case "apos":
        return "'"
      default:
        return String.fromCodePoint(
          entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10)
        )
    }
  })

/** The text of the first `<name>` element in `xml`, decoded, or `undefined`. */
export const xmlText = (xml: string, name: string): string | undefined => {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)
  if (match === null) return undefined
  const inner = match[1]!
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(inner)
  return cdata === null ? decodeXml(inner).trim() : cdata[1]!
}

/** The STS endpoint for a region: the option or `AWS_ENDPOINT_URL_STS`, else the regional one. */
export const endpoint = (options: Resolved, region: string): string => {
  const base = options.stsEndpoint ??
    `https://sts.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`
  return base.endsWith("/") ? base : base + "/"
}

/** STS's region: the option, the profile's, `AWS_REGION`, `AWS_DEFAULT_REGION`, `us-east-1`. */
export const region = (options: Resolved, profileRegion?: string): string =>
  options.stsRegion ?? profileRegion ?? nonEmpty(options.env.AWS_REGION) ??
    nonEmpty(options.env.AWS_DEFAULT_REGION) ?? "us-east-1"

/** What to ask STS for. */
export interface RoleRequest {
  readonly roleArn: string
  readonly roleSessionName: string
  readonly externalId?: string | undefined
  readonly durationSeconds?: number | undefined
}

/** A default session name: `amplifybackend-effect-<epoch millis>`. */
export const defaultSessionName: Effect.Effect<string> = Effect.map(
  Clock.currentTimeMillis,
  (now) => `amplifybackend-effect-${now}`
)

/** Reads the credentials out of an AssumeRole* response, or the error STS sent. */
const decode = (
  provider: string,
  action: string,
  roleArn: string,
  response: Http.Response
): Effect.Effect<AwsCredentials, CredentialsError> => {
  if (response.status !== 200) {
    const code = xmlText(response.body, "Code")
    const message = xmlText(response.body, "Message")
    return fail(
      provider,
      `STS ${action} for ${roleArn} failed with HTTP ${response.status}` +
        (code === undefined ? "" : `: ${code}`) + (message === undefined ? "" : `: ${message}`),
      { status: response.status, code, message }
    )
  }
  const block = xmlText(response.body, "Credentials")
  const accessKeyId = block === undefined ? undefined : xmlText(block, "AccessKeyId")
  const secretAccessKey = block === undefined ? undefined : xmlText(block, "SecretAccessKey")
  const sessionToken = block === undefined ? undefined : xmlText(block, "SessionToken")
  const expiration = block === undefined ? undefined : xmlText(block, "Expiration")
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration) {
    return fail(provider, `STS ${action} for ${roleArn} answered without complete credentials`)
  }
  const expires = new Date(expiration)
  if (Number.isNaN(expires.getTime())) {
    return fail(provider, `STS ${action} for ${roleArn} answered an invalid Expiration`)
  }
  return Effect.succeed(make({ accessKeyId, secretAccessKey, sessionToken, expiration: expires }))
}

const call = (
  provider: string,
  action: string,
  params: Readonly<Record<string, string>>,
  roleArn: string,
  options: Resolved,
  stsRegion: string,
  sign: ((request: { url: string; headers: Record<string, string>; body: string }) => Effect.Effect<
    Record<string, string>
  >) | undefined
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const url = endpoint(options, stsRegion)
    const body = new URLSearchParams({ Action: action, Version: API_VERSION, ...params }).toString()
    const contentType = "application/x-www-form-urlencoded; charset=utf-8"
    const headers = sign === undefined
      ? { "content-type": contentType }
      : yield* sign({ url, headers: { "content-type": contentType }, body })
    const request = HttpClientRequest.post(url).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.bodyText(body, contentType)
    )
    const policy = { timeout: options.httpTimeout, retries: options.httpRetries }
    const response = yield* Http.send(request, policy).pipe(
      Effect.catchTag("HttpFailure", (e) =>
        fail(provider, `STS ${action} for ${roleArn}: ${e.message}`, e))
    )
    return yield* decode(provider, action, roleArn, response)
  })

const optionalParams = (request: RoleRequest): Record<string, string> => {
  const params: Record<string, string> = {}
  if (request.externalId !== undefined) params.ExternalId = request.externalId
  if (request.durationSeconds !== undefined) params.DurationSeconds = String(request.durationSeconds)
  return params
}

/** STS AssumeRole, signed with the source credentials. */
export const assumeRole = (
  request: RoleRequest,
  source: AwsCredentials,
  options: Resolved,
  stsRegion: string
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  call(
    "assume-role",
    "AssumeRole",
    { RoleArn: request.roleArn, RoleSessionName: request.roleSessionName, ...optionalParams(request) },
    request.roleArn,
    options,
    stsRegion,
    (unsigned) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        options.signer.sign(
          { method: "POST", ...unsigned },
          source,
          { region: stsRegion, service: "sts" },
          new Date(now)
        ))
  )

/** STS AssumeRoleWithWebIdentity, unsigned: the token is the proof. */
export const assumeRoleWithWebIdentity = (
  request: RoleRequest & { readonly webIdentityToken: string },
  options: Resolved,
  stsRegion: string
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  call(
    "web-identity",
    "AssumeRoleWithWebIdentity",
    {
      RoleArn: request.roleArn,
      RoleSessionName: request.roleSessionName,
      WebIdentityToken: request.webIdentityToken,
      ...optionalParams(request)
    },
    request.roleArn,
    options,
    stsRegion,
    undefined
  )
