/**
 * The Client service: runs one operation call through the pieces in context (credentials,
 * endpoint, signer, HTTP client) and the generic restJson1 codec.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { TransportError } from "../ClientErrors.js"
import type { ClientError, ErrorsOf, InputOf, OutputOf, Spec } from "../internal/operation.js"
import { decodeResponse, encodeRequest, responseMetadata, type EncodedRequest } from "../internal/restJson1.js"
import type { ResponseMetadata } from "../Schema/Metadata.js"
import { Credentials } from "./Credentials.js"
import { Endpoint } from "./Endpoint.js"
import { Signer } from "./Signer.js"

/** Runs operation calls. Operations need it; `AmplifyBackend` captures it. */
export interface ClientService {
  readonly execute: <S extends Spec>(spec: S, input: InputOf<S>) => Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError>
}

export class Client extends Context.Tag("amplifybackend/Client")<Client, ClientService>() {}

/** Error codes of a connection that never opened: the request cannot have reached the service. */
const neverSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

const causeCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const noResponse = (attempts: number, totalRetryDelay: number): ResponseMetadata => ({
  attempts,
  totalRetryDelay
})

const transportError = (
  operation: string,
  error: HttpClientError.HttpClientError,
  metadata: ResponseMetadata
): TransportError => {
  const code = causeCode(error.cause)
  const neverSent =
    (error._tag === "RequestError" && error.reason !== "Transport") ||
    (code !== undefined && neverSentCodes.has(code))
  return new TransportError({
    operation,
    message: `${operation}: ${error.message}${code ? ` (${code})` : ""}`,
    outcomeUnknown: !neverSent,
    $metadata: metadata,
    cause: error
  })
}

/** Builds the Client from the services in context. */
export const make = Effect.gen(function*() {
  // Trace headers are not part of the AWS wire format; spans still record each request.
  const http = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
  const signer = yield* Signer
  const credentials = yield* Credentials
  const endpoint = yield* Endpoint
  const scope = { region: endpoint.signingRegion, service: endpoint.signingName }

  const attempt = <S extends Spec>(
    spec: S,
    request: EncodedRequest,
    attempts: number,
    totalRetryDelay: number
  ): Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError> =>
    Effect.gen(function*() {
      const keys = yield* credentials.get
      const now = yield* Clock.currentTimeMillis
      const url = endpoint.url + request.path
      const headers: Record<string, string> = request.body === undefined
        ? {}
        : { "content-type": "application/json" }
      const signed = yield* signer.sign(
        { method: request.method, url, headers, body: request.body },
        keys,
        scope,
        new Date(now)
      )
      let httpRequest = HttpClientRequest.make(spec.method)(url).pipe(HttpClientRequest.setHeaders(signed))
      if (request.body !== undefined) {
        httpRequest = HttpClientRequest.bodyText(httpRequest, request.body, "application/json")
      }
      const response = yield* http.execute(httpRequest).pipe(
        Effect.mapError((e) => transportError(spec.name, e, noResponse(attempts, totalRetryDelay)))
      )
      const metadata = responseMetadata(response, attempts, totalRetryDelay)
      const body = yield* response.text.pipe(
        Effect.mapError((e) => transportError(spec.name, e, metadata))
      )
      return yield* decodeResponse(spec, { status: response.status, headers: response.headers, body }, metadata)
    })

  return Client.of({
    execute: (spec, input) => Effect.flatMap(encodeRequest(spec, input), (request) => attempt(spec, request, 1, 0))
  })
})

/** The Client, from an `HttpClient`, a `Signer`, `Credentials` and an `Endpoint`. */
export const layer: Layer.Layer<Client, never, HttpClient.HttpClient | Signer | Credentials | Endpoint> =
  Layer.effect(Client, make)
