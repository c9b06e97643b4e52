/**
 * The local AmplifyBackend as an `HttpClient`: requests are served in-process, with no socket.
 * A client built on this layer runs the whole wire path (encoding, signing, routing, decoding)
 * exactly as it would over the network.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
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

/** An `HttpClient` that hands every request to `serve` in the same process. */
export const make = (serve: (request: LocalRequest) => Effect.Effect<LocalResponse>): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = yield* bodyText(request)
      const headers: Record<string, string> = { host: url.host }
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
      const response = yield* serve({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers,
        body
      })
      return HttpClientResponse.fromWeb(
        request,
        new Response(response.body === "" ? null : response.body, {
          status: response.status,
          headers: response.headers
        })
      )
    })
  )

/** The in-process `HttpClient` as a layer. */
export const layer = (serve: (request: LocalRequest) => Effect.Effect<LocalResponse>): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(serve))
