import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"
import { baseEnv, FetchHttp, fakeServer, Http, metadataCredentials, tempDir, write } from "./support/fakes.js"

describe("container credentials", () => {
  it.scopedLive("fetches AWS_CONTAINER_CREDENTIALS_RELATIVE_URI under the configured host", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const expiration = new Date(Date.now() + 3_600_000).toISOString()
      const body = metadataCredentials("ASIAECS", expiration)
      const server = yield* fakeServer(() => ({ status: 200, body }))
      const credentials = yield* CredentialProviders.fromContainer({
        env: { ...baseEnv(dir), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/task-id" },
        containerHost: server.url
      })
      expect(credentials.accessKeyId).toBe("ASIAECS")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("secret-of-ASIAECS")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("token-of-ASIAECS")
      expect(credentials.expiration?.toISOString()).toBe(expiration)
      expect(server.requests[0]).toMatchObject({ method: "GET", url: "/v2/credentials/task-id" })
      expect(server.requests[0]!.headers.authorization).toBeUndefined()
    }).pipe(Effect.provide(Http)))

  it.scopedLive("fetches a loopback FULL_URI, sending AWS_CONTAINER_AUTHORIZATION_TOKEN", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const server = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIAFULL") }))
      const credentials = yield* CredentialProviders.fromContainer({
        env: {
          ...baseEnv(dir),
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/get-credentials?a=1`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "Basic abc"
        }
      })
      expect(credentials.accessKeyId).toBe("ASIAFULL")
      expect(server.requests[0]!.url).toBe("/get-credentials?a=1")
      expect(server.requests[0]!.headers.authorization).toBe("Basic abc")
    }).pipe(Effect.provide(FetchHttp)))

  it.scopedLive("reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE in preference to the token variable", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const server = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIAPOD") }))
      const tokenFile = write(dir, "eks-pod-identity-token", "pod-identity-token\n")
      yield* CredentialProviders.fromContainer({
        env: {
          ...baseEnv(dir),
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/v1/credentials`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "ignored"
        }
      })
      expect(server.requests[0]!.headers.authorization).toBe("pod-identity-token")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("prefers the relative URI over the full URI", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const relative = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIAREL") }))
      const full = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIAFULL") }))
      const credentials = yield* CredentialProviders.fromContainer({
        env: {
          ...baseEnv(dir),
          AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/rel",
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${full.url}/full`
        },
        containerHost: relative.url
      })
      expect(credentials.accessKeyId).toBe("ASIAREL")
      expect(full.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("refuses a full URI on a host that is neither loopback nor allowed", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(CredentialProviders.fromContainer({
        env: { ...baseEnv(dir), AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://credentials.example.com/creds" }
      }))
      expect(error.provider).toBe("container")
      expect(error.message).toContain("credentials.example.com")
      expect(error.message).toContain("containerAllowedHosts")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports an error status from the endpoint after retrying", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const server = yield* fakeServer(() => ({ status: 500, body: "{\"message\":\"agent not ready\"}" }))
      const error = yield* Effect.flip(CredentialProviders.fromContainer({
        env: { ...baseEnv(dir), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds" },
        containerHost: server.url
      }))
      expect(error.message).toContain("HTTP 500")
      expect(error.message).toContain("agent not ready")
      expect(server.requests).toHaveLength(2)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports an answer that is not JSON", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const server = yield* fakeServer(() => ({ status: 200, body: "<html>captive portal</html>" }))
      const error = yield* Effect.flip(CredentialProviders.fromContainer({
        env: { ...baseEnv(dir), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds" },
        containerHost: server.url
      }))
      expect(error.message).toContain("not JSON")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("says which variables to set when none is", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(CredentialProviders.fromContainer({ env: baseEnv(dir) }))
      expect(error.message).toContain("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("layerContainer provides Credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const server = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIALAYER") }))
      const credentials = yield* Effect.flatMap(Credentials, (c) => c.get).pipe(
        Effect.provide(CredentialProviders.layerContainer({
          env: { ...baseEnv(dir), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/c" },
          containerHost: server.url
        }))
      )
      expect(credentials.accessKeyId).toBe("ASIALAYER")
    }).pipe(Effect.provide(Http)))
})
