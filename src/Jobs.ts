/**
 * Working with AmplifyBackend's asynchronous jobs: most mutations answer with a `JobId` at once
 * and finish later. `waitForJob` polls a job until it ends; `jobPages` and `allJobs` read
 * `ListBackendJobs` page by page.
 */
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ClientError, Output } from "./internal/operation.js"
import type { Client } from "./Layer/Client.js"
import { getBackendJob } from "./Operations/GetBackendJob.js"
import { listBackendJobs } from "./Operations/ListBackendJobs.js"
import type * as Errors from "./Schema/Errors.js"
import type {
  BackendJobRespObj,
  GetBackendJobResponse,
  ListBackendJobsRequest,
  ListBackendJobsResponse
} from "./Schema/Shapes.js"

type ModelledError =
  | Errors.BadRequestException
  | Errors.GatewayTimeoutException
  | Errors.NotFoundException
  | Errors.TooManyRequestsException

/** A job ended with status `FAILED`. */
export class BackendJobFailed extends Schema.TaggedError<BackendJobFailed>()("BackendJobFailed", {
  jobId: Schema.String,
  operation: Schema.optional(Schema.String),
  message: Schema.String
}) {}

/** A job was still running when `waitForJob` stopped waiting. */
export class BackendJobTimeout extends Schema.TaggedError<BackendJobTimeout>()("BackendJobTimeout", {
  jobId: Schema.String,
  lastStatus: Schema.optional(Schema.String),
  message: Schema.String
}) {}

/** The statuses after which a job changes no more. */
export const terminalStatuses: ReadonlySet<string> = new Set(["COMPLETED", "FAILED"])

export interface WaitOptions {
  /** How to space the polls. Default: every 250 ms, growing by half each time to at most 5 s. */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** How long to wait in all. Default 10 minutes. */
  readonly timeout?: Duration.DurationInput | undefined
}

const defaultSchedule = Schedule.exponential("250 millis", 1.5).pipe(
  Schedule.union(Schedule.spaced("5 seconds"))
)

/**
 * Polls `GetBackendJob` until the job's status is `COMPLETED` (succeeds with the job) or
 * `FAILED` (fails with `BackendJobFailed`). Service errors end the wait unless the caller
 * retries them.
 */
export const waitForJob = (
  job: { readonly AppId: string; readonly BackendEnvironmentName: string; readonly JobId: string },
  options: WaitOptions = {}
): Effect.Effect<
  Output<GetBackendJobResponse>,
  BackendJobFailed | BackendJobTimeout | ModelledError | ClientError,
  Client
> => {
  let lastStatus: string | undefined
  const poll = getBackendJob(job).pipe(Effect.tap((r) => Effect.sync(() => (lastStatus = r.Status))))
  const schedule: Schedule.Schedule<unknown, Output<GetBackendJobResponse>> = options.schedule ?? defaultSchedule
  const untilEnded = schedule.pipe(
    Schedule.whileInput((r: Output<GetBackendJobResponse>) => r.Status === undefined || !terminalStatuses.has(r.Status)),
    Schedule.passthrough
  )
  return poll.pipe(
    Effect.repeat(untilEnded),
    Effect.timeoutFail({
      duration: options.timeout ?? "10 minutes",
      onTimeout: () =>
        new BackendJobTimeout({
          jobId: job.JobId,
          lastStatus,
          message: `Job ${job.JobId} had not finished after ${
            Duration.format(Duration.decode(options.timeout ?? "10 minutes"))
          } (waitForJob's timeout option; last status ${lastStatus ?? "unknown"})`
        })
    }),
    Effect.filterOrFail(
      (r) => r.Status !== "FAILED",
      (r) =>
        new BackendJobFailed({
          jobId: job.JobId,
          operation: r.Operation,
          message: `Job ${job.JobId}${r.Operation ? ` (${r.Operation})` : ""} failed: ${r.Error ?? "no reason given"}`
        })
    )
  )
}

/** `ListBackendJobs`, one response per page, following `NextToken` until the last page. */
export const jobPages = (
  request: ListBackendJobsRequest
): Stream.Stream<Output<ListBackendJobsResponse>, ModelledError | ClientError, Client> =>
  Stream.paginateEffect(request.NextToken, (token) =>
    Effect.map(
      listBackendJobs(token === undefined ? withoutToken(request) : { ...request, NextToken: token }),
      (page) => [page, Option.fromNullable(page.NextToken === "" ? undefined : page.NextToken)] as const
    ))

const withoutToken = (request: ListBackendJobsRequest): ListBackendJobsRequest => {
  const { NextToken: _ignored, ...rest } = request
  return rest
}

/** Every job `ListBackendJobs` returns across all pages. */
export const allJobs = (
  request: ListBackendJobsRequest
): Effect.Effect<ReadonlyArray<BackendJobRespObj>, ModelledError | ClientError, Client> =>
  jobPages(request).pipe(
    Stream.mapConcat((page) => page.Jobs ?? []),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )
