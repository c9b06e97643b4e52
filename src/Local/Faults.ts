/**
 * A fault plan for the local AmplifyBackend: what to break, when, and a log of what was broken.
 *
 * A plan holds rules. Each request is matched against them in order (by operation, by attempt
 * number, at random with a seeded rate, at most some number of times) and the first that
 * matches picks the fault. A fault either answers in place of the service (throttling, a 5xx, a
 * refused signature, a connection reset before the service acts) or lets the service act and
 * then spoils its answer (a reset or a body cut short after it acted, a held response, a wrong
 * content type). Faults of the transport travel as a `TransportDirective` on the response, which
 * the loopback server and the in-process `HttpClient` carry out.
 *
 * The attempt number of a request is its ordinal among the requests of the same call when the
 * call is tagged (`withCall`, sent in the `x-local-call-id` header by `tagging` or the in-process
 * client), else among the requests of the same operation. Every request is logged.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type { LocalRequest, LocalResponse } from "./Protocol.js"
import type { OperationName } from "./Service.js"

/** One way to break a request. */
export type Fault =
  /** 429: `TooManyRequestsException` (modelled), `ThrottlingException` (not), or no code at all. */
  | {
    readonly kind: "throttle"
    readonly code?: "TooManyRequestsException" | "ThrottlingException" | "none" | undefined
  }
  /** A 5xx as a proxy or load balancer sends it: an HTML page or an empty body, no error code. */
  | { readonly kind: "serverError"; readonly status: 500 | 502 | 503 | 504; readonly body: "html" | "empty" }
  /** 504 `GatewayTimeoutException`, the model's own. */
  | { readonly kind: "gatewayTimeout" }
  /** Any JSON error answer (`AccessDeniedException`, ...). */
  | { readonly kind: "error"; readonly status: number; readonly code: string; readonly message?: string | undefined }
  /** The connection is reset: before the service acts, or after it acted (the response is lost). */
  | { readonly kind: "reset"; readonly when: "before" | "after" }
  /** The service acts, then its response is held for `millis` (to run past a timeout). */
  | { readonly kind: "delay"; readonly millis: number }
  /** The service acts, then the response announces its full length and sends half its body. */
  | { readonly kind: "truncate" }
  /**
   * The service acts, then its answer goes out as `text/html`: with its JSON body (`json`), or
   * with an HTML page in its place (`html`, the default).
   */
  | { readonly kind: "contentType"; readonly body?: "json" | "html" | undefined }
  /**
   * 403 `InvalidSignatureException`, as a service whose clock is `offsetMillis` (default one
   * hour; negative: behind) ahead of the request's signing time would answer: "Signature
   * expired", or "Signature not yet current" when the service is behind; its time in the message
   * and, unless `dateHeader` is false, in the `Date` header.
   */
  | { readonly kind: "skew"; readonly offsetMillis?: number | undefined; readonly dateHeader?: boolean | undefined }

/** What the loopback server or the in-process client must do with a response. */
export type TransportDirective =
  /** Destroy the connection instead of answering. */
  | { readonly _tag: "Reset" }
  /** Announce the whole body's length, send half of it, destroy the connection. */
  | { readonly _tag: "Truncate" }
  /** Hold the response for `millis`, then send it (unless the client has gone). */
  | { readonly _tag: "Delay"; readonly millis: number }

/** A request as the plan sees it when deciding. */
export interface FaultRequest {
  readonly request: LocalRequest
  /** The operation the request addresses, when it addresses one. */
  readonly operation: OperationName | undefined
  /** The call's tag, when the call was tagged. */
  readonly call: string | undefined
  /** 1 for the first request of the call (tagged) or of the operation (untagged). */
  readonly attempt: number
  /** 1 for the first request this service received. */
  readonly sequence: number
}

/** When to break requests, and how. */
export interface FaultRule {
  /** The fault, or faults to pick from at random (seeded). */
  readonly fault: Fault | ReadonlyArray<Fault>
  /** Only requests of these operations. Default: all. */
  readonly operations?: ReadonlyArray<OperationName> | undefined
  /** Only these attempt numbers (1 for the first). Default: all. */
  readonly attempts?: ReadonlyArray<number> | undefined
  /** Only this share of the requests that match otherwise, from 0 to 1, drawn from the seed. */
  readonly rate?: number | undefined
  /** At most this many times. Default: no limit. */
  readonly times?: number | undefined
}

/** A fault plan: rules, a seed, and how the service's clock and `Date` header behave. */
export interface FaultPlan {
  /** Tried in order; the first rule that matches picks the fault. */
  readonly rules?: ReadonlyArray<FaultRule> | undefined
  /** Consulted before the rules: a fault, or undefined to let the rules decide. */
  readonly decide?: ((request: FaultRequest) => Fault | undefined) | undefined
  /** Seeds the random draws of `rate` and of the pick among several faults. Default 1. */
  readonly seed?: number | undefined
  /**
   * How far the service's clock runs ahead of the `Clock` (negative: behind), in ms: signatures
   * are checked against it and the `Date` header shows it. Default 0.
   */
  readonly clockOffsetMillis?: number | undefined
  /** Set to false to send no `Date` header at all. Default true. */
  readonly dateHeader?: boolean | undefined
  /** How many requests the log keeps, the oldest dropped first. Default 10 000. */
  readonly maxLogEntries?: number | undefined
}

/** One request as the service saw it. */
export interface LogEntry {
  /** 1 for the first request this service received. */
  readonly sequence: number
  /** The service's clock time (ms) when the request arrived. */
  readonly time: number
  readonly method: string
  readonly path: string
  readonly operation: OperationName | undefined
  readonly call: string | undefined
  readonly attempt: number
  /** The fault applied, if any. */
  readonly fault: Fault | undefined
  /**
   * Whether the service handled the request itself. A mutation took effect only when it did and
   * `status` is 2xx.
   */
  readonly acted: boolean
  /** The status of the service's own answer, when it acted. */
  readonly status: number | undefined
  /** The error code of the service's own answer, when it acted and answered with an error. */
  readonly code: string | undefined
}

/** The fault plan of one local service, and its request log. */
export interface FaultInjector {
  /** Serves a request through the plan: `serve` is the service itself. */
  readonly apply: (
    request: LocalRequest,
    operation: OperationName | undefined,
    serve: (request: LocalRequest) => Effect.Effect<LocalResponse>
  ) => Effect.Effect<LocalResponse>
  /** The requests received so far, oldest first. */
  readonly log: Effect.Effect<ReadonlyArray<LogEntry>>
  /** Replaces the plan (counts of attempts and of `times` start again); the log is kept. */
  readonly setPlan: (plan: FaultPlan) => Effect.Effect<void>
  /** Empties the log and the attempt counts. */
  readonly clear: Effect.Effect<void>
}

/** The header that carries a call's tag. */
export const callHeader = "x-local-call-id"

/** The tag of the calls made in this fiber, sent in `callHeader` by tagging clients. */
export const currentCall: FiberRef.FiberRef<string | undefined> = FiberRef.unsafeMake<string | undefined>(
  undefined
)

/** Tags the calls made in `effect`: the plan then counts attempts per call. */
export const withCall = (tag: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(effect, currentCall, tag)

/** An `HttpClient` that sends the current call's tag (after signing: it is not a signed header). */
export const tagging = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.mapRequestEffect(client, (request) =>
    Effect.map(FiberRef.get(currentCall), (tag) =>
      tag === undefined ? request : HttpClientRequest.setHeader(request, callHeader, tag)))

/** What `everyKind` needs: how long a delay holds, how far a skew answer says the clock is. */
export interface EveryKindOptions {
  readonly delayMillis: number
  /** Default one hour. */
  readonly skewMillis?: number | undefined
}

/** One fault of each kind (but the generic `error`), for random plans over every kind. */
export const everyKind = (options: EveryKindOptions): ReadonlyArray<Fault> => [
  { kind: "throttle", code: "TooManyRequestsException" },
  { kind: "throttle", code: "ThrottlingException" },
  { kind: "throttle", code: "none" },
  { kind: "serverError", status: 500, body: "empty" },
  { kind: "serverError", status: 502, body: "html" },
  { kind: "serverError", status: 503, body: "html" },
  { kind: "serverError", status: 504, body: "empty" },
  { kind: "gatewayTimeout" },
  { kind: "reset", when: "before" },
  { kind: "reset", when: "after" },
  { kind: "delay", millis: options.delayMillis },
  { kind: "truncate" },
  { kind: "contentType", body: "json" },
  { kind: "contentType", body: "html" },
  { kind: "skew", offsetMillis: options.skewMillis }
]

/** A short name for a fault, for logs and figures. */
export const label = (fault: Fault): string => {
  switch (fault.kind) {
    case "throttle":
      return `throttle ${fault.code ?? "TooManyRequestsException"}`
    case "serverError":
      return `serverError ${fault.status} ${fault.body}`
    case "gatewayTimeout":
      return "gatewayTimeout"
    case "error":
      return `error ${fault.status} ${fault.code}`
    case "reset":
      return `reset ${fault.when}`
    case "delay":
      return `delay ${fault.millis}ms`
    case "truncate":
      return "truncate"
    case "contentType":
      return `contentType ${fault.body ?? "html"}`
    case "skew":
      return `skew ${fault.dateHeader === false ? "message" : "date"}`
  }
}

/** Whether the service acts before the fault takes effect. */
export const actsFirst = (fault: Fault): boolean =>
  fault.kind === "delay" || fault.kind === "truncate" || fault.kind === "contentType" ||
  (fault.kind === "reset" && fault.when === "after")

const hour = 60 * 60 * 1000

/** A small seeded generator (mulberry32): the same seed, the same draws. */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

let requestCounter = 0
const requestId = (): string => {
  requestCounter = (requestCounter + 1) % 0xffffffff
  return `fa17${requestCounter.toString(16).padStart(4, "0")}-0000-4000-8000-000000000000`
}

const json = (status: number, code: string | undefined, body: Record<string, unknown>): LocalResponse => ({
  status,
  headers: {
    "content-type": "application/json",
    "x-amzn-requestid": requestId(),
    ...(code === undefined ? {} : { "x-amzn-errortype": code })
  },
  body: JSON.stringify(body)
})

const statusText: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

const htmlPage = (status: number, text: string): string =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1>` +
  "</center>\r\n</body>\r\n</html>\r\n"

const amzDate = (millis: number): string => new Date(millis).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")

const parseAmzDate = (value: string | undefined): number | undefined => {
  const m = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined
}

/** The answer of a fault that answers in place of the service. */
const answer = (fault: Fault, request: LocalRequest, now: number): LocalResponse => {
  switch (fault.kind) {
    case "throttle": {
      const code = fault.code ?? "TooManyRequestsException"
      if (code === "none") return { status: 429, headers: { "x-amzn-requestid": requestId() }, body: "" }
      return code === "TooManyRequestsException"
        ? json(429, code, { message: "Too many requests (injected fault)", limitType: "requests" })
        : json(429, code, { message: "Rate exceeded" })
    }
    case "serverError":
      return fault.body === "html"
        ? {
          status: fault.status,
          headers: { "content-type": "text/html" },
          body: htmlPage(fault.status, statusText[fault.status] ?? "Error")
        }
        : { status: fault.status, headers: {}, body: "" }
    case "gatewayTimeout":
      return json(504, "GatewayTimeoutException", { message: "The service timed out (injected fault)" })
    case "error":
      return json(fault.status, fault.code, { message: fault.message ?? `${fault.code} (injected fault)` })
    case "skew": {
      const signedAt = parseAmzDate(request.headers["x-amz-date"]) ?? now
      const serverNow = signedAt + (fault.offsetMillis ?? hour)
      const window = 15 * 60 * 1000
      const response = json(403, "InvalidSignatureException", {
        message: serverNow >= signedAt
          ? `Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(serverNow - window)} ` +
            `(${amzDate(serverNow)} - 15 min.)`
          : `Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(serverNow + window)} ` +
            `(${amzDate(serverNow)} + 15 min.)`
      })
      if (fault.dateHeader !== false) response.headers.date = new Date(serverNow).toUTCString()
      return response
    }
    default:
      return { status: 500, headers: {}, body: "" }
  }
}

/** Spoils the answer of a service that acted. */
const spoil = (fault: Fault, response: LocalResponse): LocalResponse => {
  switch (fault.kind) {
    case "reset":
      return { ...response, transport: { _tag: "Reset" } }
    case "delay":
      return { ...response, transport: { _tag: "Delay", millis: fault.millis } }
    case "truncate":
      return { ...response, transport: { _tag: "Truncate" } }
    case "contentType":
      return fault.body === "json"
        ? { ...response, headers: { ...response.headers, "content-type": "text/html; charset=utf-8" } }
        : {
          ...response,
          headers: { ...response.headers, "content-type": "text/html; charset=utf-8" },
          body: "<!DOCTYPE html><html><body><p>Welcome! Please sign in to continue.</p></body></html>"
        }
    default:
      return response
  }
}

/** A clock `offset` ms ahead of `base`. */
const shifted = (base: Clock.Clock, offset: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + offset,
  currentTimeMillis: Effect.map(base.currentTimeMillis, (t) => t + offset),
  unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos() + BigInt(offset) * 1_000_000n,
  currentTimeNanos: Effect.map(base.currentTimeNanos, (t) => t + BigInt(offset) * 1_000_000n),
  sleep: (duration) => base.sleep(duration)
})

/** Makes the fault injector of one service. Without a plan it breaks nothing and only logs. */
export const make = (initial: FaultPlan = {}): FaultInjector => {
  let plan = initial
  let random = seeded(plan.seed ?? 1)
  let used = new Map<FaultRule, number>()
  const attempts = new Map<string, number>()
  const entries: Array<LogEntry> = []
  let sequence = 0

  const maxEntries = () => Math.max(1, plan.maxLogEntries ?? 10_000)

  const nextAttempt = (key: string): number => {
    const n = (attempts.get(key) ?? 0) + 1
    attempts.delete(key)
    attempts.set(key, n)
    // Old calls are forgotten first; a Map iterates in insertion order.
    if (attempts.size > 4 * maxEntries()) {
      for (const oldest of attempts.keys()) {
        attempts.delete(oldest)
        if (attempts.size <= 2 * maxEntries()) break
      }
    }
    return n
  }

  const pick = (fault: Fault | ReadonlyArray<Fault>): Fault | undefined => {
    if (!Array.isArray(fault)) return fault as Fault
    const list = fault as ReadonlyArray<Fault>
    return list.length === 0 ? undefined : list[Math.min(list.length - 1, Math.floor(random() * list.length))]
  }

  const decide = (request: FaultRequest): Fault | undefined => {
    const decided = plan.decide?.(request)
    if (decided !== undefined) return decided
    for (const rule of plan.rules ?? []) {
      const operation = request.operation
      if (rule.operations !== undefined && (operation === undefined || !rule.operations.includes(operation))) continue
      if (rule.attempts !== undefined && !rule.attempts.includes(request.attempt)) continue
      const count = used.get(rule) ?? 0
      if (rule.times !== undefined && count >= rule.times) continue
      if (rule.rate !== undefined && random() >= rule.rate) continue
      const fault = pick(rule.fault)
      if (fault === undefined) continue
      used.set(rule, count + 1)
      return fault
    }
    return undefined
  }

  const record = (entry: LogEntry) => {
    entries.push(entry)
    // Trimmed in batches (at twice the limit, back to the limit), not one entry per request.
    if (entries.length >= 2 * maxEntries()) entries.splice(0, entries.length - maxEntries())
  }

  const apply: FaultInjector["apply"] = (request, operation, serve) =>
    Effect.clockWith((base) => {
      const offset = plan.clockOffsetMillis ?? 0
      const clock = offset === 0 ? base : shifted(base, offset)
      const now = clock.unsafeCurrentTimeMillis()
      const call = request.headers[callHeader]
      sequence += 1
      const faultRequest: FaultRequest = {
        request,
        operation,
        call,
        attempt: nextAttempt(call === undefined ? `operation:${operation ?? ""}` : `call:${call}`),
        sequence
      }
      const fault = decide(faultRequest)
      const queryAt = request.url.indexOf("?")
      const seen = {
        sequence,
        time: now,
        method: request.method,
        path: queryAt >= 0 ? request.url.slice(0, queryAt) : request.url,
        operation,
        call,
        attempt: faultRequest.attempt,
        fault
      }
      const noDate = plan.dateHeader === false || (fault?.kind === "skew" && fault.dateHeader === false)
      const withDate = (response: LocalResponse): LocalResponse => {
        if (noDate) delete response.headers.date
        else if (response.headers.date === undefined) response.headers.date = new Date(now).toUTCString()
        return response
      }
      if (fault !== undefined && !actsFirst(fault)) {
        record({ ...seen, acted: false, status: undefined, code: undefined })
        const response = fault.kind === "reset"
          ? { status: 500, headers: {}, body: "", transport: { _tag: "Reset" } as const }
          : answer(fault, request, now)
        return Effect.succeed(withDate(response))
      }
      const served = offset === 0 ? serve(request) : Effect.withClock(serve(request), clock)
      return Effect.map(served, (response) => {
        record({
          ...seen,
          acted: true,
          status: response.status,
          code: response.headers["x-amzn-errortype"]
        })
        return withDate(fault === undefined ? response : spoil(fault, response))
      })
    })

  return {
    apply,
    log: Effect.sync(() => entries.slice(Math.max(0, entries.length - maxEntries()))),
    setPlan: (next) =>
      Effect.sync(() => {
        plan = next
        random = seeded(next.seed ?? 1)
        used = new Map()
        attempts.clear()
      }),
    clear: Effect.sync(() => {
      entries.length = 0
      attempts.clear()
      sequence = 0
    })
  }
}
