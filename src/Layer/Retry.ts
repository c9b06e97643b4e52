/**
 * How a client retries and times out, as a service.
 *
 * The default is the AWS "standard" retry mode: at most 3 attempts, exponential backoff with
 * full jitter (base 100 ms, cap 20 s), and a retry quota shared by every call of a client (500
 * tokens; a retry costs 5, a retry after a timeout 10; a success gives back what its retry took,
 * or 1). "adaptive" adds a client-side rate limiter that slows down after throttling. Any Effect
 * `Schedule` can replace the backoff, per client (`layer`) or per call (`withPolicy`).
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import { ConfigurationError } from "../ClientErrors.js"

/** What a retry schedule or predicate sees of a failed attempt. */
export interface RetryInput {
  /** The error of the attempt that failed. */
  readonly error: { readonly _tag: string }
  /** Why it may be retried: throttling, a transient fault, a timeout, or a skewed clock. */
  readonly kind: RetryKind | undefined
  /** The number of the attempt that failed (1 for the first). */
  readonly attempt: number
}

export type RetryKind = "throttling" | "transient" | "timeout" | "clockSkew"

export interface RetryPolicy {
  /** `standard` (default), `adaptive`, or `off` (one attempt). */
  readonly mode: "standard" | "adaptive" | "off"
  /** Attempts in all, the first included. Default 3. */
  readonly maxAttempts: number
  /** First backoff step. Default 100 ms. */
  readonly baseDelay: Duration.Duration
  /** Largest backoff. Default 20 s. */
  readonly maxBackoff: Duration.Duration
  /**
   * Replaces the backoff and the attempt limit: the schedule is stepped once per failed attempt
   * that may be retried; when it stops, so do the retries. The retry quota does not apply.
   */
  readonly schedule?: Schedule.Schedule<unknown, RetryInput> | undefined
  /** Which failures to retry. Default: throttling, transient faults, timeouts (see README). */
  readonly retryable?: ((input: RetryInput) => boolean) | undefined
  /** A limit on each attempt; a timed-out attempt may be retried. Default none. */
  readonly attemptTimeout?: Duration.Duration | undefined
  /** A limit on the whole call, retries included. Default none. */
  readonly callTimeout?: Duration.Duration | undefined
  /** Retry quota size; 0 turns the quota off. Default 500. */
  readonly quotaCapacity: number
}

export type RetryOptions = {
  readonly [K in keyof RetryPolicy]?: K extends "baseDelay" | "maxBackoff" | "attemptTimeout" | "callTimeout"
    ? Duration.DurationInput | undefined
    : RetryPolicy[K] | undefined
}

/** The AWS standard retry mode. */
export const defaults: RetryPolicy = {
  mode: "standard",
  maxAttempts: 3,
  baseDelay: Duration.millis(100),
  maxBackoff: Duration.seconds(20),
  quotaCapacity: 500
}

/** Merges options over a policy. */
export const merge = (base: RetryPolicy, options: RetryOptions): RetryPolicy => {
  const duration = (d: Duration.DurationInput | undefined, fallback: Duration.Duration | undefined) =>
    d === undefined ? fallback : Duration.decode(d)
  return {
    mode: options.mode ?? base.mode,
    maxAttempts: options.maxAttempts ?? base.maxAttempts,
    baseDelay: duration(options.baseDelay, base.baseDelay)!,
    maxBackoff: duration(options.maxBackoff, base.maxBackoff)!,
    schedule: "schedule" in options ? options.schedule : base.schedule,
    retryable: options.retryable ?? base.retryable,
    attemptTimeout: duration(options.attemptTimeout, base.attemptTimeout),
    callTimeout: duration(options.callTimeout, base.callTimeout),
    quotaCapacity: options.quotaCapacity ?? base.quotaCapacity
  }
}

/** The retry policy of a client. Without this service in context, `defaults` apply. */
export class Retry extends Context.Tag("amplifybackend/Retry")<Retry, RetryPolicy>() {}

/** Whether a policy's numbers are usable. */
export const isValid = (policy: RetryPolicy): boolean =>
  Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1 &&
  Number.isInteger(policy.quotaCapacity) && policy.quotaCapacity >= 0

/** Checks a policy's numbers: whole attempts of at least 1, a quota of at least 0. */
export const validate = (policy: RetryPolicy): Effect.Effect<RetryPolicy, ConfigurationError> => {
  const problem = !Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1
    ? ["maxAttempts", `maxAttempts must be a whole number of at least 1, not ${policy.maxAttempts}`]
    : !Number.isInteger(policy.quotaCapacity) || policy.quotaCapacity < 0
    ? ["quotaCapacity", `quotaCapacity must be a whole number of at least 0, not ${policy.quotaCapacity}`]
    : undefined
  return problem === undefined
    ? Effect.succeed(policy)
    : Effect.fail(new ConfigurationError({ setting: `retry.${problem[0]}`, message: problem[1]! }))
}

/** A client-wide retry policy; invalid numbers are a `ConfigurationError`. */
export const layer = (options: RetryOptions): Layer.Layer<Retry, ConfigurationError> =>
  Layer.effect(Retry, validate(merge(defaults, options)))

/** Turns retries off for a client: every call makes one attempt. */
export const layerOff: Layer.Layer<Retry> = Layer.succeed(Retry, merge(defaults, { mode: "off" }))

/** Reads `AWS_RETRY_MODE` (standard, adaptive, legacy = standard) and `AWS_MAX_ATTEMPTS`. */
export const fromEnvironment = (
  env: Record<string, string | undefined> = process.env,
  base: RetryOptions = {}
): Effect.Effect<RetryPolicy, ConfigurationError> =>
  Effect.suspend(() => {
    const options: { mode?: RetryPolicy["mode"]; maxAttempts?: number } = {}
    const mode = env.AWS_RETRY_MODE?.trim().toLowerCase()
    if (mode !== undefined && mode !== "") {
      if (mode !== "standard" && mode !== "adaptive" && mode !== "legacy") {
        return Effect.fail(
          new ConfigurationError({
            setting: "AWS_RETRY_MODE",
            message: `AWS_RETRY_MODE must be standard, adaptive or legacy, not ${JSON.stringify(env.AWS_RETRY_MODE)}`
          })
        )
      }
      options.mode = mode === "legacy" ? "standard" : mode
    }
    const attempts = env.AWS_MAX_ATTEMPTS?.trim()
    if (attempts !== undefined && attempts !== "") {
      const n = Number(attempts)
      if (!Number.isInteger(n) || n < 1) {
        return Effect.fail(
          new ConfigurationError({
            setting: "AWS_MAX_ATTEMPTS",
            message: `AWS_MAX_ATTEMPTS must be a whole number of at least 1, not ${JSON.stringify(attempts)}`
          })
        )
      }
      options.maxAttempts = n
    }
    return validate(merge(merge(defaults, base), options))
  })

/** A client-wide policy from `AWS_RETRY_MODE` and `AWS_MAX_ATTEMPTS`, over `base`. */
export const layerEnvironment = (
  env: Record<string, string | undefined> = process.env,
  base: RetryOptions = {}
): Layer.Layer<Retry, ConfigurationError> => Layer.effect(Retry, fromEnvironment(env, base))

/** The per-call override, read by the client when a call starts. */
export const currentOverride: FiberRef.FiberRef<RetryOptions | undefined> = FiberRef.unsafeMake<
  RetryOptions | undefined
>(undefined)

/**
 * Runs calls inside `effect` with other retry settings, merged over the client's policy (the
 * retry quota is the client's: `quotaCapacity` here does not change it; invalid numbers are
 * ignored):
 * `Retry.withPolicy({ maxAttempts: 5 })`, `Retry.withPolicy({ mode: "off" })`,
 * `Retry.withPolicy({ schedule: Schedule.spaced("1 second").pipe(Schedule.compose(Schedule.recurs(4))) })`.
 */
export const withPolicy = (options: RetryOptions) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.locally(effect, currentOverride, options)
