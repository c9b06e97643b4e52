/**
 * The local AmplifyBackend's asynchronous jobs: how a job's status follows the clock, how an
 * environment's job log is bounded, and how `ListBackendJobs` pages through it.
 *
 * Statuses follow the real service's style: a job is `IN_PROGRESS` from its start until
 * `settlesAt` (its start plus the backend's job duration), then `COMPLETED`, or `FAILED` when
 * it was created with a failure message. `UpdateBackendJob` can pin any status, which then
 * replaces the clock's. Nothing runs in the background: the status is computed when read.
 */
import * as Option from "effect/Option"
import type { BackendJobRespObj } from "../Schema/Shapes.js"
import { digest } from "./Ids.js"

/** The status of a job that has not settled yet. */
export const IN_PROGRESS = "IN_PROGRESS"
/** The status of a job that settled successfully. */
export const COMPLETED = "COMPLETED"
/** The status of a job that settled with an error. */
export const FAILED = "FAILED"

/** One job, as recorded in an environment's log. Immutable: an update replaces the record. */
export interface Job {
  /** Orders jobs across the whole backend: a later job has a larger sequence. */
  readonly sequence: number
  readonly jobId: string
  readonly appId: string
  readonly environment: string
  readonly operation: string
  /** Clock time (ms) the job started. */
  readonly createdAt: number
  /** Clock time (ms) the job leaves `IN_PROGRESS`. */
  readonly settlesAt: number
  /** The job's `Error` once it has failed; undefined for a job that succeeds. */
  readonly failure: string | undefined
  /** A status set by `UpdateBackendJob`, which replaces the clock's. */
  readonly statusOverride: string | undefined
  /** Clock time (ms) of the last `UpdateBackendJob`. */
  readonly updatedAt: number | undefined
}

/** A job's status at a clock time. */
export const statusAt = (job: Job, now: number): string =>
  job.statusOverride ??
    (now < job.settlesAt ? IN_PROGRESS : job.failure === undefined ? COMPLETED : FAILED)

const iso = (millis: number): string => new Date(millis).toISOString()

/** A job as `GetBackendJob` answers with it at a clock time. Times are ISO 8601 strings. */
export const view = (job: Job, now: number): BackendJobRespObj => {
  const status = statusAt(job, now)
  const settled = now >= job.settlesAt ? job.settlesAt : job.createdAt
  const updated = Math.max(settled, job.updatedAt ?? job.createdAt)
  return {
    AppId: job.appId,
    BackendEnvironmentName: job.environment,
    CreateTime: iso(job.createdAt),
    JobId: job.jobId,
    Operation: job.operation,
    Status: status,
    UpdateTime: iso(updated),
    ...(status === FAILED && job.failure !== undefined ? { Error: job.failure } : {})
  }
}

/**
 * An environment's jobs by id, oldest first (a `Map` keeps insertion order, and replacing a
 * record keeps its place).
 */
export type Log = Map<string, Job>

/** Adds a job to a log, dropping the oldest jobs beyond `cap`. */
export const append = (log: Log, job: Job, cap: number): void => {
  log.set(job.jobId, job)
  for (const oldest of log.keys()) {
    if (log.size <= cap) break
    log.delete(oldest)
  }
}

/** What `ListBackendJobs` keeps; an undefined member keeps every job. */
export interface Filter {
  readonly operation: string | undefined
  readonly status: string | undefined
  readonly jobId: string | undefined
}

/** One page of a listing: its jobs, and the sequence to continue before when more remain. */
export interface Page {
  readonly jobs: ReadonlyArray<Job>
  readonly continueBefore: number | undefined
}

/**
 * Lists a log newest first, keeping the jobs that match `filter` at clock time `now` and whose
 * sequence is below `before` (the cursor of the previous page), at most `max` of them. Jobs
 * added while a caller pages have larger sequences, so they never shift the pages that follow.
 */
export const list = (
  log: ReadonlyMap<string, Job>,
  filter: Filter,
  before: number | undefined,
  max: number,
  now: number
): Page => {
  const newestFirst = Array.from(log.values()).reverse()
  const matching = newestFirst.filter((job) =>
    (before === undefined || job.sequence < before) &&
    (filter.jobId === undefined || job.jobId === filter.jobId) &&
    (filter.operation === undefined || job.operation === filter.operation) &&
    (filter.status === undefined || statusAt(job, now) === filter.status)
  )
  const jobs = matching.slice(0, max)
  const last = jobs[jobs.length - 1]
  return {
    jobs,
    continueBefore: matching.length > max && last !== undefined ? last.sequence : undefined
  }
}

/**
 * Paging tokens are `v1.<sequence in base 36>.<digest>`: the digest binds the sequence to the
 * backend's key and to the listing's scope (app, environment and filters), so an edited token,
 * an invented one or one from another listing is refused.
 */
export const encodeToken = (
  key: string,
  scope: ReadonlyArray<string | undefined>,
  sequence: number
): string =>
  `v1.${sequence.toString(36)}.${digest(key, [JSON.stringify(scope), String(sequence)])}`

/** Reads a paging token back to its sequence, or none when this backend did not issue it. */
export const decodeToken = (
  key: string,
  scope: ReadonlyArray<string | undefined>,
  token: string
): Option.Option<number> => {
  const match = /^v1\.([0-9a-z]{1,11})\.([0-9a-f]{16})$/.exec(token)
  if (match === null) return Option.none()
  const sequence = parseInt(match[1] ?? "", 36)
  return Number.isSafeInteger(sequence) && encodeToken(key, scope, sequence) === token
    ? Option.some(sequence)
    : Option.none()
}
