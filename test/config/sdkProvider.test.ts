import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"

const get = Effect.flatMap(Credentials, (c) => c.get)

describe("fromSdkProvider", () => {
  it.effect("adapts an AWS SDK v3 provider function", () =>
    Effect.gen(function*() {
      const expiration = new Date(60 * 60_000)
      const credentials = yield* get.pipe(
        Effect.provide(CredentialProviders.fromSdkProvider(() =>
          Promise.resolve({
            accessKeyId: "ASIASDK",
            secretAccessKey: "sdk-secret",
            sessionToken: "sdk-token",
            expiration
          })
        ))
      )
      expect(credentials.accessKeyId).toBe("ASIASDK")
      expect(Redacted.isRedacted(credentials.secretAccessKey)).toBe(true)
      expect(Redacted.value(credentials.secretAccessKey)).toBe("sdk-secret")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("sdk-token")
      expect(credentials.expiration).toBe(expiration)
    }))

  it.effect("turns a rejection into a CredentialsError keeping the cause", () =>
    Effect.gen(function*() {
      const cause = Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError"
      })
      const error = yield* Effect.flip(get.pipe(
        Effect.provide(CredentialProviders.fromSdkProvider(() => Promise.reject(cause), { name: "sdk-chain" }))
      ))
      expect(error._tag).toBe("CredentialsError")
      expect(error.provider).toBe("sdk-chain")
      expect(error.message).toContain("Could not load credentials")
      expect(error.cause).toBe(cause)
    }))

  it.effect("rejects an identity without keys", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(get.pipe(
        Effect.provide(CredentialProviders.fromSdkProvider(() =>
          Promise.resolve({ accessKeyId: "", secretAccessKey: "x" })
        ))
      ))
      expect(error.message).toContain("accessKeyId")
    }))

  it.effect("caches, and calls the provider again near expiration", () =>
    Effect.gen(function*() {
      let calls = 0
      const layer = CredentialProviders.fromSdkProvider(() => {
        calls++
        return Promise.resolve({
          accessKeyId: `ASIA${calls}`,
          secretAccessKey: "s",
          expiration: new Date(calls * 15 * 60_000)
        })
      })
      yield* Effect.gen(function*() {
        expect((yield* get).accessKeyId).toBe("ASIA1")
        expect((yield* get).accessKeyId).toBe("ASIA1")
        yield* TestClock.adjust("10 minutes")
        expect((yield* get).accessKeyId).toBe("ASIA2")
        expect(calls).toBe(2)
      }).pipe(Effect.provide(layer))
    }))
})
