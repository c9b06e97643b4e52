/**
 * The local AmplifyBackend's fault plan, one test per kind of fault: what the client reports
 * (the typed error, its `$metadata`, `outcomeUnknown`) and whether the service acted, seen in
 * its request log and its state. Retries are off unless a test says otherwise, so each fault is
 * reported as it is. Then the plan itself: by operation, by attempt, at random, at most N times.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import * as Client from "../src/Layer/Client.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"
import * as Retry from "../src/Layer/Retry.js"
import * as Faults from "../src/Local/Faults.js"
import * as Local from "../src/Local/Local.js"
import * as Errors from "../src/Schema/Errors.js"
import type { ResponseMetadata } from "../src/Schema/Metadata.js"

const hour = 60 * 60 * 1000
const app = { AppId: "app", AppName: "app", BackendEnvironmentName: "dev" }

const local = (plan: Faults.FaultPlan, retry: Retry.RetryOptions = { mode: "off" }) =>
  Local.layer({ jobDurationMillis: 0, seed: 1, faults: plan }).pipe(Layer.provide(Retry.layer(retry)))

const always = (fault: Faults.Fault): Faults.FaultPlan => ({ rules: [{ fault, operations: ["CreateToken"] }] })

const service = Local.LocalAmplifyBackend
const createToken = Effect.flatMap(AmplifyBackend, (amplify) => amplify.createToken({ AppId: app.AppId }))
const clockOffset = Effect.flatMap(Client.Client, (client) => client.clockOffset)

/** Creates the app (straight through the handlers: not logged, never faulted). */
const setup = Effect.flatMap(service, (s) => s.backend.handlers.CreateBackend(app))

/** One CreateToken call: what the client reported, what the service logged, and its state after. */
const createOnce = Effect.gen(function*() {
  yield* setup
  const result = yield* Effect.either(createToken)
  const s = yield* service
  const log = yield* s.faults.log
  const sessions = (yield* s.backend.snapshot).apps[0]!.liveSessions
  return { result, log, sessions }
})

/** The `$metadata` of an error that carries one (every error here but a ValidationError). */
const metadataOf = (error: unknown) => (error as { readonly $metadata: ResponseMetadata }).$metadata

const errorOf = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe("answers in place of the service (it does not act)", () => {
  it.effect("throttle: TooManyRequestsException, the model's own", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toBeInstanceOf(Errors.TooManyRequestsException)
      expect(error).toMatchObject({ LimitType: "requests", $fault: "client" })
      expect(metadataOf(error)).toMatchObject({ httpStatusCode: 429, attempts: 1, totalRetryDelay: 0 })
      expect(metadataOf(error).requestId).toBeDefined()
      expect(log).toMatchObject([{ operation: "CreateToken", attempt: 1, acted: false, status: undefined }])
      expect(sessions).toBe(0)
    }).pipe(Effect.provide(local(always({ kind: "throttle" })))))

  it.effect("throttle: ThrottlingException, not modelled: a ServiceError with its code", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* createOnce
      expect(errorOf(result)).toMatchObject({
        _tag: "ServiceError",
        code: "ThrottlingException",
        message: "Rate exceeded",
        $fault: "client",
        $metadata: { httpStatusCode: 429, attempts: 1 }
      })
      expect(sessions).toBe(0)
    }).pipe(Effect.provide(local(always({ kind: "throttle", code: "ThrottlingException" })))))

  it.effect("throttle: a bare 429, no code: a ServiceError coded by the status", () =>
    Effect.gen(function*() {
      const { result } = yield* createOnce
      expect(errorOf(result)).toMatchObject({
        _tag: "ServiceError",
        code: "429",
        message: "HTTP 429 with no error code",
        $metadata: { httpStatusCode: 429 }
      })
    }).pipe(Effect.provide(local(always({ kind: "throttle", code: "none" })))))

  for (const status of [500, 502, 503, 504] as const) {
    for (const body of ["html", "empty"] as const) {
      it.effect(`serverError: ${status} with ${body === "html" ? "an HTML page" : "an empty body"}`, () =>
        Effect.gen(function*() {
          const { result, log, sessions } = yield* createOnce
          const error = errorOf(result)
          expect(error).toMatchObject({
            _tag: "ServiceError",
            code: String(status),
            $fault: "server",
            $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 }
          })
          expect(error.message).toMatch(
            body === "html"
              ? new RegExp(`^HTTP ${status} with a body that is not a JSON object: <html>`)
              : /with no error code$/
          )
          expect(log[0]!.acted).toBe(false)
          expect(sessions).toBe(0)
        }).pipe(Effect.provide(local(always({ kind: "serverError", status, body })))))
    }
  }

  it.effect("gatewayTimeout: GatewayTimeoutException, the model's own, a server fault", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toBeInstanceOf(Errors.GatewayTimeoutException)
      expect(error).toMatchObject({ $fault: "server", $metadata: { httpStatusCode: 504, attempts: 1 } })
      expect(sessions).toBe(0)
    }).pipe(Effect.provide(local(always({ kind: "gatewayTimeout" })))))

  it.effect("error: any JSON error, here AccessDeniedException", () =>
    Effect.gen(function*() {
      const { result } = yield* createOnce
      expect(errorOf(result)).toMatchObject({
        _tag: "ServiceError",
        code: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 403 }
      })
    }).pipe(Effect.provide(local(always({ kind: "error", status: 403, code: "AccessDeniedException" })))))

  it.effect("reset before the service acts: TransportError, outcome unknown to the client, nothing applied", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: true })
      expect(metadataOf(error)).toEqual({ attempts: 1, totalRetryDelay: 0 })
      expect(error.message).toMatch(/ECONNRESET/)
      expect(log[0]).toMatchObject({ acted: false })
      expect(sessions).toBe(0)
    }).pipe(Effect.provide(local(always({ kind: "reset", when: "before" })))))

  it.effect("skew (Date header): the client trusts it, retries, and is refused by the true clock", () =>
    Effect.gen(function*() {
      // Standard retries: the lying answer moves the client's clock an hour ahead; its one
      // clock-skew retry is then refused by the service's true clock, which moves it back.
      const { result, log, sessions } = yield* createOnce
      expect(errorOf(result)).toMatchObject({
        _tag: "ServiceError",
        code: "InvalidSignatureException",
        $metadata: { httpStatusCode: 403, attempts: 2, totalRetryDelay: 0 }
      })
      // The retry was signed an hour ahead of the service's true clock.
      expect(errorOf(result).message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/)
      expect(log.map((e) => [e.fault?.kind, e.acted, e.code])).toEqual([
        ["skew", false, undefined],
        [undefined, true, "InvalidSignatureException"]
      ])
      expect(yield* clockOffset).toBe(0)
      expect(sessions).toBe(0)
      // The next call signs right the first time.
      yield* (yield* service).faults.setPlan({})
      expect((yield* createToken).$metadata.attempts).toBe(1)
    }).pipe(Effect.provide(local({ rules: [{ fault: { kind: "skew" }, times: 1 }] }, {}))))

  it.effect("skew (message only): the offset is read from the message", () =>
    Effect.gen(function*() {
      const { result } = yield* createOnce
      expect(errorOf(result)).toMatchObject({ _tag: "ServiceError", code: "InvalidSignatureException" })
      expect(yield* clockOffset).toBe(3 * hour)
    }).pipe(Effect.provide(local(always({ kind: "skew", offsetMillis: 3 * hour, dateHeader: false })))))

  it.effect("skew behind (message only): \"not yet current\", and the offset is read from it", () =>
    Effect.gen(function*() {
      const { result } = yield* createOnce
      expect(errorOf(result).message).toMatch(/^Signature not yet current: /)
      expect(yield* clockOffset).toBe(-3 * hour)
    }).pipe(Effect.provide(local(always({ kind: "skew", offsetMillis: -3 * hour, dateHeader: false })))))
})

describe("the service acts, then its answer is spoiled", () => {
  it.effect("reset after it acted: TransportError, outcome unknown, and the token was created", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: true })
      expect(metadataOf(error)).toEqual({ attempts: 1, totalRetryDelay: 0 })
      expect(log[0]).toMatchObject({ acted: true, status: 200 })
      expect(sessions).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "reset", when: "after" })))))

  it.live("delay past the attempt timeout: TimeoutError (attempt), outcome unknown, applied", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const { result, log, sessions } = yield* createOnce
      expect(Date.now() - started).toBeLessThan(1_000)
      const error = errorOf(result)
      expect(error).toMatchObject({ _tag: "TimeoutError", scope: "attempt", timeoutMillis: 50, outcomeUnknown: true })
      expect(metadataOf(error)).toEqual({ attempts: 1, totalRetryDelay: 0 })
      expect(log[0]).toMatchObject({ acted: true, status: 200 })
      expect(sessions).toBe(1)
    }).pipe(
      Effect.provide(local(always({ kind: "delay", millis: 5_000 }), { mode: "off", attemptTimeout: "50 millis" }))
    ))

  it.effect("delay within the timeout: just a slow success", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* createOnce
      expect(Either.isRight(result)).toBe(true)
      expect(sessions).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "delay", millis: 0 })))))

  it.effect("truncate: TransportError (ResponseBody) after a 200, outcome unknown, applied", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ResponseBody", outcomeUnknown: true })
      expect(metadataOf(error)).toMatchObject({ httpStatusCode: 200, attempts: 1 })
      expect(log[0]).toMatchObject({ acted: true, status: 200 })
      expect(sessions).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "truncate" })))))

  it.effect("contentType text/html with the JSON body: the client reads the body and succeeds", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* createOnce
      if (Either.isLeft(result)) throw new Error(String(result.left))
      expect(result.right.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 })
      const session = yield* (yield* service).backend.handlers.GetToken({
        AppId: app.AppId,
        SessionId: result.right.SessionId!
      })
      expect(session.ChallengeCode).toBe(result.right.ChallengeCode)
      expect(sessions).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "contentType", body: "json" })))))

  it.effect("contentType text/html with an HTML page: ResponseDecodeError after a 200, applied", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* createOnce
      const error = errorOf(result)
      expect(error).toMatchObject({ _tag: "ResponseDecodeError", $metadata: { httpStatusCode: 200, attempts: 1 } })
      expect(error._tag === "ResponseDecodeError" && error.bodyExcerpt).toMatch(/^<!DOCTYPE html>/)
      expect(sessions).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "contentType" })))))
})

const httpClients = [
  ["NodeHttpClient (the default)", undefined],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

describe.each(httpClients)("the transport faults over real loopback HTTP, %s", (_name, httpClient) => {
  const overLoopback = (fault: Faults.Fault, retry: Retry.RetryOptions = { mode: "off" }) =>
    Effect.gen(function*() {
      const server = yield* Local.serve({ jobDurationMillis: 0, faults: always(fault) })
      yield* server.local.backend.handlers.CreateBackend(app)
      // `Node.layer` resolves its retry policy itself (options over environment and profile).
      const client = Node.layer({
        endpoint: server.url,
        region: Local.defaultRegion,
        credentials: Local.defaultCredentials,
        retry,
        httpClient
      })
      const result = yield* Effect.either(createToken).pipe(Effect.provide(client))
      const log = yield* server.local.faults.log
      const sessions = (yield* server.local.backend.snapshot).apps[0]!.liveSessions
      // The client's connections went with its layer.
      for (let i = 0; i < 100 && (yield* server.stats).openConnections > 0; i++) yield* Effect.sleep("10 millis")
      return { result, log, sessions, stats: yield* server.stats }
    })

  it.scopedLive("reset before: TransportError (Transport), outcome unknown, not applied", () =>
    Effect.gen(function*() {
      const { result, sessions, stats } = yield* overLoopback({ kind: "reset", when: "before" })
      expect(errorOf(result)).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: true })
      expect(sessions).toBe(0)
      expect(stats.openConnections).toBe(0)
    }))

  it.scopedLive("reset after: TransportError (Transport), outcome unknown, applied", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* overLoopback({ kind: "reset", when: "after" })
      expect(errorOf(result)).toMatchObject({ _tag: "TransportError", reason: "Transport", outcomeUnknown: true })
      expect(metadataOf(errorOf(result))).toEqual({ attempts: 1, totalRetryDelay: 0 })
      expect(log[0]).toMatchObject({ acted: true, status: 200 })
      expect(sessions).toBe(1)
    }))

  it.scopedLive("truncate: TransportError (ResponseBody) after a 200, outcome unknown, applied", () =>
    Effect.gen(function*() {
      const { result, sessions } = yield* overLoopback({ kind: "truncate" })
      expect(errorOf(result).message).toMatch(/^CreateToken: the response body could not be read \(HTTP 200\) \(POST http/)
      expect(errorOf(result)).toMatchObject({
        _tag: "TransportError",
        reason: "ResponseBody",
        outcomeUnknown: true,
        $metadata: { httpStatusCode: 200, attempts: 1 }
      })
      expect(sessions).toBe(1)
    }))

  it.scopedLive("delay past the attempt timeout: TimeoutError, the server sees the client leave", () =>
    Effect.gen(function*() {
      const { result, sessions, stats } = yield* overLoopback(
        { kind: "delay", millis: 3_000 },
        { mode: "off", attemptTimeout: "200 millis" }
      )
      expect(errorOf(result)).toMatchObject({ _tag: "TimeoutError", scope: "attempt", outcomeUnknown: true })
      expect(sessions).toBe(1)
      expect(stats).toMatchObject({ openConnections: 0, abortedByClient: 1 })
    }))

  it.scopedLive("with retries on, a reset after acting is retried: two tokens, one reported", () =>
    Effect.gen(function*() {
      const { result, log, sessions } = yield* overLoopback({ kind: "reset", when: "after" }, {})
      // Every attempt is reset here: three attempts, three tokens, one TransportError.
      expect(errorOf(result)).toMatchObject({ _tag: "TransportError", $metadata: { attempts: 3 } })
      expect(log.map((e) => e.acted)).toEqual([true, true, true])
      expect(sessions).toBe(3)
    }))
})

describe("the plan", () => {
  const listBuckets = Effect.flatMap(AmplifyBackend, (amplify) => amplify.listS3Buckets({}))
  const log = Effect.flatMap(service, (s) => s.faults.log)

  it.effect("by operation: other operations go through", () =>
    Effect.gen(function*() {
      yield* setup
      expect(Either.isRight(yield* Effect.either(listBuckets))).toBe(true)
      expect(Either.isLeft(yield* Effect.either(createToken))).toBe(true)
      expect((yield* log).map((e) => [e.operation, e.fault?.kind])).toEqual([
        ["ListS3Buckets", undefined],
        ["CreateToken", "throttle"]
      ])
    }).pipe(Effect.provide(local(always({ kind: "throttle" })))))

  it.effect("by attempt: counted per operation, or per call when the call is tagged", () =>
    Effect.gen(function*() {
      yield* listBuckets
      yield* listBuckets
      yield* listBuckets.pipe(Faults.withCall("x"))
      yield* listBuckets.pipe(Faults.withCall("x"))
      expect((yield* log).map((e) => [e.call, e.attempt])).toEqual([
        [undefined, 1],
        [undefined, 2],
        ["x", 1],
        ["x", 2]
      ])
    }).pipe(Effect.provide(local({}))))

  it.effect("by attempt: only the listed attempts are broken", () =>
    Effect.gen(function*() {
      const results = yield* Effect.all(Array.from({ length: 4 }, () => Effect.either(listBuckets)))
      expect(results.map(Either.isLeft)).toEqual([false, true, false, true])
    }).pipe(Effect.provide(local({ rules: [{ fault: { kind: "throttle" }, attempts: [2, 4] }] }))))

  it.effect("at random: a seeded rate gives the same draws for the same seed", () =>
    Effect.gen(function*() {
      const draws = (seed: number) =>
        Effect.gen(function*() {
          for (let i = 0; i < 300; i++) yield* Effect.either(listBuckets)
          return (yield* log).map((e) => (e.fault === undefined ? "-" : Faults.label(e.fault))).join(",")
        }).pipe(Effect.provide(local({
          seed,
          rules: [{ fault: [{ kind: "throttle" }, { kind: "gatewayTimeout" }], rate: 0.2 }]
        })))
      const a = yield* draws(7)
      expect(yield* draws(7)).toBe(a)
      expect(yield* draws(8)).not.toBe(a)
      const faulted = a.split(",").filter((d) => d !== "-")
      expect(faulted.length).toBeGreaterThan(30)
      expect(faulted.length).toBeLessThan(90)
      expect(new Set(faulted)).toEqual(new Set(["throttle TooManyRequestsException", "gatewayTimeout"]))
    }))

  it.effect("at most `times`, and `decide` comes before the rules", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 5; i++) yield* Effect.either(listBuckets)
      expect((yield* log).map((e) => e.fault?.kind)).toEqual([
        "gatewayTimeout",
        "throttle",
        "throttle",
        undefined,
        undefined
      ])
    }).pipe(Effect.provide(local({
      decide: (r) => (r.sequence === 1 ? { kind: "gatewayTimeout" } : undefined),
      rules: [{ fault: { kind: "throttle" }, times: 2 }]
    }))))

  it.effect("the log: what arrived, what was done, bounded; setPlan and clear", () =>
    Effect.gen(function*() {
      yield* setup
      yield* Effect.either(createToken)
      yield* Effect.either(createToken)
      yield* Effect.either(Effect.flatMap(AmplifyBackend, (a) => a.getBackend({ AppId: "nope" })))
      const entries = yield* log
      expect(entries).toHaveLength(2)
      expect(entries[0]).toMatchObject({
        sequence: 2,
        method: "POST",
        path: "/backend/app/challenge",
        acted: true,
        status: 200
      })
      expect(entries[1]).toMatchObject({
        sequence: 3,
        operation: "GetBackend",
        acted: true,
        status: 404,
        code: "NotFoundException"
      })
      const s = yield* service
      yield* s.faults.setPlan({ rules: [{ fault: { kind: "throttle" } }] })
      expect(Either.isLeft(yield* Effect.either(listBuckets))).toBe(true)
      yield* s.faults.clear
      expect(yield* log).toEqual([])
    }).pipe(Effect.provide(local({ maxLogEntries: 2 }))))

  it("everyKind has one fault of each kind but the generic error, and labels tell them apart", () => {
    const kinds = Faults.everyKind({ delayMillis: 10 })
    expect(new Set(kinds.map((f) => f.kind))).toEqual(
      new Set(["throttle", "serverError", "gatewayTimeout", "reset", "delay", "truncate", "contentType", "skew"])
    )
    expect(new Set(kinds.map(Faults.label)).size).toBe(kinds.length)
  })
})
