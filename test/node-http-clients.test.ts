/**
 * What the client promises whatever Node HTTP client it runs on (the default and
 * `LeanHttpClient`), against a loopback server that records the headers it receives:
 * - tracing: with a tracer installed, a call records one span, `AmplifyBackend.<Operation>`, and
 *   no span per HTTP request; no trace header (`traceparent`, `b3`) reaches the wire;
 * - a request the HTTP client refuses to build (a line break in a header value) is a
 *   `TransportError` with reason `Encode`: not sent, not retried, its outcome known.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import type { ConfigurationError } from "../src/ClientErrors.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"

const server = Effect.acquireRelease(
  Effect.async<{ url: string; headers: Array<Http.IncomingHttpHeaders>; server: Http.Server }>((resume) => {
    const headers: Array<Http.IncomingHttpHeaders> = []
    const s = Http.createServer((req, res) => {
      headers.push(req.headers)
      req.resume()
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ appId: "a", backendEnvironmentName: "dev" }))
      })
    })
    s.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, headers, server: s })))
  }),
  ({ server: s }) =>
    Effect.async<void>((resume) => {
      s.closeAllConnections()
      s.close(() => resume(Effect.void))
    })
)

/** A tracer that records the name of every span it starts, over the one in place. */
const recording = (names: Array<string>) =>
  Effect.map(Effect.tracer, (base) =>
    Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) => {
        names.push(name)
        return base.span(name, parent, context, links, startTime, kind, options)
      },
      context: base.context
    }))

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient, ConfigurationError>]> = [
  ["NodeHttpClient.layerUndici (the default)", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
]

describe.each(clients)("%s", (_name, httpClient) => {
  it.scopedLive("one span per call, none per request, and no trace headers sent", () =>
    Effect.gen(function*() {
      const s = yield* server
      const names: Array<string> = []
      const tracer = yield* recording(names)
      const output = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.withSpan("user program"),
        Effect.provide(Node.layer({
          endpoint: s.url,
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
          retry: { mode: "off" },
          httpClient
        })),
        Effect.withTracer(tracer)
      )
      expect(output.AppId).toBe("a")
      expect(names).toEqual(["user program", "AmplifyBackend.GetBackend"])
      expect(s.headers).toHaveLength(1)
      const sent = Object.keys(s.headers[0]!)
      expect(sent.filter((h) => h === "traceparent" || h === "b3" || h.startsWith("x-b3-"))).toEqual([])
      expect(sent).toContain("authorization")
    }))

  it.scopedLive("a header value the HTTP client refuses: TransportError (Encode), not sent, not retried", () =>
    Effect.gen(function*() {
      const s = yield* server
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.provide(Node.layer({
          endpoint: s.url,
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token\r\nX-Injected: 1" },
          httpClient
        })),
        Effect.flip
      )
      expect(error).toMatchObject({
        _tag: "TransportError",
        reason: "Encode",
        outcomeUnknown: false,
        $metadata: { attempts: 1 }
      })
      expect(s.headers).toHaveLength(0)
    }))
})
