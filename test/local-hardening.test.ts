import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createHash } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import * as Credentials from "../src/Layer/Credentials.js"
import * as Node from "../src/Layer/Node.js"
import * as Retry from "../src/Layer/Retry.js"
import { make as signer } from "../src/Layer/SignerNode.js"
import * as Local from "../src/Local/Local.js"
import { LocalFault } from "../src/Local/Service.js"

const sign = (body: string, headers: Record<string, string> = {}, credentials = Local.defaultCredentials) =>
  signer.sign(
    { method: "POST", url: "http://x/backend", headers: { "content-type": "application/json", ...headers }, body },
    credentials,
    { region: "us-east-1", service: "amplifybackend" },
    new Date()
  )

const createBody = (env: string) => JSON.stringify({ appId: "app", appName: "a", backendEnvironmentName: env })

describe("the local server refuses what AWS refuses", () => {
  it.live("a body that does not match its signed x-amz-content-sha256", () =>
    Effect.gen(function*() {
      const local = yield* Local.make({ jobDurationMillis: 0 })
      const original = createBody("dev")
      const headers = yield* sign(original, {
        "x-amz-content-sha256": createHash("sha256").update(original).digest("hex")
      })
      const tampered = yield* local.handle({ method: "POST", url: "/backend", headers, body: createBody("TAMPERED") })
      expect(tampered.status).toBe(403)
      expect(tampered.headers["x-amzn-errortype"]).toBe("InvalidSignatureException")
      const unsigned = yield* sign(original, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" })
      expect((yield* local.handle({ method: "POST", url: "/backend", headers: unsigned, body: original })).status)
        .toBe(403)
      const honest = yield* local.handle({ method: "POST", url: "/backend", headers, body: original })
      expect(honest.status).toBe(200)
    }))

  it.live("a session token the service did not issue", () =>
    Effect.gen(function*() {
      const local = yield* Local.make()
      const withToken = Credentials.make({
        accessKeyId: Local.defaultCredentials.accessKeyId,
        secretAccessKey: "local-amplifybackend-secret-access-key",
        sessionToken: "made-up-token"
      })
      const headers = yield* sign("{}", {}, withToken)
      const response = yield* local.handle({ method: "POST", url: "/s3Buckets", headers, body: "{}" })
      expect(response.status).toBe(403)
      expect(response.headers["x-amzn-errortype"]).toBe("UnrecognizedClientException")
    }))

  it.live("a malformed Host header is a 403, and a body nested too deep a 400, never a 500", () =>
    Effect.gen(function*() {
      const local = yield* Local.make()
      const headers = yield* sign("{}")
      const badHost = yield* local.handle({ method: "POST", url: "/s3Buckets", headers: { ...headers, host: "a b" }, body: "{}" })
      expect(badHost.status).toBe(403)
      const deep = `{"appId":"a","appName":${"[".repeat(200_000)}${"]".repeat(200_000)},"backendEnvironmentName":"e"}`
      const deepHeaders = yield* sign(deep)
      const response = yield* local.handle({ method: "POST", url: "/backend", headers: deepHeaders, body: deep })
      expect(response.status).toBe(400)
    }))
})

describe("the client's own safety", () => {
  it.scopedLive.each(["FetchHttpClient", "NodeHttpClient.layerUndici", "LeanHttpClient"])(
    "does not follow a redirect, with %s",
    (name) =>
      Effect.gen(function*() {
        const httpClient = name === "FetchHttpClient"
          ? (yield* Effect.promise(() => import("@effect/platform/FetchHttpClient"))).layer
          : name === "LeanHttpClient"
          ? (yield* Effect.promise(() => import("../src/Layer/LeanHttpClient.js"))).layer()
          : (yield* Effect.promise(() => import("@effect/platform-node/NodeHttpClient"))).layerUndici
        let stolen = 0
        const thief = http.createServer((_, res) => {
          stolen++
          res.end("{}")
        })
        const redirector = http.createServer((_, res) => {
          res.writeHead(302, { location: `http://127.0.0.1:${(thief.address() as AddressInfo).port}/steal` })
          res.end()
        })
        yield* Effect.acquireRelease(
          Effect.promise(() =>
            Promise.all([thief, redirector].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))))
          ),
          () =>
            Effect.promise(() =>
              Promise.all([thief, redirector].map((s) => {
                s.closeAllConnections()
                return new Promise((r) => s.close(r))
              }))
            )
        )
        const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`
        const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
          Effect.provide(Node.layer({
            endpoint: url,
            region: "us-east-1",
            credentials: { accessKeyId: "AKID", secretAccessKey: "s", sessionToken: "TOKEN" },
            httpClient,
            retry: { mode: "off" }
          })),
          Effect.flip
        )
        expect(error).toMatchObject({ _tag: "ServiceError", code: "302" })
        expect(stolen).toBe(0)
      })
  )

  it.live("a TransportError carries no signed headers", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.provide(Node.layer({
          endpoint: "http://127.0.0.1:1",
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "SESSION-TOKEN" },
          retry: { mode: "off" }
        })),
        Effect.flip
      )
      expect(error._tag).toBe("TransportError")
      const text = `${JSON.stringify(error)} ${String(error)}`
      expect(text).not.toContain("SESSION-TOKEN")
      expect(text).not.toContain("Signature=")
    }))

  it.live("a call timeout fires even when retries have no delay", () =>
    Effect.gen(function*() {
      const client = Local.layer({
        injectFault: () => new LocalFault({ code: "GatewayTimeoutException", message: "x" })
      }).pipe(
        Layer.provide(Retry.layer({ maxAttempts: 1_000_000, quotaCapacity: 0, baseDelay: "0 millis", callTimeout: "300 millis" }))
      )
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.listS3Buckets({})).pipe(
        Effect.provide(client),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "TimeoutError", scope: "call" })
    }))

  it.effect("invalid retry numbers are a ConfigurationError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Retry.layer({ maxAttempts: Number.NaN })).pipe(Effect.scoped))
      expect(error).toMatchObject({ _tag: "ConfigurationError", setting: "retry.maxAttempts" })
    }))
})

describe("the local service's credentials option", () => {
  const listBuckets = (url: string, credentials: Credentials.AwsCredentials | { accessKeyId: string; secretAccessKey: string }) =>
    Effect.flatMap(AmplifyBackend, (a) => a.listS3Buckets({})).pipe(
      Effect.provide(Node.layer({ endpoint: url, region: "us-east-1", credentials, retry: { mode: "off" } })),
      Effect.either
    )

  it.scopedLive("one set with a plain secret, or several, each accepted; others refused", () =>
    Effect.gen(function*() {
      const one = yield* Local.serve({ credentials: { accessKeyId: "AKIDONE", secretAccessKey: "one-secret" } })
      expect((yield* listBuckets(one.url, { accessKeyId: "AKIDONE", secretAccessKey: "one-secret" }))._tag).toBe("Right")
      const several = yield* Local.serve({
        credentials: [
          { accessKeyId: "AKIDA", secretAccessKey: "a-secret" },
          Credentials.make({ accessKeyId: "AKIDB", secretAccessKey: "b-secret" })
        ]
      })
      expect((yield* listBuckets(several.url, { accessKeyId: "AKIDA", secretAccessKey: "a-secret" }))._tag).toBe("Right")
      expect((yield* listBuckets(several.url, { accessKeyId: "AKIDB", secretAccessKey: "b-secret" }))._tag).toBe("Right")
      const refused = yield* listBuckets(several.url, { accessKeyId: "AKIDA", secretAccessKey: "b-secret" })
      expect(refused._tag === "Left" && refused.left).toMatchObject({ code: "InvalidSignatureException" })
      // The secrets are held as Redacted values, whatever form they were given in.
      expect(several.local.credentials.map((c) => String(c.secretAccessKey))).toEqual(["<redacted>", "<redacted>"])
    }))
})

describe("Local.serve refuses to start with a typed error", () => {
  it.scopedLive("a host that is not loopback, a bad port, a port in use", () =>
    Effect.gen(function*() {
      const wide = yield* Effect.flip(Local.serve({ host: "0.0.0.0" }))
      expect(wide).toMatchObject({ _tag: "LocalServerError" })
      expect(wide.message).toContain("only listens on loopback")
      for (const port of [-1, 65536, 1.5]) {
        const bad = yield* Effect.flip(Local.serve({ port }))
        expect(bad.message).toContain("the port must be a whole number from 0 to 65535")
      }
      const first = yield* Local.serve()
      const taken = yield* Effect.flip(Local.serve({ port: first.port }))
      expect(taken).toMatchObject({ _tag: "LocalServerError" })
      expect(taken.message).toContain(`cannot listen on 127.0.0.1:${first.port}`)
      expect(taken.message).toContain("EADDRINUSE")
    }))
})

describe("the local service's region option", () => {
  it.effect("a malformed region fails Local.layer and Local.serve with a ConfigurationError", () =>
    Effect.gen(function*() {
      for (const region of ["", "Not A Region"]) {
        const fromLayer = yield* Effect.flip(Layer.build(Local.layer({ region })).pipe(Effect.scoped))
        expect(fromLayer).toMatchObject({ _tag: "ConfigurationError", setting: "region" })
        expect(fromLayer.message).toContain("the region option of the local AmplifyBackend")
        const fromServe = yield* Effect.flip(Local.serve({ region }).pipe(Effect.scoped))
        expect(fromServe).toMatchObject({ _tag: "ConfigurationError", setting: "region" })
      }
    }))
})
