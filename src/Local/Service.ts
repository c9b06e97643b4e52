/**
 * The local AmplifyBackend's service logic: all 31 operations as plain Effect functions over
 * type-side values, behind the protocol side (routing, Schemas, signatures, HTTP).
 *
 * How it behaves:
 * - Apps come into being with `CreateBackend` (an unknown `AppId` creates the app) and hold
 *   environments; each environment holds at most one auth resource, at most one S3 storage
 *   resource and any number of API resources. The app holds its Admin UI config and its
 *   challenge sessions.
 * - Asynchronous mutations answer with a job (see `Jobs.ts`): `IN_PROGRESS` for
 *   `jobDurationMillis` of `Clock` time, then `COMPLETED`, or `FAILED` with an `Error` when
 *   `failJob` says so. The outcome is decided when the job starts, and the mutation is applied
 *   at once when the job is to complete: reads see it straight away. A job that is to fail
 *   changes nothing.
 * - Jobs are logged per environment, newest kept: `maxJobsPerEnvironment` (default 1000) bounds
 *   each log, the oldest job dropped first. App-level jobs (`CreateBackendConfig`,
 *   `RemoveAllBackends`) are logged in every environment the app has at the time.
 * - Every step of a handler that reads and changes state runs synchronously after the clock is
 *   read, so concurrent calls never interleave inside one.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type * as Schema from "effect/Schema"
import type { operations } from "../AmplifyBackend.js"
import { LocalFault } from "./Fault.js"
import { makeHandlers } from "./Handlers.js"
import * as Ids from "./Ids.js"
import * as State from "./State.js"

/**
 * A modelled error the service answers with (defined in `Fault.ts`); the protocol side turns it
 * into the HTTP status and JSON body.
 */
export { LocalFault }

export type { AppSnapshot, EnvironmentSnapshot, Snapshot } from "./State.js"

type Ops = typeof operations

/** The name of an operation, as the model spells it. */
export type OperationName = keyof Ops

/** The type-side input of an operation, as its input Schema decodes it. */
export type HandlerInput<K extends OperationName> = Schema.Schema.Type<Ops[K]["spec"]["input"]>

/** The type-side output of an operation, before its output Schema encodes it. */
export type HandlerOutput<K extends OperationName> = Schema.Schema.Type<Ops[K]["spec"]["output"]>

/** One function per operation: the whole service. */
export type Handlers = {
  readonly [K in OperationName]: (
    input: HandlerInput<K>
  ) => Effect.Effect<HandlerOutput<K>, LocalFault>
}

/** A job about to start, as `failJob` sees it. */
export interface JobStart {
  readonly appId: string
  /** The environment the job is about; undefined for an app-level job. */
  readonly environment: string | undefined
  readonly operation: OperationName
  /** The job's ordinal in this backend: 1 for its first job. */
  readonly sequence: number
}

/** How a local AmplifyBackend behaves. Every member is optional. */
export interface LocalBackendOptions {
  /** How long a job stays `IN_PROGRESS`, in ms of `Clock` time. Default 100; 0 settles at once. */
  readonly jobDurationMillis?: number | undefined
  /**
   * Decides which jobs fail: the `Error` message for a job that is to fail, or undefined for
   * one that completes. Default: every job completes. See `failOperations`.
   */
  readonly failJob?: ((job: JobStart) => string | undefined) | undefined
  /** Seeds job ids, session ids, challenge codes and paging tokens. Default: a random seed. */
  readonly seed?: number | undefined
  /** How many jobs each environment's log keeps, the oldest dropped first. Default 1000. */
  readonly maxJobsPerEnvironment?: number | undefined
  /** How long a `CreateToken` session lives, in seconds. Default 600. */
  readonly tokenTtlSeconds?: number | undefined
  /** How many live sessions an app may have; more is TooManyRequestsException. Default 100. */
  readonly maxSessionsPerApp?: number | undefined
  /**
   * Called before each operation: a fault to answer with instead (to test throttling or
   * timeouts), or undefined to proceed. Default: none.
   */
  readonly injectFault?: ((operation: OperationName) => LocalFault | undefined) | undefined
}

/** The options with their defaults applied. */
export interface Settings {
  readonly jobDurationMillis: number
  readonly failJob: (job: JobStart) => string | undefined
  readonly maxJobsPerEnvironment: number
  readonly tokenTtlSeconds: number
  readonly maxSessionsPerApp: number
  readonly injectFault: (operation: OperationName) => LocalFault | undefined
}

/** A running local AmplifyBackend. */
export interface LocalBackend {
  /** The operations, for the protocol side (or for calling directly). */
  readonly handlers: Handlers
  /** A read-only view of the state (apps, environments, resources, jobs) at `Clock` time. */
  readonly snapshot: Effect.Effect<State.Snapshot>
}

/** A `failJob` rule: jobs of the named operations fail with `message`. */
export const failOperations = (
  names: ReadonlyArray<OperationName>,
  message = "The job failed (the local backend was told to fail it)"
) => {
  const failing = new Set<string>(names)
  return (job: JobStart): string | undefined => (failing.has(job.operation) ? message : undefined)
}

const wholeAtLeast = (value: number | undefined, fallback: number, min: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(min, Math.floor(value))

/** Applies the defaults to some options. */
export const settings = (options: LocalBackendOptions): Settings => ({
  jobDurationMillis: wholeAtLeast(options.jobDurationMillis, 100, 0),
  failJob: options.failJob ?? (() => undefined),
  maxJobsPerEnvironment: wholeAtLeast(options.maxJobsPerEnvironment, 1000, 1),
  tokenTtlSeconds: wholeAtLeast(options.tokenTtlSeconds, 600, 1),
  maxSessionsPerApp: wholeAtLeast(options.maxSessionsPerApp, 100, 1),
  injectFault: options.injectFault ?? (() => undefined)
})

/** Starts a local AmplifyBackend with empty state. */
export const make = (options: LocalBackendOptions = {}): Effect.Effect<LocalBackend> =>
  Effect.map(
    options.seed === undefined ? Random.nextInt : Effect.succeed(options.seed),
    (seed) => {
      const state = State.empty()
      const ids = Ids.make(seed)
      // The paging-token key comes from the same generator, so it too follows the seed.
      const tokenKey = ids.hex(32)
      const handlers = makeHandlers({ state, ids, tokenKey, settings: settings(options) })
      const snapshot = Effect.map(Clock.currentTimeMillis, (now) => State.snapshot(state, now))
      return { handlers, snapshot }
    }
  )
