import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { createHash } from "node:crypto"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { baseEnv, type Fake, fakeServer, Http, inMinutes, type Seen, tempDir, write } from "./support/fakes.js"

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex")

const roleCredentials = (expiration: number) =>
  JSON.stringify({
    roleCredentials: {
      accessKeyId: "ASIASSO",
      secretAccessKey: "sso-secret",
      sessionToken: "sso-session-token",
      expiration
    }
  })

/** A fake SSO portal accepting `token` for account 111122223333 / role ReadOnly. */
const fakePortal = (token: string, expiration: number) =>
  fakeServer((request: Seen) => {
    if (request.headers["x-amz-sso_bearer_token"] !== token) {
      return {
        status: 401,
        headers: { "x-amzn-errortype": "UnauthorizedException:http://internal" },
        body: JSON.stringify({ message: "Session token not found or invalid" })
      }
    }
    const url = new URL(request.url, "http://x")
    if (
      request.method !== "GET" || url.pathname !== "/federation/credentials" ||
      url.searchParams.get("account_id") !== "111122223333" || url.searchParams.get("role_name") !== "ReadOnly"
    ) {
      return { status: 404, body: JSON.stringify({ message: "No access" }) }
    }
    return { status: 200, headers: { "content-type": "application/json" }, body: roleCredentials(expiration) }
  })

const sessionConfig = `[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`

const legacyConfig = `[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly
`

const cacheToken = (dir: string, key: string, accessToken: string, expiresAt: string): void => {
  write(
    dir,
    `.aws/sso/cache/${sha1(key)}.json`,
    JSON.stringify({ accessToken, expiresAt, region: "us-east-1", startUrl: "https://corp.awsapps.com/start" })
  )
}

const ssoEnv = (dir: string, portal: Fake) => ({ ...baseEnv(dir), AWS_ENDPOINT_URL_SSO: portal.url })

describe("SSO profiles", () => {
  it.scopedLive("reads the token cached under sha1(session name) and calls GetRoleCredentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const expiration = Date.now() + 3_600_000
      const portal = yield* fakePortal("cached-access-token", expiration)
      write(dir, ".aws/config", sessionConfig)
      cacheToken(dir, "corp", "cached-access-token", inMinutes(60))
      const credentials = yield* CredentialProviders.fromProfile("dev", { env: ssoEnv(dir, portal) })
      expect(credentials.accessKeyId).toBe("ASIASSO")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("sso-secret")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("sso-session-token")
      expect(credentials.expiration?.getTime()).toBe(expiration)
      expect(portal.requests).toHaveLength(1)
      expect(portal.requests[0]!.url).toBe("/federation/credentials?account_id=111122223333&role_name=ReadOnly")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reads a legacy profile's token under sha1(start url)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const portal = yield* fakePortal("legacy-token", Date.now() + 3_600_000)
      write(dir, ".aws/config", legacyConfig)
      cacheToken(dir, "https://legacy.awsapps.com/start", "legacy-token", inMinutes(60))
      const credentials = yield* CredentialProviders.fromProfile("legacy", { env: ssoEnv(dir, portal) })
      expect(credentials.accessKeyId).toBe("ASIASSO")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("takes the cache directory and endpoint from options", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const portal = yield* fakePortal("t", Date.now() + 3_600_000)
      write(dir, ".aws/config", sessionConfig)
      write(
        dir,
        `elsewhere/${sha1("corp")}.json`,
        JSON.stringify({ accessToken: "t", expiresAt: inMinutes(60) })
      )
      const credentials = yield* CredentialProviders.fromProfile("dev", {
        env: baseEnv(dir),
        ssoCacheDir: `${dir}/elsewhere`,
        ssoEndpoint: portal.url
      })
      expect(credentials.accessKeyId).toBe("ASIASSO")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("fails on an expired token, telling to run aws sso login, without calling SSO", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const portal = yield* fakePortal("old", Date.now() + 3_600_000)
      write(dir, ".aws/config", sessionConfig)
      cacheToken(dir, "corp", "old", "2020-01-01T00:00:00Z")
      const error = yield* Effect.flip(CredentialProviders.fromProfile("dev", { env: ssoEnv(dir, portal) }))
      expect(error.provider).toBe("sso")
      expect(error.message).toContain("expired")
      expect(error.message).toContain("aws sso login --sso-session corp")
      expect(portal.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("fails when no token is cached, telling to run aws sso login", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const portal = yield* fakePortal("t", Date.now())
      write(dir, ".aws/config", legacyConfig)
      const error = yield* Effect.flip(CredentialProviders.fromProfile("legacy", { env: ssoEnv(dir, portal) }))
      expect(error.message).toContain("aws sso login --profile legacy")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("fails when the token is rejected, telling to sign in again", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const portal = yield* fakePortal("the-right-one", Date.now() + 3_600_000)
      write(dir, ".aws/config", sessionConfig)
      cacheToken(dir, "corp", "REVOKED-TOKEN", inMinutes(60))
      const error = yield* Effect.flip(CredentialProviders.fromProfile("dev", { env: ssoEnv(dir, portal) }))
      expect(error.message).toContain("HTTP 401")
      expect(error.message).toContain("UnauthorizedException")
      expect(error.message).toContain("aws sso login")
      expect(error.message).not.toContain("REVOKED-TOKEN")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("names a missing [sso-session] section", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[profile dev]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n")
      const error = yield* Effect.flip(CredentialProviders.fromProfile("dev", { env: baseEnv(dir) }))
      expect(error.message).toContain("[sso-session nowhere]")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("names the keys an SSO profile lacks", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(
        dir,
        ".aws/config",
        "[profile half]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
      )
      const error = yield* Effect.flip(CredentialProviders.fromProfile("half", { env: baseEnv(dir) }))
      expect(error.message).toContain("sso_account_id, sso_role_name")
    }).pipe(Effect.provide(Http)))
})
