/**
 * The local AmplifyBackend as an `HttpClient`: requests are served in-process, with no socket.
 * A client built on this layer runs the whole wire path (encoding, signing, routing, decoding)
 * exactly as it would over the network.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import { callHeader, currentCall } from "./Faults.js"
import type { LocalRequest, LocalResponse } from "./Protocol.js"

const decoder = new TextDecoder()

const bodyText = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<string, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "Raw":
      return typeof body.body === "string"
        ? Effect.succeed(body.body)
        : body.body instanceof Uint8Array
        ? Effect.succeed(decoder.decode(body.body))
        : Effect.fail(unsupported(request, "a raw body that is not text or bytes"))
    default:
      return Effect.fail(unsupported(request, `a ${body._tag} body`))
  }
}

const unsupported = (request: HttpClientRequest.HttpClientRequest, what: string) =>
  new HttpClientError.RequestError({
    request,
    reason: "Encode",
    description: `the local AmplifyBackend does not accept ${what}`
  })

const connectionError = (message: string): Error => Object.assign(new Error(message), { code: "ECONNRESET" })

/** A web response whose body breaks off after half of it, as a connection closed mid-body. */
const truncated = (response: LocalResponse): Response => {
  const bytes = new TextEncoder().encode(response.body)
  const half = bytes.subarray(0, Math.floor(bytes.length / 2))
  let sent = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent && half.length > 0) {
        sent = true
        controller.enqueue(half)
        return
      }
      controller.error(connectionError(`the connection closed after ${half.length} of ${bytes.length} bytes`))
    }
  })
  return new Response(body, {
    status: response.status,
    headers: { ...response.headers, "content-length": String(bytes.length) }
  })
}

/**
 * An `HttpClient` that hands every request to `serve` in the same process. It sends the current
 * call's tag (`Faults.withCall`), and carries out transport directives: a reset fails the request
 * (`RequestError`, reason `Transport`), a truncated body fails its reading (`ResponseError`), a
 * delay sleeps (interruptibly) before answering.
 */
export const make = (serve: (request: LocalRequest) => Effect.Effect<LocalResponse>): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = yield* bodyText(request)
      const headers: Record<string, string> = { host: url.host }
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
      const tag = yield* FiberRef.get(currentCall)
      if (tag !== undefined && headers[callHeader] === undefined) headers[callHeader] = tag
      const response = yield* serve({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers,
        body
      })
      const transport = response.transport
      if (transport?._tag === "Reset") {
        return yield* Effect.fail(
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            description: "the connection was reset (socket hang up)",
            cause: connectionError("socket hang up")
          })
        )
      }
      if (transport?._tag === "Delay") yield* Effect.sleep(Duration.millis(transport.millis))
      return HttpClientResponse.fromWeb(
        request,
        transport?._tag === "Truncate"
          ? truncated(response)
          : new Response(response.body === "" ? null : response.body, {
            status: response.status,
            headers: response.headers
          })
      )
    })
  )

/** The in-process `HttpClient` as a layer. */
export const layer = (serve: (request: LocalRequest) => Effect.Effect<LocalResponse>): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(serve))
