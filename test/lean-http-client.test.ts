/**
 * `LeanHttpClient` on its own, against small `node:http` servers on 127.0.0.1 that each test
 * starts: bodies in many chunks, limits, refused connections, interruption, request bodies it
 * cannot send, every way to read a response, many requests at once, and the layer's cleanup.
 * The whole client over it (all 31 operations, faults) is tested in `e2e` and `faults`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Net from "node:net"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import type { AddressInfo } from "node:net"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import { RequestNotSent, ResponseTooLarge } from "../src/internal/transportCauses.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** A loopback server answering with `handler`; what it received, and its open sockets. */
const serve = (handler: (request: Http.IncomingMessage, response: Http.ServerResponse, seen: Seen) => void) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; seen: Array<Seen>; sockets: () => number; closed: Array<string> }>((resume) => {
      const seen: Array<Seen> = []
      const closed: Array<string> = []
      let sockets = 0
      const server = Http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (c: Buffer) => chunks.push(c))
        request.on("end", () => {
          const entry = {
            method: request.method ?? "",
            url: request.url ?? "",
            headers: request.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          seen.push(entry)
          response.on("close", () => {
            if (!response.writableFinished) closed.push(entry.url)
          })
          handler(request, response, entry)
        })
      })
      server.on("connection", (socket) => {
        sockets++
        socket.on("close", () => sockets--)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        const url = `http://127.0.0.1:${port}`
        Object.defineProperty(seen, "server", { value: server })
        resume(Effect.succeed({ url, seen, sockets: () => sockets, closed }))
      })
    }),
    ({ seen }) =>
      Effect.async<void>((resume) => {
        const server = (seen as unknown as { server: Http.Server }).server
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const client = Effect.flatMap(HttpClient.HttpClient, Effect.succeed)
const withLean = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>, options?: LeanHttpClient.Options) =>
  Effect.provide(effect, LeanHttpClient.layer(options))

describe("LeanHttpClient", () => {
  it.scopedLive("sends method, path, query, headers and body; reads status, headers and text", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res, seen) => {
        res.writeHead(201, { "x-echo": seen.headers["x-test"] ?? "", "content-type": "text/plain" })
        res.end(`got ${seen.body}`)
      })
      const response = yield* withLean(Effect.flatMap(client, (http) =>
        http.execute(
          HttpClientRequest.post(`${server.url}/a%20b/c`).pipe(
            HttpClientRequest.setUrlParams(UrlParams.fromInput({ q: "1 2", r: "é" })),
            HttpClientRequest.setHeader("x-test", "yes"),
            HttpClientRequest.bodyText("héllo", "text/plain")
          )
        )))
      expect(response.status).toBe(201)
      expect(response.headers["x-echo"]).toBe("yes")
      expect(yield* response.text).toBe("got héllo")
      expect(server.seen[0]).toMatchObject({ method: "POST", url: "/a%20b/c?q=1+2&r=%C3%A9", body: "héllo" })
      expect(server.seen[0]!.headers["content-type"]).toBe("text/plain")
    }))

  it.scopedLive("a body in many chunks, multi-byte characters cut across them, reads whole", () =>
    Effect.gen(function*() {
      const text = "ü€😀".repeat(5_000)
      const bytes = Buffer.from(text, "utf8")
      const server = yield* serve((_req, res) => {
        res.writeHead(200)
        // Odd-sized pieces, so characters are split between chunks.
        let at = 0
        const next = () => {
          if (at >= bytes.length) return res.end()
          res.write(bytes.subarray(at, at + 777))
          at += 777
          setImmediate(next)
        }
        next()
      })
      const response = yield* withLean(Effect.flatMap(client, (http) => http.get(server.url)))
      expect(yield* response.text).toBe(text)
      expect(new Uint8Array(yield* response.arrayBuffer)).toEqual(new Uint8Array(bytes))
      const streamed = yield* Stream.runCollect(response.stream)
      expect(Buffer.concat(Chunk.toReadonlyArray(streamed)).toString("utf8")).toBe(text)
    }))

  it.scopedLive("arrayBuffer and stream hand out copies of exactly the body, never shared memory", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        res.setHeader("x-other-header", "not the body")
        if (req.url === "/chunked") {
          res.write("o")
          setImmediate(() => res.end("k"))
        } else {
          res.end("ok")
        }
      })
      for (const path of ["/whole", "/chunked"]) {
        const response = yield* withLean(Effect.flatMap(client, (http) => http.get(server.url + path)))
        const buffer = yield* response.arrayBuffer
        expect(buffer.byteLength, path).toBe(2)
        new Uint8Array(buffer).fill(88)
        expect(yield* response.text, path).toBe("ok")
        const chunks = Chunk.toReadonlyArray(yield* Stream.runCollect(response.stream))
        expect(chunks.map((c) => c.buffer.byteLength), path).toEqual([2])
        expect(Buffer.from(chunks[0]!).toString(), path).toBe("ok")
      }
    }))

  it.scopedLive("a body of many one-byte chunks is held as its bytes, not as an object per chunk", () =>
    Effect.gen(function*() {
      v8.setFlagsFromString("--expose-gc")
      const gc = vm.runInNewContext("gc") as () => void
      const chunks = 200_000
      let held = Number.NaN
      const server = yield* Effect.acquireRelease(
        Effect.async<{ url: string; server: Net.Server }>((resume) => {
          const s = Net.createServer((socket) => {
            socket.once("data", async () => {
              socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
              const piece = Buffer.from("1\r\nx\r\n".repeat(10_000))
              for (let i = 0; i < chunks / 10_000; i++) {
                if (!socket.write(piece)) await new Promise((r) => socket.once("drain", r))
              }
              // Everything but the last chunk is in: measure what the client holds meanwhile.
              await new Promise((r) => setTimeout(r, 200))
              gc()
              held = process.memoryUsage().heapUsed - before
              socket.end("0\r\n\r\n")
            })
          })
          s.listen(0, "127.0.0.1", () =>
            resume(Effect.succeed({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s })))
        }),
        ({ server: s }) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
      )
      gc()
      const before = process.memoryUsage().heapUsed
      const text = yield* withLean(Effect.flatMap(client, (http) => Effect.flatMap(http.get(server.url), (r) => r.text)))
      expect(text.length).toBe(chunks)
      // As 200 000 Buffer objects, the same bytes take tens of megabytes.
      expect(held).toBeLessThan(4_000_000)
    }))

  it.scopedLive("json, urlParamsBody, formData, cookies and an empty body", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        if (req.url === "/json") {
          res.writeHead(200, { "set-cookie": ["a=1; Path=/", "b=2; HttpOnly"] })
          return res.end(JSON.stringify({ x: [1, 2] }))
        }
        if (req.url === "/form") {
          res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" })
          return res.end("k=v&k2=v%202")
        }
        if (req.url === "/bad") return res.end("{not json")
        res.writeHead(204)
        res.end()
      })
      const [json, form, bad, empty] = yield* withLean(Effect.flatMap(client, (http) =>
        Effect.all([
          http.get(`${server.url}/json`),
          http.get(`${server.url}/form`),
          http.get(`${server.url}/bad`),
          http.get(`${server.url}/empty`)
        ])))
      expect(yield* json.json).toEqual({ x: [1, 2] })
      expect(json.cookies.cookies).toMatchObject({ a: { value: "1" }, b: { value: "2" } })
      expect(yield* form.urlParamsBody).toEqual([["k", "v"], ["k2", "v 2"]])
      const formData = yield* form.formData
      expect(formData.get("k2")).toBe("v 2")
      const error = yield* Effect.flip(bad.json)
      expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
      expect(empty.status).toBe(204)
      expect(yield* empty.text).toBe("")
      expect(yield* empty.json).toBe(null)
    }))

  it.scopedLive("a body over maxResponseBytes: a ResponseError that names the limit", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200)
        res.end(Buffer.alloc(10_000, 120))
      })
      const error = yield* withLean(Effect.flip(Effect.flatMap(client, (http) => http.get(server.url))), {
        maxResponseBytes: 4_096
      })
      expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
      expect(error.message).toContain("larger than 4096 bytes")
      expect(error._tag === "ResponseError" && error.response.status).toBe(200)
      expect(error.cause).toBeInstanceOf(ResponseTooLarge)
    }))

  it.scopedLive("through the client: a body too large is a TransportError (ResponseTooLarge), not retried", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "x-amzn-requestid": "req-1" })
        res.end(JSON.stringify({ appId: "a", padding: "x".repeat(10_000) }))
      })
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.flip,
        Effect.provide(Node.layer({
          endpoint: server.url,
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
          // Standard retries: the same answer would be refused again, so none is made.
          httpClient: LeanHttpClient.layer({ maxResponseBytes: 1_000 })
        }))
      )
      expect(error).toMatchObject({
        _tag: "TransportError",
        reason: "ResponseTooLarge",
        outcomeUnknown: true,
        $metadata: { httpStatusCode: 200, requestId: "req-1", attempts: 1 }
      })
      expect(error.message).toContain("the response body is larger than 1000 bytes")
      expect(server.seen).toHaveLength(1)
    }))

  it.scopedLive("a refused connection: RequestError (Transport), and through the client not sent", () =>
    Effect.gen(function*() {
      // A port that was just free: listen, note it, close.
      const port = yield* Effect.async<number>((resume) => {
        const s = Http.createServer().listen(0, "127.0.0.1", () => {
          const p = (s.address() as AddressInfo).port
          s.close(() => resume(Effect.succeed(p)))
        })
      })
      const url = `http://127.0.0.1:${port}`
      const raw = yield* withLean(Effect.flip(Effect.flatMap(client, (http) => http.get(url))))
      expect(raw).toMatchObject({ _tag: "RequestError", reason: "Transport" })
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.flip,
        Effect.provide(Node.layer({
          endpoint: url,
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
          retry: { mode: "off" },
          httpClient: LeanHttpClient.layer()
        }))
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: false })
      expect(error.message).toContain("ECONNREFUSED")
    }))

  it.scopedLive("used after its layer closed: a RequestError that knows nothing was sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.end("ok"))
      // The client outlives its layer's scope: its undici Agent is destroyed.
      const closed = yield* Effect.scoped(Effect.map(Layer.build(LeanHttpClient.layer()), Context.get(HttpClient.HttpClient)))
      const raw = yield* Effect.flip(closed.get(server.url))
      expect(raw).toMatchObject({ _tag: "RequestError", reason: "Transport" })
      expect(raw.cause).toBeInstanceOf(RequestNotSent)
      const error = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.provide(Node.layer({
          endpoint: server.url,
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
          retry: { mode: "off" },
          httpClient: Layer.succeed(HttpClient.HttpClient, closed)
        })),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: false })
      expect(error.message).toContain("UND_ERR_DESTROYED")
      expect(server.seen).toHaveLength(0)
    }))

  it.scopedLive("interrupted while waiting: the request is aborted on the socket", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {
        // Never answers.
      })
      const result = yield* withLean(Effect.flatMap(client, (http) => http.get(`${server.url}/slow`)).pipe(
        Effect.timeout("150 millis"),
        Effect.either
      ))
      expect(result._tag).toBe("Left")
      for (let i = 0; i < 100 && server.closed.length === 0; i++) yield* Effect.sleep("10 millis")
      expect(server.closed).toEqual(["/slow"])
    }))

  it.scopedLive("a stream or form body is refused before anything is sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.end("ok"))
      const errors = yield* withLean(Effect.flatMap(client, (http) =>
        Effect.all([
          Effect.flip(http.execute(
            HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyStream(Stream.make(new Uint8Array([1]))))
          )),
          Effect.flip(http.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyFormData(new FormData()))))
        ])))
      for (const error of errors) expect(error).toMatchObject({ _tag: "RequestError", reason: "Encode" })
      expect(errors[0]!.message).toContain("a stream body")
      expect(errors[1]!.message).toContain("a form data body")
      expect(server.seen).toHaveLength(0)
    }))

  it.scopedLive("a bad maxResponseBytes fails the layer with a ConfigurationError", () =>
    Effect.gen(function*() {
      for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = yield* Effect.flip(withLean(client, { maxResponseBytes: bad }))
        expect(error).toMatchObject({ _tag: "ConfigurationError", setting: "maxResponseBytes" })
        expect(error.message).toContain(String(bad))
      }
      const viaNode = yield* Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "a" })).pipe(
        Effect.provide(Node.layer({
          endpoint: "http://127.0.0.1:9",
          region: "us-east-1",
          credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
          httpClient: LeanHttpClient.layer({ maxResponseBytes: -5 })
        })),
        Effect.flip
      )
      expect(viaNode).toMatchObject({ _tag: "ConfigurationError", setting: "maxResponseBytes" })
    }))

  it.scopedLive("an invalid URL: RequestError (InvalidUrl)", () =>
    Effect.gen(function*() {
      const error = yield* withLean(Effect.flip(Effect.flatMap(client, (http) => http.get("not a url"))))
      expect(error).toMatchObject({ _tag: "RequestError", reason: "InvalidUrl" })
    }))

  it.scopedLive("500 requests at concurrency 50: each gets its own answer", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        // Answer out of order.
        setTimeout(() => res.end(`answer ${req.url}`), Math.floor(Math.random() * 5))
      })
      const answers = yield* withLean(Effect.flatMap(client, (http) =>
        Effect.forEach(
          Array.from({ length: 500 }, (_, i) => i),
          (i) => Effect.flatMap(http.get(`${server.url}/${i}`), (r) => r.text),
          { concurrency: 50 }
        )))
      expect(answers).toEqual(Array.from({ length: 500 }, (_, i) => `answer /${i}`))
    }))

  it.scopedLive("closing the layer closes its connections", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.end("ok"))
      yield* withLean(Effect.flatMap(client, (http) =>
        Effect.forEach([1, 2, 3], () => http.get(server.url), { concurrency: 3 })))
      for (let i = 0; i < 100 && server.sockets() > 0; i++) yield* Effect.sleep("10 millis")
      expect(server.sockets()).toBe(0)
    }))
})
