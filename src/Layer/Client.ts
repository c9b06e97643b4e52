/**
 * The Client service: runs one operation call through the pieces in context (credentials,
 * endpoint, signer, HTTP client, retry policy) and the generic restJson1 codec.
 *
 * A call is: validate and encode the input once; then, per attempt, read credentials, sign with
 * the (skew-corrected) clock, send, classify the response. Failed attempts are retried by the
 * `Retry` policy; `$metadata.attempts` and `$metadata.totalRetryDelay` count what really happened.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import { TimeoutError, TransportError } from "../ClientErrors.js"
import type { ClientError, ErrorsOf, InputOf, OutputOf, Spec } from "../internal/operation.js"
import { isPlain } from "../internal/httpTraits.js"
import { RequestNotSent, ResponseTooLarge } from "../internal/transportCauses.js"
import { AdaptiveRateLimiter } from "../internal/rateLimiter.js"
import { decodeResponse, encodeRequest, responseMetadata, type EncodedRequest } from "../internal/restJson1.js"
import { classify, clockSkewCodes, RetryQuota, serverTime, skewThresholdMillis } from "../internal/retry.js"
import type { ResponseMetadata } from "../Schema/Metadata.js"
import { Credentials } from "./Credentials.js"
import { Endpoint } from "./Endpoint.js"
import { currentOverride, defaults, isValid, merge, Retry, type RetryPolicy } from "./Retry.js"
import { Signer } from "./Signer.js"

/** Runs operation calls. Operations need it; `AmplifyBackend` captures it. */
export interface ClientService {
  readonly execute: <S extends Spec>(
    spec: S,
    input: InputOf<S>
  ) => Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError>
  /** The offset, in ms, added to the local clock when signing (learned from clock-skew errors). */
  readonly clockOffset: Effect.Effect<number>
  /** Tokens left in the retry quota. */
  readonly retryQuota: Effect.Effect<number>
}

export class Client extends Context.Tag("amplifybackend/Client")<Client, ClientService>() {}

/** Error codes of a connection that never opened: the request cannot have reached the service. */
const neverSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

/**
 * Error codes of a request the HTTP client refused to build (a header value holding a line
 * break, say): nothing was sent, and sending it again cannot help. Reported as reason `Encode`.
 */
const unbuildableCodes = new Set(["UND_ERR_INVALID_ARG", "ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN"])

const causeCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const transportError = (
  operation: string,
  error: HttpClientError.HttpClientError,
  metadata: ResponseMetadata
): TransportError => {
  const code = causeCode(error.cause)
  const reason = error._tag === "ResponseError"
    ? error.cause instanceof ResponseTooLarge ? "ResponseTooLarge" as const : "ResponseBody" as const
    : code !== undefined && unbuildableCodes.has(code)
    ? "Encode" as const
    : error.reason
  const neverSent = reason === "Encode" || reason === "InvalidUrl" || error.cause instanceof RequestNotSent ||
    (code !== undefined && neverSentCodes.has(code))
  const what = reason === "ResponseBody" || reason === "ResponseTooLarge"
    ? `the response body could not be read (HTTP ${error._tag === "ResponseError" ? error.response.status : "?"})`
    : reason === "Encode"
    ? "the HTTP client could not build the request"
    : reason === "InvalidUrl"
    ? "the request URL is invalid"
    : "the request failed in transport"
  const detail = error.description === undefined ? "" : `: ${error.description}`
  return new TransportError({
    operation,
    message: `${operation}: ${what} (${error.request.method} ${error.request.url})${detail}${code ? ` (${code})` : ""}`,
    reason,
    outcomeUnknown: !neverSent,
    $metadata: metadata,
    // Not the HttpClientError itself: its request holds the signed headers (session token included).
    cause: error.cause
  })
}

/**
 * A fetch-based client must not follow redirects: the signed headers would go to another host.
 * Other clients do not follow them anyway; a 3xx becomes a `ServiceError`.
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...Option.getOrElse(init, () => ({})),
      redirect: "manual"
    }))

/**
 * One span per call, named after the operation (`AmplifyBackend.GetBackend`), when a tracer is
 * installed; the HTTP client's own per-request spans are turned off (they cost as much as the
 * rest of the call and record every header). No stack trace is captured for the span: building
 * one cost about a fifth of a call's own CPU time.
 */
const withSpan = <A, E>(spec: Spec, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withSpan(effect, `AmplifyBackend.${spec.name}`, { kind: "client", captureStackTrace: false, attributes: { "rpc.service": "AmplifyBackend", "rpc.method": spec.name } })

/** The progress of one call, shared by its attempts and its timeout. */
interface CallState {
  attempts: number
  totalRetryDelay: number
}

/** Builds the Client from the services in context. */
export const make = Effect.gen(function*() {
  // No HTTP span per request: `withSpan` records each call instead. With its span off, the
  // platform client sends no trace headers either (they are not part of the AWS wire format).
  // A client that declares it does neither, nor follows redirects, is used as it is.
  const base = yield* HttpClient.HttpClient
  const plain = isPlain(base)
  const http = plain ? base : HttpClient.withTracerDisabledWhen(base, () => true)
  const signer = yield* Signer
  const credentials = yield* Credentials
  const endpoint = yield* Endpoint
  const basePolicy = Option.getOrElse(yield* Effect.serviceOption(Retry), () => defaults)
  const scope = { region: endpoint.signingRegion, service: endpoint.signingName }
  const quota = new RetryQuota(basePolicy.quotaCapacity)
  const limiter = new AdaptiveRateLimiter((yield* Clock.currentTimeMillis) / 1000)
  let clockOffset = 0

  /** One attempt: sign, send, read, classify. `seen` receives what a retry decision needs. */
  const attempt = <S extends Spec>(
    spec: S,
    request: EncodedRequest,
    state: CallState,
    seen: { date?: string | undefined; offset: number }
  ): Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError> =>
    Effect.gen(function*() {
      const keys = yield* credentials.get
      seen.offset = clockOffset
      const now = (yield* Clock.currentTimeMillis) + clockOffset
      const url = endpoint.url + request.path
      const headers: Record<string, string> = request.body === undefined ? {} : { "content-type": "application/json" }
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
      const noResponse = { attempts: state.attempts, totalRetryDelay: state.totalRetryDelay }
      const response = yield* http.execute(httpRequest).pipe(
        Effect.mapError((e) =>
          transportError(
            spec.name,
            e,
            // A client that reads the body before answering fails here once the status is known.
            e._tag === "ResponseError" && e.response.status > 0
              ? responseMetadata(
                { status: e.response.status, headers: e.response.headers },
                state.attempts,
                state.totalRetryDelay
              )
              : noResponse
          )
        )
      )
      // Each read of `response.headers` builds a new record: read it once.
      const responseHeaders = response.headers
      const status = response.status
      const metadata = responseMetadata({ status, headers: responseHeaders }, state.attempts, state.totalRetryDelay)
      seen.date = responseHeaders.date
      const body = yield* response.text.pipe(Effect.mapError((e) => transportError(spec.name, e, metadata)))
      return yield* decodeResponse(spec, { status, headers: responseHeaders, body }, metadata)
    })

  const withAttemptTimeout = <A, E>(
    spec: Spec,
    policy: RetryPolicy,
    state: CallState,
    effect: Effect.Effect<A, E>
  ): Effect.Effect<A, E | TimeoutError> =>
    policy.attemptTimeout === undefined
      ? effect
      : Effect.timeoutFail(effect, {
        duration: policy.attemptTimeout,
        onTimeout: () => timeoutError(spec, "attempt", policy.attemptTimeout!, state)
      })

  /** Whether a failure says the clock is off, and by how much it should be corrected. */
  const skewCorrection = (
    error: { readonly _tag: string; readonly code?: string; readonly message?: string },
    seen: { date?: string | undefined; offset: number },
    localNow: number
  ): number | undefined => {
    const code = error._tag === "ServiceError" ? error.code : error._tag
    if (code === undefined || !clockSkewCodes.has(code)) return undefined
    const server = serverTime(seen.date, error.message)
    if (server === undefined) return undefined
    const offset = server - localNow
    return Math.abs(offset - seen.offset) > skewThresholdMillis ? offset : undefined
  }

  const run = <S extends Spec>(
    spec: S,
    request: EncodedRequest,
    policy: RetryPolicy,
    state: CallState
  ): Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError> =>
    Effect.gen(function*() {
      let scheduleState: unknown = policy.schedule?.initial
      let lastTaken: number | undefined
      let skewCorrected = false
      while (true) {
        state.attempts++
        if (policy.mode === "adaptive") {
          const wait = limiter.acquire((yield* Clock.currentTimeMillis) / 1000)
          if (wait > 0) yield* Effect.sleep(Duration.millis(Math.ceil(wait * 1000)))
        }
        const seen: { date?: string | undefined; offset: number } = { offset: clockOffset }
        const result = yield* Effect.either(withAttemptTimeout(spec, policy, state, attempt(spec, request, state, seen)))
        const now = yield* Clock.currentTimeMillis
        if (Either.isRight(result)) {
          if (policy.mode === "adaptive") limiter.update(now / 1000, false)
          if (policy.schedule === undefined) quota.release(lastTaken)
          return result.right
        }
        const error = result.left as ErrorsOf<S> & ClientError
        const kind = classify(error)
        if (policy.mode === "adaptive") limiter.update(now / 1000, kind === "throttling")
        // A clock-skew error teaches the offset even when no retry follows: later calls use it.
        const offset = skewCorrection(error, seen, now)
        if (offset !== undefined) clockOffset = offset
        if (policy.mode === "off") return yield* Effect.fail(error)

        // One retry per call for a corrected clock, within the attempt limit.
        const attemptsLeft = policy.schedule !== undefined || state.attempts < policy.maxAttempts
        if (offset !== undefined && !skewCorrected && attemptsLeft) {
          skewCorrected = true
          continue
        }

        const input = { error, kind, attempt: state.attempts }
        const retryable = policy.retryable ? policy.retryable(input) : kind !== undefined
        if (!retryable) return yield* Effect.fail(error)
        let delay: number
        if (policy.schedule !== undefined) {
          const [next, , decision] = yield* policy.schedule.step(now, input, scheduleState)
          if (ScheduleDecision.isDone(decision)) return yield* Effect.fail(error)
          scheduleState = next
          delay = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
        } else {
          if (state.attempts >= policy.maxAttempts) return yield* Effect.fail(error)
          const taken = quota.acquire(kind ?? "transient")
          if (taken === undefined) return yield* Effect.fail(error)
          lastTaken = taken
          const ceiling = Math.min(
            Duration.toMillis(policy.maxBackoff),
            Duration.toMillis(policy.baseDelay) * 2 ** (state.attempts - 1)
          )
          delay = Math.floor((yield* Random.next) * ceiling)
        }
        // Sleep even for no delay: a timer hop lets other timers (a call timeout) run.
        yield* Effect.sleep(Duration.millis(delay))
        state.totalRetryDelay += delay
      }
    })

  const execute = <S extends Spec>(spec: S, input: InputOf<S>) =>
    withSpan(spec, Effect.flatMap(encodeRequest(spec, input), (request) =>
      Effect.flatMap(FiberRef.get(currentOverride), (override) => {
        const merged = override === undefined ? basePolicy : merge(basePolicy, override)
        const policy = isValid(merged) ? merged : basePolicy
        const state: CallState = { attempts: 0, totalRetryDelay: 0 }
        // Once per call, for all its attempts.
        const call = plain ? run(spec, request, policy, state) : withoutRedirects(run(spec, request, policy, state))
        return policy.callTimeout === undefined
          ? call
          : Effect.timeoutFail(call, {
            duration: policy.callTimeout,
            onTimeout: () => timeoutError(spec, "call", policy.callTimeout!, state)
          })
      })))

  return Client.of({
    execute,
    clockOffset: Effect.sync(() => clockOffset),
    retryQuota: Effect.sync(() => quota.tokens)
  })
})

const timeoutError = (spec: Spec, scope: "attempt" | "call", after: Duration.Duration, state: CallState) =>
  new TimeoutError({
    operation: spec.name,
    message: `${spec.name}: the ${scope} took longer than ${Duration.format(after)}`,
    scope,
    timeoutMillis: Duration.toMillis(after),
    outcomeUnknown: true,
    $metadata: { attempts: state.attempts, totalRetryDelay: state.totalRetryDelay }
  })

/**
 * The Client, from an `HttpClient`, a `Signer`, `Credentials` and an `Endpoint`, with the `Retry`
 * policy in context or the AWS standard mode.
 */
export const layer: Layer.Layer<Client, never, HttpClient.HttpClient | Signer | Credentials | Endpoint> =
  Layer.effect(Client, make)
