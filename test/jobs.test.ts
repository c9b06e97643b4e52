/**
 * `src/Jobs.ts` against the in-process local AmplifyBackend: waiting for a job until it
 * completes, fails or runs out of time, and reading `ListBackendJobs` page by page.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import { allJobs, jobPages, waitForJob } from "../src/Jobs.js"
import * as Local from "../src/Local/Local.js"
import { failOperations } from "../src/Local/Service.js"

const app = { AppId: "app", AppName: "app", BackendEnvironmentName: "dev" }
const env = { AppId: app.AppId, BackendEnvironmentName: app.BackendEnvironmentName }
const fast = Schedule.spaced("10 millis")

describe("waitForJob", () => {
  it.live("polls until the job completes, and answers the job", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const job = yield* amplify.createBackend(app)
      expect(job.Status).toBe("IN_PROGRESS")
      const done = yield* waitForJob({ ...env, JobId: job.JobId! }, { schedule: fast })
      expect(done).toMatchObject({ JobId: job.JobId, Status: "COMPLETED", Operation: "CreateBackend" })
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 100 }))))

  it.live("a FAILED job: BackendJobFailed, with the operation and the service's reason", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const job = yield* amplify.createBackend(app)
      const error = yield* Effect.flip(waitForJob({ ...env, JobId: job.JobId! }, { schedule: fast }))
      expect(error).toMatchObject({ _tag: "BackendJobFailed", jobId: job.JobId, operation: "CreateBackend" })
      expect(error.message).toBe(`Job ${job.JobId} (CreateBackend) failed: quota exceeded`)
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 50, failJob: failOperations(["CreateBackend"], "quota exceeded") }))))

  it.live("still running at the timeout: BackendJobTimeout, naming the wait and the last status", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const job = yield* amplify.createBackend(app)
      const error = yield* Effect.flip(waitForJob({ ...env, JobId: job.JobId! }, { schedule: fast, timeout: "300 millis" }))
      expect(error).toMatchObject({ _tag: "BackendJobTimeout", jobId: job.JobId, lastStatus: "IN_PROGRESS" })
      expect(error.message).toBe(
        `Job ${job.JobId} had not finished after 300ms (waitForJob's timeout option; last status IN_PROGRESS)`
      )
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 60_000 }))))

  it.live("an unknown job: the service's NotFoundException, at once", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      yield* amplify.createBackend(app)
      const error = yield* Effect.flip(waitForJob({ ...env, JobId: "no-such-job" }, { schedule: fast }))
      expect(error._tag).toBe("NotFoundException")
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 0 }))))
})

describe("jobPages and allJobs", () => {
  it.live("follow NextToken across pages of MaxResults, every job once", () =>
    Effect.gen(function*() {
      const amplify = yield* AmplifyBackend
      const first = yield* amplify.createBackend(app)
      const ids = [first.JobId!]
      const api = { ...env, ResourceName: "api" }
      ids.push((yield* amplify.createBackendAPI({ ...api, ResourceConfig: { ApiName: "api", Service: "AppSync" } })).JobId!)
      for (let i = 0; i < 5; i++) {
        ids.push((yield* amplify.updateBackendAPI({ ...api, ResourceConfig: { ApiName: `api${i}` } })).JobId!)
      }
      const request = { AppId: app.AppId, BackendEnvironmentName: app.BackendEnvironmentName, MaxResults: 2 }
      const pages = yield* Stream.runCollect(jobPages(request))
      const sizes = [...pages].map((p) => p.Jobs?.length ?? 0)
      const all = yield* allJobs(request)
      expect(new Set(all.map((j) => j.JobId))).toEqual(new Set(ids))
      expect(all).toHaveLength(ids.length)
      expect(sizes.every((n) => n <= 2)).toBe(true)
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(ids.length)
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2))
      // A NextToken given to jobPages is where it starts.
      const second = [...pages][0]!.NextToken!
      const rest = yield* Stream.runCollect(jobPages({ ...request, NextToken: second }))
      expect([...rest].flatMap((p) => p.Jobs ?? []).map((j) => j.JobId)).toEqual(all.slice(2).map((j) => j.JobId))
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 0 }))))
})
