/**
 * The local AmplifyBackend on a loopback HTTP port, for any AWS client (the official SDK, the
 * AWS CLI, this client over real sockets) to be pointed at.
 */
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
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
  /** What the server saw of its connections so far. */
  readonly stats: Effect.Effect<ServerStats>
}

/** Counts of a server's connections and requests. */
export interface ServerStats {
  /** Connections open now. */
  readonly openConnections: number
  /** Connections accepted since the start. */
  readonly connections: number
  /** Requests received since the start. */
  readonly requests: number
  /** Requests whose connection the client closed before the response was sent. */
  readonly abortedByClient: number
}

/**
 * Sends a response, or carries out its transport directive: a reset destroys the socket, a
 * truncation announces the full length and sends half the body, a delay holds the response.
 */
const send = (req: http.IncomingMessage, res: http.ServerResponse, response: LocalResponse): void => {
  const transport = response.transport
  if (transport === undefined) {
    res.writeHead(response.status, response.headers)
    res.end(response.body)
    return
  }
  switch (transport._tag) {
    case "Reset":
      req.socket.destroy()
      return
    case "Truncate": {
      const body = Buffer.from(response.body, "utf8")
      res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) })
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy())
      return
    }
    case "Delay": {
      const timer = setTimeout(() => {
        if (!res.destroyed) send(req, res, { ...response, transport: undefined })
      }, transport.millis)
      res.once("close", () => clearTimeout(timer))
      return
    }
  }
}

/** The only hosts the server listens on. */
export const loopbackHosts: ReadonlySet<string> = new Set(["127.0.0.1", "::1", "localhost"])

/** The local server could not start: a host that is not loopback, a bad port, or one in use. */
export class LocalServerError extends Schema.TaggedError<LocalServerError>()("LocalServerError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

/** Serves `handle` on a loopback port for the life of the enclosing scope. */
export const serve = (
  handle: (request: LocalRequest) => Effect.Effect<LocalResponse>,
  options: ServeOptions = {}
) =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    if (!loopbackHosts.has(host)) {
      return yield* new LocalServerError({
        message: `the local AmplifyBackend only listens on loopback (127.0.0.1, ::1 or localhost), not ${host}`
      })
    }
    const port = options.port ?? 0
    if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
      return yield* new LocalServerError({ message: `the port must be a whole number from 0 to 65535, not ${port}` })
    }
    const runtime = yield* Effect.runtime<never>()
    const runPromise = Runtime.runPromise(runtime)
    const counts = { openConnections: 0, connections: 0, requests: 0, abortedByClient: 0 }
    const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      counts.requests += 1
      let deliberate = false
      res.once("close", () => {
        if (!res.writableFinished && !deliberate) counts.abortedByClient += 1
      })
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
            if (res.destroyed) return
            deliberate = response.transport !== undefined && response.transport._tag !== "Delay"
            send(req, res, response)
          },
          () => {
            res.writeHead(500, { "content-type": "application/json", "x-amzn-errortype": "InternalFailure" })
            res.end(JSON.stringify({ message: "The local AmplifyBackend failed" }))
          }
        )
      })
      req.on("error", () => res.destroy())
    })
    server.on("connection", (socket) => {
      counts.openConnections += 1
      counts.connections += 1
      socket.once("close", () => (counts.openConnections -= 1))
    })
    yield* Effect.acquireRelease(
      Effect.async<void, LocalServerError>((resume) => {
        server.once("error", (error) =>
          resume(Effect.fail(new LocalServerError({ message: `cannot listen on ${host}:${port}: ${error.message}`, cause: error }))))
        server.listen(port, host, () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address() as AddressInfo
    const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address
    return {
      url: `http://${urlHost}:${address.port}`,
      port: address.port,
      stats: Effect.sync(() => ({ ...counts }))
    } satisfies RunningServer
  })
