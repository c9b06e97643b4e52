import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"
import { fakeServer, Http, imdsHandler, metadataCredentials, tempDir } from "./support/fakes.js"

describe("instance metadata (IMDSv2)", () => {
  it.scopedLive("gets a session token with PUT, then the role, then its credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(imdsHandler("my-role", metadataCredentials("ASIAEC2"), "tok-123"))
      const credentials = yield* CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      })
      expect(credentials.accessKeyId).toBe("ASIAEC2")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("secret-of-ASIAEC2")
      expect(credentials.expiration).toBeInstanceOf(Date)
      expect(imds.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        "PUT /latest/api/token",
        "GET /latest/meta-data/iam/security-credentials/",
        "GET /latest/meta-data/iam/security-credentials/my-role"
      ])
      expect(imds.requests[0]!.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe("21600")
      expect(imds.requests[1]!.headers["x-aws-ec2-metadata-token"]).toBe("tok-123")
      expect(imds.requests[2]!.headers["x-aws-ec2-metadata-token"]).toBe("tok-123")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("prefers the imdsEndpoint option over AWS_EC2_METADATA_SERVICE_ENDPOINT", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const chosen = yield* fakeServer(imdsHandler("r", metadataCredentials("ASIACHOSEN")))
      const ignored = yield* fakeServer(imdsHandler("r", metadataCredentials("ASIAIGNORED")))
      const credentials = yield* CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: ignored.url },
        imdsEndpoint: chosen.url
      })
      expect(credentials.accessKeyId).toBe("ASIACHOSEN")
      expect(ignored.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("is off when AWS_EC2_METADATA_DISABLED is true", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(imdsHandler("r", metadataCredentials("ASIAX")))
      const error = yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, AWS_EC2_METADATA_DISABLED: "TRUE" }
      }))
      expect(error.provider).toBe("instance-metadata")
      expect(error.message).toContain("AWS_EC2_METADATA_DISABLED")
      expect(imds.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("gives up on a silent endpoint after one retry, within a bounded time", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(() => "hang")
      const started = Date.now()
      const error = yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url },
        metadataTimeout: "300 millis"
      }))
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(error.message).toContain("no response within")
      expect(imds.requests).toHaveLength(2)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("uses about one second per attempt by default", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(() => "hang")
      const started = Date.now()
      yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      }))
      const elapsed = Date.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(1_900)
      expect(elapsed).toBeLessThan(4_000)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("says when no IAM role is attached", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer((request) =>
        request.url === "/latest/api/token" ? { status: 200, body: "t" } : { status: 404, body: "" }
      )
      const error = yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      }))
      expect(error.message).toContain("no IAM role is attached")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports credentials whose Code is not Success", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(imdsHandler("r", JSON.stringify({ Code: "AssumeRoleUnauthorizedAccess" })))
      const error = yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      }))
      expect(error.message).toContain("AssumeRoleUnauthorizedAccess")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports a refused token request", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(() => ({ status: 403, body: "forbidden" }))
      const error = yield* Effect.flip(CredentialProviders.fromInstanceMetadata({
        env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      }))
      expect(error.message).toContain("session token")
      expect(error.message).toContain("HTTP 403")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("layerInstanceMetadata provides Credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const imds = yield* fakeServer(imdsHandler("r", metadataCredentials("ASIALAYER")))
      const credentials = yield* Effect.flatMap(Credentials, (c) => c.get).pipe(
        Effect.provide(CredentialProviders.layerInstanceMetadata({
          env: { HOME: dir, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
        }))
      )
      expect(credentials.accessKeyId).toBe("ASIALAYER")
    }).pipe(Effect.provide(Http)))
})
