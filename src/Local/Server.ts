/**
 * The local AmplifyBackend on a loopback HTTP port, for any AWS client (the official SDK, the
 * AWS CLI, this client over real sockets) to be pointed at.
 */
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type { LocalRequest, LocalResponse } from "./Protocol.js"

/** The largest request body the server reads; a larger one is refused with 413. */
const maxBodyBytes = 6 * 1024 * 1024

export interface ServeOptions {
  /** Default 127.0.0.1. Only loopback addresses are accepted. */
  readonly host?: string
  /** Default 0: any free port. */
  readonly port?: number
}

/** A running server: its base URL, closed when the scope closes. */
export interface RunningServer {
  readonly url: string
  readonly port: number
}

const loopback = new Set(["127.0.0.1", "::1", "localhost"])

/** Serves `handle` on a loopback port for the life of the enclosing scope. */
export const serve = (
  handle: (request: LocalRequest) => Effect.Effect<LocalResponse>,
  options: ServeOptions = {}
) =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    if (!loopback.has(host)) {
      return yield* Effect.dieMessage(`the local AmplifyBackend only listens on loopback, not ${host}`)
    }
    const runtime = yield* Effect.runtime<never>()
    const runPromise = Runtime.runPromise(runtime)
    const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      req.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size <= maxBodyBytes) chunks.push(chunk)
      })
      req.on("end", () => {
        if (size > maxBodyBytes) {
          res.writeHead(413, { "content-type": "application/json", "x-amzn-errortype": "RequestEntityTooLargeException" })
          res.end(JSON.stringify({ message: "Request body too large" }))
          return
        }
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value
        }
        runPromise(
          handle({ method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") })
        ).then(
          (response) => {
            res.writeHead(response.status, response.headers)
            res.end(response.body)
          },
          () => {
            res.writeHead(500, { "content-type": "application/json", "x-amzn-errortype": "InternalFailure" })
            res.end(JSON.stringify({ message: "The local AmplifyBackend failed" }))
          }
        )
      })
      req.on("error", () => res.destroy())
    })
    yield* Effect.acquireRelease(
      Effect.async<void, Error>((resume) => {
        server.once("error", (error) => resume(Effect.fail(error)))
        server.listen(options.port ?? 0, host, () => resume(Effect.void))
      }).pipe(Effect.orDie),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address() as AddressInfo
    const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address
    return { url: `http://${urlHost}:${address.port}`, port: address.port } satisfies RunningServer
  })
