/**
 * A prototype, for the bench only: a lean `HttpClient` for Node, to measure what the default
 * `NodeHttpClient.layerUndici` costs per call beyond undici itself.
 *
 * Built with `HttpClient.makeWith` (not `HttpClient.make`), so it skips what `make` adds to every
 * request: the client span with an attribute per header (and `url.toString()`, header
 * redaction), the `AbortController`, the `FinalizationRegistry` entry. It sends with undici's
 * `request`, reads the whole body as text before answering (all this client ever does with a
 * response), aborts on interruption through `Effect.async`'s signal, and converts the response
 * headers once. Members our client never reads (`stream`, `formData`, ...) fail.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as Cookies from "@effect/platform/Cookies"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Undici from "undici"

class LeanResponse implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly headers: Headers.Headers
  readonly remoteAddress = Option.none<string>()
  readonly cookies = Cookies.empty
  readonly text: Effect.Effect<string, HttpClientError.ResponseError>

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    headers: Record<string, string | Array<string> | undefined>,
    readonly body: string
  ) {
    this.headers = Headers.fromInput(headers)
    this.text = Effect.succeed(body)
  }

  private unsupported(what: string): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      description: `the lean bench client does not read a body as ${what}`
    })
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => (this.body === "" ? null : JSON.parse(this.body) as unknown),
      catch: () => this.unsupported("JSON that does not parse")
    })
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.unsupported("form data"))
  }
  get urlParamsBody(): Effect.Effect<never, HttpClientError.ResponseError> {
    return Effect.fail(this.unsupported("URL parameters"))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.fail(this.unsupported("bytes"))
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.fail(this.unsupported("a stream"))
  }
  toJSON(): unknown {
    return { _id: "LeanResponse", status: this.status, headers: Inspectable.redact(this.headers) }
  }
  toString(): string {
    return Inspectable.format(this.toJSON())
  }
  [Inspectable.NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

type Response = HttpClientResponse.HttpClientResponse

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string | Uint8Array | null => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : null
    default:
      return null
  }
}

const make = (dispatcher: Undici.Dispatcher): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.async<Response, HttpClientError.HttpClientError>((resume, signal) => {
          let url: URL
          try {
            url = new URL(request.url)
          } catch (cause) {
            resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause })))
            return
          }
          dispatcher.request({
            origin: url.origin,
            path: url.pathname + url.search,
            method: request.method,
            headers: request.headers,
            body: bodyOf(request),
            signal
          }).then(
            (response) =>
              response.body.text().then(
                (text) => {
                  const lean = new LeanResponse(request, response.statusCode, response.headers, text)
                  resume(Effect.succeed(lean))
                },
                (cause: unknown) =>
                  resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
              ),
            (cause: unknown) =>
              resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
          )
        })),
    Effect.succeed
  )

/** The lean client over its own undici `Agent`, closed with the layer. */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => new Undici.Agent()),
      (agent) => Effect.promise(() => agent.destroy())
    ),
    make
  )
)
