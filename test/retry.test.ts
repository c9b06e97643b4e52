/**
 * The retry rules of the client, one test each, against the local AmplifyBackend with a fault
 * plan: what is retried and what is not, how many attempts, the backoff and its metadata, the
 * retry quota, schedules, adaptive mode, timeouts, interruption and clock skew.
 *
 * Most tests run in process under `TestClock` (`settle` moves it on until the call is done);
 * those that measure every sleep run under a virtual clock whose sleeps return at once and are
 * recorded; the interruption tests run over real loopback HTTP.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import * as AmplifyBackendModule from "../src/AmplifyBackend.js"
import { ConfigurationError } from "../src/ClientErrors.js"
import { AdaptiveRateLimiter } from "../src/internal/rateLimiter.js"
import { classify, RetryQuota } from "../src/internal/retry.js"
import * as Client from "../src/Layer/Client.js"
import * as Credentials from "../src/Layer/Credentials.js"
import * as Endpoint from "../src/Layer/Endpoint.js"
import * as Node from "../src/Layer/Node.js"
import * as Region from "../src/Layer/Region.js"
import * as Retry from "../src/Layer/Retry.js"
import * as SignerNode from "../src/Layer/SignerNode.js"
import * as Faults from "../src/Local/Faults.js"
import * as LocalHttpClient from "../src/Local/HttpClient.js"
import * as Local from "../src/Local/Local.js"

const hour = 60 * 60 * 1000

/** The in-process client and local service, with a fault plan and a retry policy. */
const local = (plan: Faults.FaultPlan = {}, retry: Retry.RetryOptions = {}, options: Local.Options = {}) =>
  Local.layer({ jobDurationMillis: 0, seed: 1, ...options, faults: plan }).pipe(Layer.provide(Retry.layer(retry)))

const requests = Effect.flatMap(Local.LocalAmplifyBackend, (service) => service.faults.log)
const quota = Effect.flatMap(Client.Client, (client) => client.retryQuota)
const clockOffset = Effect.flatMap(Client.Client, (client) => client.clockOffset)
const listBuckets = Effect.flatMap(AmplifyBackend, (amplify) => amplify.listS3Buckets({}))

/** Runs `effect` in a fiber and moves the `TestClock` on until it is done. */
const settle = <A, E, R>(effect: Effect.Effect<A, E, R>, step: Duration.DurationInput = "100 millis") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 100_000 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust(step)
    return yield* Fiber.join(fiber)
  })

/** A clock whose sleeps return at once, moving its time on, and are recorded. */
const virtualClock = (start = Date.UTC(2025, 0, 1)) => {
  let now = start
  const sleeps: Array<number> = []
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    currentTimeMillis: Effect.sync(() => now),
    unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    sleep: (duration) =>
      Effect.sync(() => {
        const millis = Duration.toMillis(duration)
        sleeps.push(millis)
        now += millis
      })
  }
  return { clock, sleeps }
}

/** The status of an error's last response, and its attempts. */
const metadataOf = (error: unknown) => (error as { $metadata: { attempts: number; httpStatusCode?: number } }).$metadata

/** Fails the first attempt of every call with `fault`, then lets it through. */
const once = (fault: Faults.Fault): Faults.FaultPlan => ({ rules: [{ fault, attempts: [1] }] })
const always = (fault: Faults.Fault): Faults.FaultPlan => ({ rules: [{ fault }] })

describe("retried: throttling", () => {
  const cases: ReadonlyArray<[string, Faults.Fault, string]> = [
    [
      "TooManyRequestsException (modelled, 429)",
      { kind: "throttle", code: "TooManyRequestsException" },
      "TooManyRequestsException"
    ],
    [
      "ThrottlingException (not modelled, 429)",
      { kind: "throttle", code: "ThrottlingException" },
      "ThrottlingException"
    ],
    ["a bare HTTP 429 with no error code", { kind: "throttle", code: "none" }, "429"]
  ]
  for (const [name, fault, code] of cases) {
    it.effect(`${name} is retried, and classified as throttling`, () =>
      Effect.gen(function*() {
        const output = yield* settle(listBuckets.pipe(Faults.withCall("c")))
        expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 })
        const log = yield* requests
        expect(log.map((e) => [e.attempt, e.fault?.kind])).toEqual([[1, "throttle"], [2, undefined]])
        const error = yield* Effect.flip(listBuckets).pipe(Effect.provide(local(always(fault), { mode: "off" })))
        expect(error._tag === "ServiceError" ? error.code : error._tag).toBe(code)
        expect(classify(error)).toBe("throttling")
      }).pipe(Effect.provide(local(once(fault)))))
  }
})

describe("retried: server faults", () => {
  for (const status of [500, 502, 503, 504] as const) {
    for (const body of ["html", "empty"] as const) {
      it.effect(`HTTP ${status} with ${body === "html" ? "an HTML" : "an empty"} body is retried`, () =>
        Effect.gen(function*() {
          const output = yield* settle(listBuckets)
          expect(output.$metadata.attempts).toBe(2)
          const first = (yield* requests)[0]!
          expect(first.fault).toEqual({ kind: "serverError", status, body })
          expect(first.acted).toBe(false)
        }).pipe(Effect.provide(local(once({ kind: "serverError", status, body })))))
    }
  }

  it.effect("GatewayTimeoutException (modelled, 504) is retried", () =>
    Effect.gen(function*() {
      const output = yield* settle(listBuckets)
      expect(output.$metadata).toMatchObject({ attempts: 2, httpStatusCode: 200 })
      const error = yield* Effect.flip(listBuckets).pipe(
        Effect.provide(local(always({ kind: "gatewayTimeout" }), { mode: "off" }))
      )
      expect(error._tag).toBe("GatewayTimeoutException")
      expect(classify(error)).toBe("transient")
    }).pipe(Effect.provide(local(once({ kind: "gatewayTimeout" })))))
})

describe("retried: transport faults", () => {
  for (const when of ["before", "after"] as const) {
    it.effect(`a connection reset ${when} the service acted is retried`, () =>
      Effect.gen(function*() {
        const output = yield* settle(listBuckets)
        expect(output.$metadata.attempts).toBe(2)
        expect((yield* requests).map((e) => e.acted)).toEqual([when === "after", true])
      }).pipe(Effect.provide(local(once({ kind: "reset", when })))))
  }

  it.effect("an attempt timeout is retried, and its retry costs 10 quota tokens", () =>
    Effect.gen(function*() {
      const output = yield* settle(listBuckets)
      expect(output.$metadata.attempts).toBe(2)
      // The success gave back the 10 its retry took.
      expect(yield* quota).toBe(500)
      const exhausted = local(always({ kind: "delay", millis: 10_000 }), { attemptTimeout: "1 second", maxAttempts: 2 })
      const timedOut = yield* settle(Effect.flip(listBuckets).pipe(Effect.zip(quota))).pipe(Effect.provide(exhausted))
      expect(timedOut[0]).toMatchObject({ _tag: "TimeoutError", scope: "attempt", outcomeUnknown: true })
      expect(metadataOf(timedOut[0]).attempts).toBe(2)
      expect(timedOut[1]).toBe(490)
      const failed = local(always({ kind: "serverError", status: 503, body: "empty" }), { maxAttempts: 2 })
      const spent = yield* settle(Effect.flip(listBuckets).pipe(Effect.zipRight(quota))).pipe(Effect.provide(failed))
      expect(spent).toBe(495)
    }).pipe(Effect.provide(local(once({ kind: "delay", millis: 10_000 }), { attemptTimeout: "1 second" }))))
})

describe("never retried", () => {
  it.effect("BadRequestException", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const env = { AppId: "app", BackendEnvironmentName: "dev", AppName: "app" }
      yield* amplify.createBackend(env)
      const error = yield* settle(Effect.flip(amplify.createBackend(env)))
      expect(error._tag).toBe("BadRequestException")
      expect(metadataOf(error)).toMatchObject({ attempts: 1, httpStatusCode: 400, totalRetryDelay: 0 })
      expect((yield* requests).length).toBe(2)
    }).pipe(Effect.provide(local())))

  it.effect("NotFoundException", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const error = yield* settle(Effect.flip(amplify.getBackend({ AppId: "missing" })))
      expect(error._tag).toBe("NotFoundException")
      expect(metadataOf(error)).toMatchObject({ attempts: 1, httpStatusCode: 404 })
      expect((yield* requests).length).toBe(1)
    }).pipe(Effect.provide(local())))

  it.effect("ValidationError: no request is sent at all", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const error = yield* Effect.flip(amplify.getBackend({ AppId: 42 } as unknown as { AppId: string }))
      expect(error._tag).toBe("ValidationError")
      expect(yield* requests).toEqual([])
    }).pipe(Effect.provide(local())))

  it.effect("AccessDeniedException", () =>
    Effect.gen(function*() {
      const error = yield* settle(Effect.flip(listBuckets))
      expect(error).toMatchObject({ _tag: "ServiceError", code: "AccessDeniedException", $fault: "client" })
      expect(metadataOf(error).attempts).toBe(1)
      expect((yield* requests).length).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "error", status: 403, code: "AccessDeniedException" })))))

  it.effect("UnrecognizedClientException (an access key the service does not know)", () =>
    Effect.gen(function*() {
      const service = yield* Local.LocalAmplifyBackend
      const stranger = Layer.provideMerge(
        AmplifyBackendModule.layer,
        Client.layer.pipe(
          Layer.provide(
            Endpoint.layer(Local.inProcessEndpoint).pipe(Layer.provide(Region.layer("us-east-1")), Layer.orDie)
          ),
          Layer.provide(Credentials.layerStatic({ accessKeyId: "AKIDSTRANGER", secretAccessKey: "x" })),
          Layer.provide(SignerNode.layer),
          Layer.provide(LocalHttpClient.layer(service.handle))
        )
      )
      const error = yield* settle(Effect.flip(listBuckets).pipe(Effect.provide(stranger)))
      expect(error).toMatchObject({ _tag: "ServiceError", code: "UnrecognizedClientException" })
      expect(metadataOf(error).attempts).toBe(1)
      expect((yield* requests).length).toBe(1)
    }).pipe(Effect.provide(local())))
})

describe("attempts", () => {
  it.effect("at most 3 attempts by default", () =>
    Effect.gen(function*() {
      const error = yield* settle(Effect.flip(listBuckets))
      expect(error).toMatchObject({ _tag: "ServiceError", code: "503" })
      expect(metadataOf(error)).toMatchObject({ attempts: 3, httpStatusCode: 503 })
      expect((yield* requests).length).toBe(3)
    }).pipe(Effect.provide(local(always({ kind: "serverError", status: 503, body: "html" })))))

  it.effect("a clock-skew retry does not go beyond maxAttempts", () =>
    Effect.gen(function*() {
      // Two throttles, then the service's clock is found an hour ahead on the third and last attempt.
      const error = yield* settle(Effect.flip(listBuckets))
      expect(error).toMatchObject({ _tag: "ServiceError", code: "InvalidSignatureException" })
      expect(metadataOf(error).attempts).toBe(3)
      expect((yield* requests).length).toBe(3)
      // The offset was learned all the same (to the second of the Date header, after the backoff).
      expect(Math.abs((yield* clockOffset) - hour)).toBeLessThan(1000)
      expect((yield* listBuckets).$metadata.attempts).toBe(1)
    }).pipe(Effect.provide(local({
      clockOffsetMillis: hour,
      rules: [{ fault: { kind: "throttle" }, attempts: [1, 2], times: 2 }]
    }))))
})

describe("AWS_MAX_ATTEMPTS and AWS_RETRY_MODE", () => {
  it.effect("valid values", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) => Retry.fromEnvironment(env)
      expect(yield* read({})).toMatchObject({ mode: "standard", maxAttempts: 3 })
      expect(yield* read({ AWS_MAX_ATTEMPTS: "5" })).toMatchObject({ maxAttempts: 5 })
      expect(yield* read({ AWS_MAX_ATTEMPTS: " 1 " })).toMatchObject({ maxAttempts: 1 })
      expect(yield* read({ AWS_MAX_ATTEMPTS: "" })).toMatchObject({ maxAttempts: 3 })
      expect(yield* read({ AWS_RETRY_MODE: "adaptive" })).toMatchObject({ mode: "adaptive" })
      expect(yield* read({ AWS_RETRY_MODE: " Standard " })).toMatchObject({ mode: "standard" })
      expect(yield* read({ AWS_RETRY_MODE: "legacy" })).toMatchObject({ mode: "standard" })
      expect(yield* Retry.fromEnvironment({ AWS_MAX_ATTEMPTS: "4" }, { mode: "adaptive" })).toMatchObject({
        mode: "adaptive",
        maxAttempts: 4
      })
    }))

  it.effect("bad values are a ConfigurationError naming the setting", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[Record<string, string>, string]> = [
        [{ AWS_MAX_ATTEMPTS: "0" }, "AWS_MAX_ATTEMPTS"],
        [{ AWS_MAX_ATTEMPTS: "-2" }, "AWS_MAX_ATTEMPTS"],
        [{ AWS_MAX_ATTEMPTS: "2.5" }, "AWS_MAX_ATTEMPTS"],
        [{ AWS_MAX_ATTEMPTS: "three" }, "AWS_MAX_ATTEMPTS"],
        [{ AWS_MAX_ATTEMPTS: "Infinity" }, "AWS_MAX_ATTEMPTS"],
        [{ AWS_RETRY_MODE: "fast" }, "AWS_RETRY_MODE"],
        [{ AWS_RETRY_MODE: "off" }, "AWS_RETRY_MODE"]
      ]
      for (const [env, setting] of cases) {
        const error = yield* Effect.flip(Retry.fromEnvironment(env))
        expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigurationError)
        expect(error.setting).toBe(setting)
      }
      const bad = Retry.layerEnvironment({ AWS_MAX_ATTEMPTS: "many" })
      const exit = yield* Effect.exit(Layer.build(bad).pipe(Effect.scoped))
      expect(Exit.isFailure(exit)).toBe(true)
    }))

  it.effect("AWS_MAX_ATTEMPTS=5 gives five attempts", () =>
    Effect.gen(function*() {
      const error = yield* settle(Effect.flip(listBuckets))
      expect(metadataOf(error).attempts).toBe(5)
      expect((yield* requests).length).toBe(5)
    }).pipe(
      Effect.provide(
        Local.layer({ seed: 1, faults: always({ kind: "serverError", status: 500, body: "empty" }) }).pipe(
          Layer.provide(Retry.layerEnvironment({ AWS_MAX_ATTEMPTS: "5", AWS_RETRY_MODE: "standard" }))
        )
      )
    ))
})

describe("backoff", () => {
  it.effect("full jitter: each delay in [0, min(20 s, 100 ms × 2^(n-1))), totalRetryDelay their sum", () =>
    Effect.gen(function*() {
      const { clock, sleeps } = virtualClock()
      const ceilings = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 20000]
      const calls = 40
      const run = Effect.gen(function*() {
        const delays: Array<Array<number>> = []
        for (let i = 0; i < calls; i++) {
          const before = sleeps.length
          const error = yield* Effect.flip(listBuckets.pipe(Faults.withCall(`c${i}`)))
          // Under the virtual clock only the sleeps move time: the service saw the requests
          // exactly one delay apart (a delay of 0 is slept too, as a timer hop).
          const times = (yield* requests).filter((e) => e.call === `c${i}`).map((e) => e.time)
          const mine = times.slice(1).map((t, n) => t - times[n]!)
          expect(mine).toHaveLength(9)
          expect(sleeps.slice(before).filter((d) => d > 0)).toEqual(mine.filter((d) => d > 0))
          expect(metadataOf(error)).toMatchObject({ attempts: 10, totalRetryDelay: mine.reduce((a, b) => a + b, 0) })
          delays.push(mine)
        }
        return delays
      })
      const delays = yield* run.pipe(
        Effect.provide(
          local(always({ kind: "serverError", status: 502, body: "html" }), { maxAttempts: 10, quotaCapacity: 0 })
        ),
        Effect.withClock(clock)
      )
      for (const mine of delays) {
        mine.forEach((delay, n) => {
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThan(ceilings[n]!)
        })
      }
      // Jittered, not fixed: the delays of one step vary, and some come near the 20 s cap.
      for (let n = 0; n < 9; n++) expect(new Set(delays.map((s) => s[n])).size).toBeGreaterThan(calls / 4)
      expect(Math.max(...delays.map((s) => s[8]!))).toBeGreaterThan(15_000)
    }))

  it.effect("on success: attempts exact, totalRetryDelay the sum of the sleeps", () =>
    Effect.gen(function*() {
      const { clock, sleeps } = virtualClock()
      const output = yield* listBuckets.pipe(
        Effect.provide(local({ rules: [{ fault: { kind: "throttle" }, attempts: [1, 2, 3] }] }, { maxAttempts: 5 })),
        Effect.withClock(clock)
      )
      expect(sleeps.length).toBeLessThanOrEqual(3)
      expect(output.$metadata).toMatchObject({ attempts: 4, totalRetryDelay: sleeps.reduce((a, b) => a + b, 0) })
      expect(Math.max(0, ...sleeps)).toBeLessThan(400)
    }))

  it.effect("a first-attempt success: attempts 1, totalRetryDelay 0", () =>
    Effect.gen(function*() {
      const output = yield* listBuckets
      expect(output.$metadata).toMatchObject({ attempts: 1, totalRetryDelay: 0, httpStatusCode: 200 })
    }).pipe(Effect.provide(local())))
})

describe("retry quota", () => {
  it.effect("starts at 500; a retry takes 5; a retried success gives its 5 back; a clean one gives 1", () =>
    Effect.gen(function*() {
      expect(yield* quota).toBe(500)
      // Persistent 503 on the first call: two retries, 10 tokens.
      const error = yield* settle(Effect.flip(listBuckets.pipe(Faults.withCall("failing"))))
      expect(metadataOf(error).attempts).toBe(3)
      expect(yield* quota).toBe(490)
      // A 503 on the first attempt only: 5 taken, 5 given back.
      yield* settle(listBuckets.pipe(Faults.withCall("retried")))
      expect(yield* quota).toBe(490)
      // A clean success gives back 1.
      yield* listBuckets.pipe(Faults.withCall("clean"))
      expect(yield* quota).toBe(491)
    }).pipe(Effect.provide(local({
      decide: (r) =>
        r.call === "failing" || (r.call === "retried" && r.attempt === 1)
          ? { kind: "serverError", status: 503, body: "empty" }
          : undefined
    }))))

  it.effect("drained by retries: with the quota empty, a retryable failure is not retried", () =>
    Effect.gen(function*() {
      const { clock } = virtualClock()
      const run = Effect.gen(function*() {
        // 50 calls fail after 3 attempts: 50 × 2 retries × 5 tokens = 500.
        for (let i = 0; i < 50; i++) expect(metadataOf(yield* Effect.flip(listBuckets)).attempts).toBe(3)
        expect(yield* quota).toBe(0)
        const error = yield* Effect.flip(listBuckets)
        expect(metadataOf(error).attempts).toBe(1)
        expect((yield* requests).length).toBe(151)
      })
      yield* run.pipe(
        Effect.provide(local(always({ kind: "throttle", code: "ThrottlingException" }))),
        Effect.withClock(clock)
      )
    }))

  it("RetryQuota: costs 5 and 10, refunds, capacity 0 turns it off", () => {
    const q = new RetryQuota(12)
    expect(q.acquire("throttling")).toBe(5)
    expect(q.acquire("timeout")).toBeUndefined()
    expect(q.acquire("transient")).toBe(5)
    expect(q.tokens).toBe(2)
    q.release(5)
    expect(q.tokens).toBe(7)
    q.release(undefined)
    expect(q.tokens).toBe(8)
    expect(q.acquire("timeout")).toBeUndefined()
    q.release(10)
    expect(q.tokens).toBe(12)
    expect(new RetryQuota(0).acquire("timeout")).toBe(0)
  })
})

describe("schedules and modes", () => {
  const failing = always({ kind: "serverError", status: 500, body: "empty" })
  const everySecond4 = Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(4)))

  it.effect("a client-wide Schedule replaces the backoff and the limit, outside the quota", () =>
    Effect.gen(function*() {
      const { clock, sleeps } = virtualClock()
      const error = yield* Effect.flip(listBuckets).pipe(
        Effect.zip(quota),
        Effect.provide(local(failing, { schedule: everySecond4 })),
        Effect.withClock(clock)
      )
      expect(sleeps).toEqual([1000, 1000, 1000, 1000])
      expect(metadataOf(error[0])).toMatchObject({ attempts: 5, totalRetryDelay: 4000 })
      expect(error[1]).toBe(500)
    }))

  it.effect("a per-call Schedule (Retry.withPolicy) overrides the client's", () =>
    Effect.gen(function*() {
      const { clock, sleeps } = virtualClock()
      const perCall = Schedule.exponential("10 millis").pipe(Schedule.intersect(Schedule.recurs(2)))
      const [first, second, third] = yield* Effect.all([
        Effect.flip(listBuckets.pipe(Retry.withPolicy({ schedule: perCall }))),
        Effect.flip(listBuckets.pipe(Retry.withPolicy({ maxAttempts: 6 }))),
        Effect.flip(listBuckets)
      ]).pipe(
        Effect.provide(local(failing, { schedule: everySecond4 })),
        Effect.withClock(clock)
      )
      expect(metadataOf(first)).toMatchObject({ attempts: 3, totalRetryDelay: 30 })
      // `schedule: undefined` was not given: the client's schedule still applies, not maxAttempts.
      expect(metadataOf(second).attempts).toBe(5)
      expect(metadataOf(third).attempts).toBe(5)
      expect(sleeps.slice(0, 2)).toEqual([10, 20])
    }))

  it.effect("withPolicy({ schedule: undefined, maxAttempts }) goes back to the standard backoff", () =>
    Effect.gen(function*() {
      const { clock } = virtualClock()
      const standard = Retry.withPolicy({ schedule: undefined, maxAttempts: 6 })
      const error = yield* Effect.flip(listBuckets.pipe(standard)).pipe(
        Effect.provide(local(failing, { schedule: Schedule.recurs(1) })),
        Effect.withClock(clock)
      )
      expect(metadataOf(error).attempts).toBe(6)
    }))

  it.effect("mode off: one attempt (Retry.layerOff, or per call)", () =>
    Effect.gen(function*() {
      const off = yield* Effect.flip(listBuckets).pipe(
        Effect.provide(Local.layer({ seed: 1, faults: failing }).pipe(Layer.provide(Retry.layerOff)))
      )
      expect(metadataOf(off).attempts).toBe(1)
      const perCall = yield* Effect.flip(listBuckets.pipe(Retry.withPolicy({ mode: "off" }))).pipe(
        Effect.provide(local(failing))
      )
      expect(metadataOf(perCall).attempts).toBe(1)
      // And back on for one call of a client that has retries off.
      const on = yield* settle(Effect.flip(listBuckets.pipe(Retry.withPolicy({ mode: "standard" })))).pipe(
        Effect.provide(Local.layer({ seed: 1, faults: failing }).pipe(Layer.provide(Retry.layerOff)))
      )
      expect(metadataOf(on).attempts).toBe(3)
    }))
})

describe("adaptive mode", () => {
  it("the limiter does nothing until throttled, then lowers its rate", () => {
    const limiter = new AdaptiveRateLimiter(0)
    for (let i = 0; i < 40; i++) {
      expect(limiter.acquire(i * 0.05)).toBe(0)
      limiter.update(i * 0.05, false)
    }
    expect(limiter.rate).toBe(0)
    limiter.update(2, true)
    const throttledRate = limiter.rate
    expect(throttledRate).toBeGreaterThan(0)
    expect(throttledRate).toBeLessThan(20)
    // Successes at the same send rate raise it again along the cubic (capped at twice that rate).
    for (let t = 2.05; t < 10; t += 0.05) limiter.update(t, false)
    expect(limiter.rate).toBeGreaterThan(throttledRate)
  })

  it("concurrent acquires queue behind one another, a token's time apart", () => {
    const limiter = new AdaptiveRateLimiter(0)
    for (let i = 0; i < 40; i++) limiter.update(i * 0.05, false)
    limiter.update(2, true)
    const rate = limiter.rate
    // Six callers arrive at once. The first takes the token at hand, the second waits for the rest
    // of a token, and each after it one token's time (1 / rate) longer than the one before.
    const waits = [1, 2, 3, 4, 5, 6].map(() => limiter.acquire(2))
    expect(waits[0]).toBe(0)
    expect(waits[1]).toBeGreaterThan(0)
    for (let i = 2; i < waits.length; i++) expect(waits[i]! - waits[i - 1]!).toBeCloseTo(1 / rate, 6)
  })

  it.effect("after a throttle the client spaces its requests; in standard mode it does not", () =>
    Effect.gen(function*() {
      const gaps = (mode: "standard" | "adaptive") =>
        Effect.gen(function*() {
          const { clock } = virtualClock()
          return yield* Effect.gen(function*() {
            yield* listBuckets
            for (let i = 0; i < 6; i++) yield* listBuckets
            const log = yield* requests
            return log.slice(2).map((e, i) => e.time - log[i + 1]!.time)
          }).pipe(
            Effect.provide(local({ rules: [{ fault: { kind: "throttle" }, times: 1 }] }, { mode })),
            Effect.withClock(clock)
          )
        })
      const standard = yield* gaps("standard")
      const adaptive = yield* gaps("adaptive")
      expect(standard.every((gap) => gap === 0)).toBe(true)
      // Right after the throttle the rate is at its floor (0.5/s, then CUBIC growth): well spaced.
      expect(adaptive[0]).toBeGreaterThanOrEqual(500)
      expect(adaptive.every((gap) => gap >= 100)).toBe(true)
    }))

  it.effect("after a throttle, concurrent calls are let through one by one, not all together", () =>
    Effect.gen(function*() {
      yield* settle(listBuckets)
      const before = (yield* requests).length
      yield* settle(Effect.all(Array.from({ length: 6 }, () => listBuckets), { concurrency: "unbounded" }), "10 millis")
      const times = (yield* requests).slice(before).map((e) => e.time)
      expect(times).toHaveLength(6)
      // One by one, a token's time apart (the rate is near its floor after the throttle).
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100)
    }).pipe(Effect.provide(local({ rules: [{ fault: { kind: "throttle" }, times: 1 }] }, { mode: "adaptive" }))))
})

describe("timeouts", () => {
  it.effect("callTimeout bounds the whole call, retries included", () =>
    Effect.gen(function*() {
      const error = yield* settle(Effect.flip(listBuckets), "10 millis")
      expect(error).toMatchObject({ _tag: "TimeoutError", scope: "call", timeoutMillis: 2500, outcomeUnknown: true })
      const log = yield* requests
      expect(metadataOf(error).attempts).toBe(log.length)
      expect(log.length).toBe(3)
    }).pipe(Effect.provide(local(always({ kind: "delay", millis: 10_000 }), {
      attemptTimeout: "1 second",
      callTimeout: "2500 millis"
    }))))

  it.live("callTimeout without attemptTimeout: one held attempt, then the call's timeout", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(listBuckets)
      expect(error).toMatchObject({ _tag: "TimeoutError", scope: "call", outcomeUnknown: true })
      expect(metadataOf(error).attempts).toBe(1)
    }).pipe(Effect.provide(local(always({ kind: "delay", millis: 5_000 }), { callTimeout: "50 millis" }))))
})

describe("interrupting a call over real loopback aborts its HTTP request", () => {
  const waitFor = <A>(read: Effect.Effect<A>, done: (a: A) => boolean) =>
    Effect.gen(function*() {
      for (let i = 0; i < 200; i++) {
        const value = yield* read
        if (done(value)) return value
        yield* Effect.sleep("10 millis")
      }
      return yield* read
    })

  type Interrupt = <A, E, R>(call: Effect.Effect<A, E, R>) => Effect.Effect<unknown, unknown, R>
  const interruptions: ReadonlyArray<[string, Interrupt]> = [
    ["Effect.timeout", (call) => Effect.either(Effect.timeout(call, "100 millis"))],
    ["Effect.race", (call) => Effect.race(call, Effect.as(Effect.sleep("100 millis"), "late"))],
    ["Fiber.interrupt", (call) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(call)
        yield* Effect.sleep("100 millis")
        return yield* Fiber.interrupt(fiber)
      })]
  ]
  for (const [name, interrupt] of interruptions) {
    it.scopedLive(`by ${name}: the server sees the socket close, and the client can call again`, () =>
      Effect.gen(function*() {
        const server = yield* Local.serve({
          faults: { rules: [{ fault: { kind: "delay", millis: 5_000 }, times: 1 }] }
        })
        const client = Node.layer({
          endpoint: server.url,
          region: Local.defaultRegion,
          credentials: Local.defaultCredentials
        })
        yield* Effect.gen(function*() {
          const started = Date.now()
          yield* interrupt(listBuckets)
          expect(Date.now() - started).toBeLessThan(2_000)
          // The held response is still pending on the server: only the client can have closed it.
          const stats = yield* waitFor(server.stats, (s) => s.openConnections === 0)
          expect(stats).toMatchObject({ openConnections: 0, abortedByClient: 1, requests: 1 })
          expect(Date.now() - started).toBeLessThan(2_000)
          const output = yield* listBuckets
          expect(output.$metadata.attempts).toBe(1)
          expect((yield* server.stats).requests).toBe(2)
        }).pipe(Effect.provide(client))
        expect((yield* waitFor(server.stats, (s) => s.openConnections === 0)).openConnections).toBe(0)
      }))
  }
})

describe("clock skew", () => {
  it.effect("the service's clock an hour ahead: the call succeeds on its second attempt; the next signs right", () =>
    Effect.gen(function*() {
      const first = yield* listBuckets
      expect(first.$metadata).toMatchObject({ attempts: 2, totalRetryDelay: 0 })
      expect(yield* clockOffset).toBe(hour)
      const second = yield* listBuckets
      expect(second.$metadata.attempts).toBe(1)
      const log = yield* requests
      expect(log.map((e) => e.code)).toEqual(["InvalidSignatureException", undefined, undefined])
      // No quota is spent on a clock-skew retry.
      expect(yield* quota).toBe(500)
    }).pipe(Effect.provide(local({ clockOffsetMillis: hour }))))

  it.effect("50 calls refused for skew at the same moment all succeed, and agree on the offset", () =>
    Effect.gen(function*() {
      const outputs = yield* Effect.all(Array.from({ length: 50 }, () => listBuckets), { concurrency: "unbounded" })
      expect(outputs.map((o) => o.$metadata.attempts)).toEqual(Array(50).fill(2))
      expect(yield* clockOffset).toBe(hour)
      const log = yield* requests
      expect(log.filter((e) => e.code === "InvalidSignatureException")).toHaveLength(50)
      expect(log).toHaveLength(100)
      expect((yield* listBuckets).$metadata.attempts).toBe(1)
    }).pipe(Effect.provide(local({ clockOffsetMillis: hour }))))

  it.effect("without a Date header, the skew is read from the error message", () =>
    Effect.gen(function*() {
      const output = yield* listBuckets
      expect(output.$metadata.attempts).toBe(2)
      expect(yield* clockOffset).toBe(-2 * hour)
      expect((yield* requests).every((e) => e.time === -2 * hour)).toBe(true)
    }).pipe(Effect.provide(local({ clockOffsetMillis: -2 * hour, dateHeader: false }))))

  it.effect("with retries off, the offset is still learned: the next call succeeds", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(listBuckets)
      expect(error).toMatchObject({ _tag: "ServiceError", code: "InvalidSignatureException" })
      expect(metadataOf(error).attempts).toBe(1)
      expect(yield* clockOffset).toBe(hour)
      expect((yield* listBuckets).$metadata.attempts).toBe(1)
    }).pipe(Effect.provide(local({ clockOffsetMillis: hour }, { mode: "off" }))))

  it.effect("a small difference (under 5 minutes) is not corrected, and a refusal then is not retried", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(listBuckets)
      expect(error).toMatchObject({ _tag: "ServiceError", code: "InvalidSignatureException" })
      expect(metadataOf(error).attempts).toBe(1)
      expect(yield* clockOffset).toBe(0)
    }).pipe(Effect.provide(local(always({ kind: "skew", offsetMillis: 2 * 60 * 1000 })))))
})

describe("the tagging HttpClient", () => {
  it.scopedLive("sends the call's tag over loopback, so the plan counts attempts per call", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve({ faults: once({ kind: "throttle" }) })
      const tagged = Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, Faults.tagging)).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
      const client = Node.layer({
        endpoint: server.url,
        region: Local.defaultRegion,
        credentials: Local.defaultCredentials,
        httpClient: tagged
      })
      const outputs = yield* Effect.all([
        listBuckets.pipe(Faults.withCall("a")),
        listBuckets.pipe(Faults.withCall("b"))
      ]).pipe(Effect.provide(client))
      expect(outputs.map((o) => o.$metadata.attempts)).toEqual([2, 2])
      const log = yield* server.local.faults.log
      expect(log.map((e) => [e.call, e.attempt, e.fault?.kind])).toEqual([
        ["a", 1, "throttle"],
        ["a", 2, undefined],
        ["b", 1, "throttle"],
        ["b", 2, undefined]
      ])
    }))
})
