/**
 * Caching of temporary credentials.
 *
 * Credentials are kept until `refreshBefore` (5 minutes by default) ahead of their
 * `Expiration`; credentials without one are kept for good. Concurrent `get`s that find the
 * cache stale share a single refresh, run on its own fiber so that interrupting one caller does
 * not cancel it for the others. When a refresh fails while the cached credentials are still
 * valid, the old ones are returned and the next refresh is tried after a short pause.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Ref from "effect/Ref"
import type { AwsCredentials, CredentialsError } from "../../Layer/Credentials.js"

/** How long to keep serving still-valid credentials after a failed refresh before trying again. */
const RETRY_PAUSE_MILLIS = 30_000

interface Entry {
  readonly credentials: AwsCredentials
  readonly refreshAt: number
  readonly expiresAt: number
}

interface State {
  readonly entry: Entry | undefined
  readonly inflight: Deferred.Deferred<AwsCredentials, CredentialsError> | undefined
  readonly retryAfter: number
}

type Decision =
  | { readonly _tag: "Hit"; readonly credentials: AwsCredentials }
  | { readonly _tag: "Wait"; readonly deferred: Deferred.Deferred<AwsCredentials, CredentialsError> }
  | { readonly _tag: "Start"; readonly deferred: Deferred.Deferred<AwsCredentials, CredentialsError> }

/**
 * When to refresh: `refreshBefore` ahead of expiry, or halfway to expiry for credentials that
 * arrive with less life than that left.
 */
const entryOf = (credentials: AwsCredentials, now: number, refreshBefore: number): Entry => {
  const expiresAt = credentials.expiration === undefined ? Infinity : credentials.expiration.getTime()
  const early = expiresAt - refreshBefore
  const refreshAt = early > now ? early : now + (expiresAt - now) / 2
  return { credentials, refreshAt, expiresAt }
}

/** Wraps a provider in a cache; the returned effect is the cached `get`. */
export const make = <R>(
  provider: Effect.Effect<AwsCredentials, CredentialsError, R>,
  refreshBefore: Duration.DurationInput = "5 minutes"
): Effect.Effect<Effect.Effect<AwsCredentials, CredentialsError>, never, R> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<R>()
    const fetch = Effect.provide(provider, context)
    const window = Duration.toMillis(Duration.decode(refreshBefore))
    const state = yield* Ref.make<State>({ entry: undefined, inflight: undefined, retryAfter: 0 })

    const refresh = (deferred: Deferred.Deferred<AwsCredentials, CredentialsError>) =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(fetch)
        const now = yield* Clock.currentTimeMillis
        type Outcome = Exit.Exit<AwsCredentials, CredentialsError>
        const outcome = yield* Ref.modify(state, (s): [Outcome, State] => {
          if (Exit.isSuccess(exit)) {
            const entry = entryOf(exit.value, now, window)
            return [exit, { entry, inflight: undefined, retryAfter: 0 }]
          }
          if (s.entry !== undefined && now < s.entry.expiresAt) {
            return [
              Exit.succeed(s.entry.credentials),
              { entry: s.entry, inflight: undefined, retryAfter: now + RETRY_PAUSE_MILLIS }
            ]
          }
          return [exit, { entry: s.entry, inflight: undefined, retryAfter: 0 }]
        })
        yield* Deferred.done(deferred, outcome)
      })

    const get: Effect.Effect<AwsCredentials, CredentialsError> = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const fiberId = yield* Effect.fiberId
        const decision = yield* Ref.modify(state, (s): [Decision, State] => {
          const entry = s.entry
          const pausing = entry !== undefined && now < entry.expiresAt && now < s.retryAfter
          if (entry !== undefined && (now < entry.refreshAt || pausing)) {
            return [{ _tag: "Hit", credentials: entry.credentials }, s]
          }
          if (s.inflight !== undefined) return [{ _tag: "Wait", deferred: s.inflight }, s]
          const deferred = Deferred.unsafeMake<AwsCredentials, CredentialsError>(fiberId)
          return [{ _tag: "Start", deferred }, { ...s, inflight: deferred }]
        })
        switch (decision._tag) {
          case "Hit":
            return decision.credentials
          case "Wait":
            return yield* restore(Deferred.await(decision.deferred))
          case "Start":
            yield* Effect.forkDaemon(refresh(decision.deferred))
            return yield* restore(Deferred.await(decision.deferred))
        }
      })
    )
    return get
  })
