/**
 * Two clients wired to the same scripted HTTP exchange: ours (through a capturing `HttpClient`)
 * and the official SDK (through a capturing `requestHandler`). Neither opens a socket: each
 * records the request it would send and answers with the response the test scripts.
 */
import * as SDK from "@aws-sdk/client-amplifybackend"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { type HttpRequest, HttpResponse } from "@smithy/core/protocols"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { Readable } from "node:stream"
import { operations } from "../../src/AmplifyBackend.js"
import type { ClientError, OutputOf, Spec } from "../../src/internal/operation.js"
import * as Client from "../../src/Layer/Client.js"
import * as Credentials from "../../src/Layer/Credentials.js"
import * as Endpoint from "../../src/Layer/Endpoint.js"
import * as Region from "../../src/Layer/Region.js"
import * as Retry from "../../src/Layer/Retry.js"
import * as SignerNode from "../../src/Layer/SignerNode.js"

/** A request as it would go on the wire. Header names are lower case. */
export interface Captured {
  readonly method: string
  /** Path and query, percent-encoded exactly as sent. */
  readonly path: string
  /** Ours only: the path as the client built (and signed) it, before URL parsing. */
  readonly rawPath?: string
  readonly headers: Readonly<Record<string, string>>
  /** `undefined` when no body is sent at all. */
  readonly body: string | undefined
}

/** A scripted response. */
export interface Scripted {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export const host = "amplifybackend.us-east-1.amazonaws.com"
const endpointUrl = `https://${host}`
const region = "us-east-1"
const fakeKeys = { accessKeyId: "AKID", secretAccessKey: "SECRET" }

/** What both clients will be answered with next, and what each of them sent. */
export class Exchange {
  response: Scripted = { status: 200, headers: {}, body: "{}" }
  readonly ours: Array<Captured> = []
  readonly sdk: Array<Captured> = []

  /** Sets the next response and forgets the requests seen so far. */
  reset(response: Scripted = { status: 200, headers: {}, body: "{}" }): void {
    this.response = response
    this.ours.length = 0
    this.sdk.length = 0
  }
}

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : `<raw ${typeof body.body}>`
    default:
      return `<${body._tag} body>`
  }
}

/** Our client, on a capturing `HttpClient`, signing with fixed fake keys. */
export const ourLayer = (exchange: Exchange): Layer.Layer<Client.Client> => {
  const capture = HttpClient.make((request, url) =>
    Effect.sync(() => {
      exchange.ours.push({
        method: request.method,
        path: url.pathname + url.search,
        rawPath: request.url.startsWith(endpointUrl) ? request.url.slice(endpointUrl.length) : request.url,
        headers: { ...request.headers },
        body: bodyText(request)
      })
      const { body, headers, status } = exchange.response
      return HttpClientResponse.fromWeb(
        request,
        new Response(status === 204 || status === 304 ? null : body, { status, headers })
      )
    })
  )
  return Client.layer.pipe(
    Layer.provide(Endpoint.layer(endpointUrl).pipe(Layer.provide(Region.layer(region)))),
    Layer.provide(Credentials.layerStatic(fakeKeys)),
    Layer.provide(SignerNode.layer),
    // One attempt, as the SDK here (`maxAttempts: 1`): every scripted response is final.
    Layer.provide(Retry.layerOff),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, capture)),
    Layer.orDie
  )
}

const lowerCase = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

const sdkBody = (body: unknown): string | undefined => {
  if (body === undefined || body === null) return undefined
  if (typeof body === "string") return body
  if (body instanceof Uint8Array) return new TextDecoder().decode(body)
  return `<${typeof body} body>`
}

/** The SDK's query parameters as a query string (the model binds none; kept for the check). */
const queryString = (query: HttpRequest["query"]): string => {
  const pairs: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value ?? ""]) pairs.push([key, item])
  }
  return pairs.length === 0 ? "" : `?${String(new URLSearchParams(pairs))}`
}

/** The official SDK, answering from the exchange: no default provider, no retry, no socket. */
export const sdkClient = (exchange: Exchange): SDK.AmplifyBackendClient =>
  new SDK.AmplifyBackendClient({
    region,
    credentials: fakeKeys,
    maxAttempts: 1,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        exchange.sdk.push({
          method: request.method,
          path: request.path + queryString(request.query),
          headers: lowerCase(request.headers),
          body: sdkBody(request.body)
        })
        const { body, headers, status } = exchange.response
        return {
          response: new HttpResponse({
            statusCode: status,
            headers: { ...headers },
            body: Readable.from([Buffer.from(body, "utf8")])
          })
        }
      }
    }
  })

/** The names of the 31 operations, as the model spells them. */
export type OperationName = keyof typeof operations
export const operationNames = Object.keys(operations) as ReadonlyArray<OperationName>

/** An operation's description, seen through the generic `Spec` interface. */
export const specOf = (name: OperationName): Spec => operations[name].spec

type SdkCommand = Parameters<SDK.AmplifyBackendClient["send"]>[0]
type SdkCommandClass = new (input: unknown) => SdkCommand

const commandClass = (name: OperationName): SdkCommandClass => {
  const candidate: unknown = (SDK as Record<string, unknown>)[`${name}Command`]
  if (typeof candidate !== "function") throw new Error(`the SDK has no ${name}Command`)
  return candidate as SdkCommandClass
}

/** What a call ended with: an output, or the thrown / failed error. */
export type Outcome = Either.Either<Record<string, unknown>, unknown>

/** Our client's service, built once (the layers hold no resource, so nothing is left open). */
export const ourClient = (exchange: Exchange): Context.Context<Client.Client> =>
  Effect.runSync(Effect.scoped(Layer.build(ourLayer(exchange))))

/** Calls our operation `name` with an input taken as unknown (so bad inputs can be tried). */
export const callOurs = (
  client: Context.Context<Client.Client>,
  name: OperationName,
  input: unknown
): Effect.Effect<Either.Either<OutputOf<Spec>, ClientError | { readonly _tag: string }>> => {
  const operation = operations[name] as unknown as (
    input: unknown
  ) => Effect.Effect<OutputOf<Spec>, ClientError | { readonly _tag: string }, Client.Client>
  return operation(input).pipe(Effect.either, Effect.provide(client))
}

/** Calls the SDK's `${name}Command` with the same input. */
export const callSdk = (
  client: SDK.AmplifyBackendClient,
  name: OperationName,
  input: unknown
): Effect.Effect<Outcome> => {
  const Command = commandClass(name)
  return Effect.promise(() =>
    client.send(new Command(input)).then(
      (output): Outcome => Either.right(output as unknown as Record<string, unknown>),
      (error: unknown): Outcome => Either.left(error)
    )
  )
}

/**
 * A value as plain data for comparison: `$metadata` dropped at the top, `undefined` members
 * dropped everywhere, class instances reduced to their own enumerable members.
 */
export const plain = (value: unknown, top = true): unknown => {
  if (Array.isArray(value)) return value.map((item) => plain(item, false))
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || (top && key === "$metadata")) continue
      out[key] = plain(item, false)
    }
    return out
  }
  return value
}

/** The `SignedHeaders` list of an `AWS4-HMAC-SHA256` authorization header. */
export const signedHeaders = (authorization: string | undefined): ReadonlyArray<string> => {
  const match = authorization === undefined ? null : /SignedHeaders=([^,\s]+)/.exec(authorization)
  return match === null || match[1] === undefined ? [] : match[1].split(";")
}
