import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { type AwsCredentials, CredentialsError, make } from "../../src/Layer/Credentials.js"

const MINUTE = 60_000

/** A provider counting its calls; each call returns `AKID<n>` expiring `lifetime` ms later. */
const counting = (
  options: { lifetime?: number; delay?: Duration.DurationInput; failFrom?: number } = {}
) => {
  const state = { calls: 0 }
  const provider: Effect.Effect<AwsCredentials, CredentialsError> = Effect.gen(function*() {
    const call = ++state.calls
    if (options.delay !== undefined) yield* Effect.sleep(options.delay)
    if (options.failFrom !== undefined && call >= options.failFrom) {
      return yield* Effect.fail(new CredentialsError({ provider: "test", message: `call ${call} failed` }))
    }
    const now = yield* Clock.currentTimeMillis
    return make({
      accessKeyId: `AKID${call}`,
      secretAccessKey: "s",
      expiration: options.lifetime === undefined ? undefined : new Date(now + options.lifetime)
    })
  })
  return { state, provider }
}

describe("credential caching", () => {
  it.effect("keeps credentials until 5 minutes before they expire, then refreshes", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 15 * MINUTE })
      const get = yield* CredentialProviders.cached(provider)
      expect((yield* get).accessKeyId).toBe("AKID1")
      yield* TestClock.adjust("9 minutes")
      expect((yield* get).accessKeyId).toBe("AKID1")
      yield* TestClock.adjust("59 seconds")
      expect((yield* get).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(1)
      yield* TestClock.adjust("1 second")
      expect((yield* get).accessKeyId).toBe("AKID2")
      expect(state.calls).toBe(2)
    }))

  it.effect("honours a custom refresh window", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 15 * MINUTE })
      const get = yield* CredentialProviders.cached(provider, { refreshBefore: "1 minute" })
      yield* get
      yield* TestClock.adjust("13 minutes")
      yield* get
      expect(state.calls).toBe(1)
      yield* TestClock.adjust("1 minute")
      expect((yield* get).accessKeyId).toBe("AKID2")
    }))

  it.effect("keeps credentials without an expiration for good", () =>
    Effect.gen(function*() {
      const { provider, state } = counting()
      const get = yield* CredentialProviders.cached(provider)
      yield* get
      yield* TestClock.adjust("30 days")
      expect((yield* get).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(1)
    }))

  it.effect("refreshes short-lived credentials halfway through their life", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 2 * MINUTE })
      const get = yield* CredentialProviders.cached(provider)
      yield* get
      yield* TestClock.adjust("59 seconds")
      yield* get
      expect(state.calls).toBe(1)
      yield* TestClock.adjust("2 seconds")
      expect((yield* get).accessKeyId).toBe("AKID2")
    }))

  it.effect("lets 50 concurrent gets share one refresh", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 15 * MINUTE, delay: "1 second" })
      const get = yield* CredentialProviders.cached(provider)
      const fifty = Effect.all(Array.from({ length: 50 }, () => get), { concurrency: "unbounded" })
      const first = yield* Effect.fork(fifty)
      yield* TestClock.adjust("500 millis")
      // All 50 are now waiting on the one refresh in flight.
      expect(Option.isNone(yield* Fiber.poll(first))).toBe(true)
      expect(state.calls).toBe(1)
      yield* TestClock.adjust("500 millis")
      const firstResults = yield* Fiber.join(first)
      expect(state.calls).toBe(1)
      expect(new Set(firstResults.map((c) => c.accessKeyId))).toEqual(new Set(["AKID1"]))

      yield* TestClock.adjust("10 minutes")
      const second = yield* Effect.fork(fifty)
      yield* TestClock.adjust("1 second")
      const secondResults = yield* Fiber.join(second)
      expect(state.calls).toBe(2)
      expect(new Set(secondResults.map((c) => c.accessKeyId))).toEqual(new Set(["AKID2"]))
    }))

  it.effect("keeps still-valid credentials when a refresh fails, and fails once they expire", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 15 * MINUTE, failFrom: 2 })
      const get = yield* CredentialProviders.cached(provider)
      yield* get
      yield* TestClock.adjust("11 minutes")
      expect((yield* get).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(2)
      // A failed refresh is not retried on every call...
      expect((yield* get).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(2)
      // ...but after a pause.
      yield* TestClock.adjust("31 seconds")
      expect((yield* get).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(3)
      yield* TestClock.adjust("4 minutes")
      const error = yield* Effect.flip(get)
      expect(error.message).toBe("call 4 failed")
    }))

  it.effect("retries after a failure when nothing is cached", () =>
    Effect.gen(function*() {
      let calls = 0
      const provider = Effect.suspend(() =>
        ++calls === 1
          ? Effect.fail(new CredentialsError({ provider: "test", message: "first call fails" }))
          : Effect.succeed(make({ accessKeyId: "AKIDLATER", secretAccessKey: "s" }))
      )
      const get = yield* CredentialProviders.cached(provider)
      expect((yield* Effect.flip(get)).message).toBe("first call fails")
      expect((yield* get).accessKeyId).toBe("AKIDLATER")
      expect(calls).toBe(2)
    }))

  it.effect("does not cancel a shared refresh when one waiting caller is interrupted", () =>
    Effect.gen(function*() {
      const { provider, state } = counting({ lifetime: 15 * MINUTE, delay: "1 second" })
      const get = yield* CredentialProviders.cached(provider)
      const a = yield* Effect.fork(get)
      const b = yield* Effect.fork(get)
      yield* TestClock.adjust("100 millis")
      yield* Fiber.interrupt(a)
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(b)).accessKeyId).toBe("AKID1")
      expect(state.calls).toBe(1)
    }))
})
