/**
 * IAM Identity Center (SSO) profiles: the access token cached by `aws sso login`, exchanged for
 * role credentials with the SSO portal's GetRoleCredentials.
 *
 * Two profile shapes are read: `sso_session = name` with an `[sso-session name]` section holding
 * `sso_start_url` and `sso_region`, and the legacy shape with `sso_start_url` and `sso_region`
 * in the profile. Both need `sso_account_id` and `sso_role_name`. The token cache file is
 * `<cache dir>/<sha1 hex of the session name, or of the start URL for legacy profiles>.json`.
 * Expired tokens are not refreshed here: `aws sso login` renews them.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as NodeCrypto from "node:crypto"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import type { SharedConfig } from "./files.js"
import * as Http from "./http.js"
import { type IniSection, stringValue } from "./ini.js"
import { describe, fail, type Resolved } from "./options.js"

/** The settings of an SSO profile, once validated. */
export interface SsoSettings {
  readonly startUrl: string
  readonly region: string
  readonly accountId: string
  readonly roleName: string
  /** The session name (`sso_session`) or, for legacy profiles, the start URL. */
  readonly cacheKey: string
  /** The command that renews the token. */
  readonly loginCommand: string
}

/** True when a profile asks for SSO. */
export const isSsoProfile = (profile: IniSection): boolean =>
  ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name"].some(
    (key) => stringValue(profile, key) !== undefined
  )

/** Validates an SSO profile's settings; every message says which key to set, and where. */
export const settings = (
  name: string,
  profile: IniSection,
  config: SharedConfig
): Effect.Effect<SsoSettings, CredentialsError> =>
  Effect.suspend(() => {
    const where = `profile "${name}" in ${config.configFile}`
    const sessionName = stringValue(profile, "sso_session")
    let startUrl = stringValue(profile, "sso_start_url")
    let region = stringValue(profile, "sso_region")
    let cacheKey: string | undefined
    let loginCommand = `aws sso login --profile ${name}`
    if (sessionName !== undefined) {
      const session = Object.prototype.hasOwnProperty.call(config.ssoSessions, sessionName)
        ? config.ssoSessions[sessionName]
        : undefined
      if (session === undefined) {
        return fail(
          "sso",
          `${where} sets sso_session = ${sessionName}, but there is no [sso-session ${sessionName}] section`
        )
      }
      const sessionUrl = stringValue(session, "sso_start_url")
      const sessionRegion = stringValue(session, "sso_region")
      if (sessionUrl === undefined || sessionRegion === undefined) {
        return fail(
          "sso",
          `[sso-session ${sessionName}] in ${config.configFile} must set sso_start_url and sso_region`
        )
      }
      if (startUrl !== undefined && startUrl !== sessionUrl) {
        return fail("sso", `${where} sets an sso_start_url that differs from [sso-session ${sessionName}]`)
      }
      if (region !== undefined && region !== sessionRegion) {
        return fail("sso", `${where} sets an sso_region that differs from [sso-session ${sessionName}]`)
      }
      startUrl = sessionUrl
      region = sessionRegion
      cacheKey = sessionName
      loginCommand = `aws sso login --sso-session ${sessionName}`
    } else {
      cacheKey = startUrl
    }
    const accountId = stringValue(profile, "sso_account_id")
    const roleName = stringValue(profile, "sso_role_name")
    const missing = [
      ["sso_start_url", startUrl],
      ["sso_region", region],
      ["sso_account_id", accountId],
      ["sso_role_name", roleName]
    ].filter(([, value]) => value === undefined).map(([key]) => key)
    if (missing.length > 0 || cacheKey === undefined) {
      return fail(
        "sso",
        `${where} is an SSO profile but lacks ${missing.join(", ")}` +
          (sessionName === undefined ? " (or set sso_session to an [sso-session] section)" : "")
      )
    }
    return Effect.succeed({
      startUrl: startUrl!,
      region: region!,
      accountId: accountId!,
      roleName: roleName!,
      cacheKey,
      loginCommand
    })
  })

/** The cache file of a session name or start URL. */
export const cacheFile = (cacheDir: string, cacheKey: string): string =>
  NodePath.join(
    cacheDir,
    NodeCrypto.createHash("sha1").update(cacheKey, "utf8").digest("hex") + ".json"
  )

/** Reads the cached access token; a missing, unreadable, malformed or expired token is an error. */
export const readToken = (
  sso: SsoSettings,
  options: Resolved
): Effect.Effect<string, CredentialsError> =>
  Effect.gen(function*() {
    const path = cacheFile(options.ssoCacheDir, sso.cacheKey)
    const text = yield* Effect.tryPromise({
      try: () => NodeFs.readFile(path, "utf8"),
      catch: (cause) => cause
    }).pipe(
      Effect.catchAll((cause) => {
        const code = (cause as { code?: unknown } | null)?.code
        return fail(
          "sso",
          code === "ENOENT"
            ? `no cached SSO token for ${sso.startUrl} (${path}): run \`${sso.loginCommand}\``
            : `cannot read the SSO token cache ${path}: ${describe(cause)}`,
          cause
        )
      })
    )
    let token: unknown
    try {
      token = JSON.parse(text)
    } catch {
      return yield* fail("sso", `the SSO token cache ${path} is not JSON: run \`${sso.loginCommand}\``)
    }
    const record = token !== null && typeof token === "object" ? token as Record<string, unknown> : {}
    const accessToken = record.accessToken
    const expiresAt = typeof record.expiresAt === "string" ? new Date(record.expiresAt) : undefined
    if (typeof accessToken !== "string" || accessToken === "" || expiresAt === undefined ||
      Number.isNaN(expiresAt.getTime())) {
      return yield* fail(
        "sso",
        `the SSO token cache ${path} lacks accessToken or expiresAt: run \`${sso.loginCommand}\``
      )
    }
    if (expiresAt.getTime() <= (yield* Clock.currentTimeMillis)) {
      return yield* fail(
        "sso",
        `the SSO session for ${sso.startUrl} expired at ${expiresAt.toISOString()}: ` +
          `run \`${sso.loginCommand}\` to renew it`
      )
    }
    return accessToken
  })

/** The SSO portal endpoint: the option or `AWS_ENDPOINT_URL_SSO`, else the regional one. */
export const endpoint = (options: Resolved, region: string): string =>
  (options.ssoEndpoint ?? `https://portal.sso.${region}.amazonaws.com`).replace(/\/+$/, "")

/** GetRoleCredentials: trades the access token for the role's credentials. */
export const getRoleCredentials = (
  sso: SsoSettings,
  accessToken: string,
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const url = `${endpoint(options, sso.region)}/federation/credentials?account_id=` +
      `${encodeURIComponent(sso.accountId)}&role_name=${encodeURIComponent(sso.roleName)}`
    const target = `SSO GetRoleCredentials for role ${sso.roleName} in account ${sso.accountId}`
    const response = yield* Http.send(
      HttpClientRequest.get(url).pipe(
        HttpClientRequest.setHeader("x-amz-sso_bearer_token", accessToken)
      ),
      { timeout: options.httpTimeout, retries: options.httpRetries }
    ).pipe(Effect.catchTag("HttpFailure", (e) => fail("sso", `${target}: ${e.message}`, e)))
    let body: unknown
    try {
      body = JSON.parse(response.body)
    } catch {
      body = undefined
    }
    const record = body !== null && typeof body === "object" ? body as Record<string, unknown> : {}
    if (response.status !== 200) {
      const type = response.headers["x-amzn-errortype"]?.split(":")[0] ??
        (typeof record.__type === "string" ? record.__type : undefined)
      const message = typeof record.message === "string"
        ? record.message
        : typeof record.Message === "string"
        ? record.Message
        : undefined
      const hint = response.status === 401 || response.status === 403
        ? `; run \`${sso.loginCommand}\` to sign in again`
        : ""
      return yield* fail(
        "sso",
        `${target} failed with HTTP ${response.status}` + (type === undefined ? "" : `: ${type}`) +
          (message === undefined ? "" : `: ${message}`) + hint,
        { status: response.status, type, message }
      )
    }
    const creds = record.roleCredentials !== null && typeof record.roleCredentials === "object"
      ? record.roleCredentials as Record<string, unknown>
      : {}
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = creds
    if (typeof accessKeyId !== "string" || typeof secretAccessKey !== "string" || accessKeyId === "" ||
      secretAccessKey === "" || typeof expiration !== "number") {
      return yield* fail("sso", `${target} answered without complete roleCredentials`)
    }
    return make({
      accessKeyId,
      secretAccessKey,
      sessionToken: typeof sessionToken === "string" && sessionToken !== "" ? sessionToken : undefined,
      expiration: new Date(expiration)
    })
  })

/** Credentials for an SSO profile. */
export const fromProfile = (
  name: string,
  profile: IniSection,
  config: SharedConfig,
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const sso = yield* settings(name, profile, config)
    const token = yield* readToken(sso, options)
    return yield* getRoleCredentials(sso, token, options)
  })
