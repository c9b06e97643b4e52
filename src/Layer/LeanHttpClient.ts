/**
 * A lean `HttpClient` for Node, for request/response APIs such as this one: it sends with
 * undici's low-level `dispatch` (the undici that `@effect/platform-node` ships, through
 * `@effect/platform-node/Undici`) and reads the whole response body into memory before it
 * answers.
 *
 * Per request it skips what `NodeHttpClient.layerUndici` adds on top of undici: an
 * `AbortController` and a `FinalizationRegistry` entry, a Node stream for the body, and a fiber
 * and a cached effect to read it. On the bench a whole call takes 25 to 45 % less CPU with it
 * (README, "Performance").
 *
 * What it does not do, by design:
 * - No spans of its own (the `Client` records one span per call) and no trace headers.
 * - Bodies are buffered: a response larger than `maxResponseBytes` (default 16 MiB) fails with a
 *   `ResponseError` (the client's `TransportError` with reason `ResponseTooLarge`, not retried);
 *   request bodies must be text or bytes (a stream or form data is refused with
 *   a `RequestError` whose reason is `Encode`).
 * - No redirects are followed, no cookies kept; timeouts are left to Effect (`Retry` options).
 *
 * Interrupting a request aborts it on the socket.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Undici from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ConfigurationError } from "../ClientErrors.js"
import { plainHttpClient } from "../internal/httpTraits.js"
import { RequestNotSent, ResponseTooLarge } from "../internal/transportCauses.js"

export interface Options {
  /** The largest response body read, in bytes; a larger one fails the request. Default 16 MiB. */
  readonly maxResponseBytes?: number | undefined
}

const defaultMaxResponseBytes = 16 * 1024 * 1024

const decoder = new TextDecoder()
const emptyBytes = new Uint8Array(0)

/** A response whose body has been read whole. */
class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly remoteAddress = Option.none<string>()
  private textValue: string | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    readonly headers: Headers.Headers,
    private readonly bytes: Uint8Array,
    private readonly setCookie: string | ReadonlyArray<string> | undefined
  ) {
    super()
  }

  get cookies(): Cookies.Cookies {
    const header = this.setCookie
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(typeof header === "string" ? [header] : header)
  }

  private get bodyText(): string {
    return (this.textValue ??= decoder.decode(this.bytes))
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => this.bodyText)
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => {
        const text = this.bodyText
        return text === "" ? null : JSON.parse(text) as unknown
      },
      catch: (cause) => this.decodeError(cause)
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => UrlParams.fromInput(new URLSearchParams(this.bodyText)),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => new Response(this.bytes as Uint8Array<ArrayBuffer>, { headers: this.headers }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  /** A copy each time: the caller may write to it. */
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => {
      const copy = new Uint8Array(this.bytes.length)
      copy.set(this.bytes)
      return copy.buffer
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.sync(() => {
      const copy = new Uint8Array(this.bytes.length)
      copy.set(this.bytes)
      return copy
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

type Body = string | Uint8Array | null

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Either.Either<Body, string> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Either.right(null)
    case "Uint8Array":
      return Either.right(body.body)
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array
        ? Either.right(body.body)
        : Either.left("a raw body that is neither a string nor bytes")
    case "FormData":
      return Either.left("a form data body")
    case "Stream":
      return Either.left("a stream body")
  }
}

/** An `HttpClient` over an undici dispatcher; `maxResponseBytes` is taken as given (see `layer`). */
export const make = (dispatcher: Undici.Dispatcher, options: Options = {}): HttpClient.HttpClient => {
  const maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes
  const send = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
      const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
      if (Either.isLeft(url)) {
        return resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left })))
      }
      const body = bodyOf(request)
      if (Either.isLeft(body)) {
        return resume(Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Encode", description: `cannot send ${body.left}` })
        ))
      }
      let controller: Undici.Dispatcher.DispatchController | undefined
      let interrupted = false
      let done = false
      let status = 0
      let headers: Headers.Headers = Headers.empty
      let setCookie: string | ReadonlyArray<string> | undefined
      let started = false
      // The body is copied into a buffer of its own as it arrives (never kept as the socket's
      // chunks, which may be views of shared memory, and many small ones cost more than their
      // bytes); it grows by doubling, up to the limit.
      let received = emptyBytes
      let size = 0
      const finish = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => {
        if (done) return
        done = true
        resume(effect)
      }
      const fail = (cause: unknown, description?: string) => {
        const detail = description === undefined ? {} : { description }
        if (!started) {
          // Before undici started the request, nothing of it was written.
          const reported = controller === undefined ? new RequestNotSent(cause) : cause
          return finish(
            Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: reported, ...detail }))
          )
        }
        const response = new BufferedResponse(request, status, headers, new Uint8Array(0), setCookie)
        finish(Effect.fail(new HttpClientError.ResponseError({ request, response, reason: "Decode", cause, ...detail })))
      }
      const handler: Undici.Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c
          if (interrupted) c.abort(new Error("the request was interrupted"))
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          if (statusCode < 200) return
          started = true
          status = statusCode
          headers = Headers.fromInput(responseHeaders as Record<string, string | Array<string>>)
          setCookie = responseHeaders["set-cookie"]
          const length = Number(headers["content-length"])
          if (Number.isSafeInteger(length) && length > 0 && length <= maxResponseBytes) received = new Uint8Array(length)
        },
        onResponseData(c, chunk) {
          const end = size + chunk.length
          if (end > maxResponseBytes) {
            const error = new ResponseTooLarge(maxResponseBytes)
            fail(error, error.message)
            c.abort(error)
            return
          }
          if (end > received.length) {
            const grown = new Uint8Array(Math.min(maxResponseBytes, Math.max(end, received.length * 2, 1024)))
            grown.set(received.subarray(0, size))
            received = grown
          }
          received.set(chunk, size)
          size = end
        },
        onResponseEnd() {
          const bytes = size === received.length ? received : received.subarray(0, size)
          finish(Effect.succeed(new BufferedResponse(request, status, headers, bytes, setCookie)))
        },
        onResponseError(_c, error) {
          fail(error)
        }
      }
      try {
        dispatcher.dispatch({
          origin: url.right.origin,
          path: url.right.pathname + url.right.search,
          method: request.method,
          headers: request.headers,
          body: body.right,
          // Timeouts are Effect's (`Retry` options), as with NodeHttpClient.
          headersTimeout: 60 * 60 * 1000,
          bodyTimeout: 0
        }, handler)
      } catch (cause) {
        // Thrown before anything was sent: undici refused the request's options.
        finish(Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode", cause })))
      }
      return Effect.sync(() => {
        if (done) return
        done = true
        interrupted = true
        controller?.abort(new Error("the request was interrupted"))
      })
    })
  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(Effect.flatMap(send), Effect.succeed)
  // No redirects followed, no spans, no trace headers: the client need not wrap it.
  return Object.assign(client, { [plainHttpClient]: true })
}

/** `maxResponseBytes` must be a whole number of bytes, at least 0. */
const validate = (options: Options): Effect.Effect<Options, ConfigurationError> => {
  const max = options.maxResponseBytes
  return max === undefined || (Number.isSafeInteger(max) && max >= 0)
    ? Effect.succeed(options)
    : Effect.fail(
      new ConfigurationError({
        setting: "maxResponseBytes",
        message: `maxResponseBytes must be a whole number of bytes, 0 or more; got ${String(max)}`
      })
    )
}

/**
 * The lean client over an undici `Agent` of its own, closed when the layer's scope closes. Bad
 * options fail the layer with a `ConfigurationError`.
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, ConfigurationError> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.flatMap(validate(options), (valid) =>
      Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => new Undici.Agent()),
          (agent) => Effect.promise(() => agent.destroy())
        ),
        (agent) => make(agent, valid)
      ))
  )
