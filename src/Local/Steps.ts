/**
 * What the local AmplifyBackend's handlers are built from: running a step atomically at the
 * clock's time, the lookups that answer NotFoundException, the checks of names the Schemas let
 * through, and starting a job. A step is an `Either` computed synchronously, so nothing can
 * interleave between a check and the change it guards.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { badRequest, type LocalFault, notFound, type Step } from "./Fault.js"
import type * as Ids from "./Ids.js"
import * as Jobs from "./Jobs.js"
import type { OperationName, Settings } from "./Service.js"
import type * as State from "./State.js"

/** What the handlers work with. */
export interface Context {
  readonly state: State.State
  readonly ids: Ids.IdSource
  /** The key paging tokens are digested with. */
  readonly tokenKey: string
  readonly settings: Settings
}

/** What a mutation answers about the job it started. */
export interface Ticket {
  readonly JobId: string
  readonly Operation: string
  readonly Status: string
  readonly Error?: string
}

/** A job's ticket with the app and environment it is about: most mutations answer with it. */
export interface Receipt extends Ticket {
  readonly AppId: string
  readonly BackendEnvironmentName: string
}

/** A receipt without `Operation` and `Error`, for the outputs that have neither. */
export const brief = (receipt: Receipt) => ({
  AppId: receipt.AppId,
  BackendEnvironmentName: receipt.BackendEnvironmentName,
  JobId: receipt.JobId,
  Status: receipt.Status
})

/** The members that name a resource of an environment. */
export interface ResourceAddress {
  readonly AppId: string
  readonly BackendEnvironmentName: string
  readonly ResourceName: string
}

/** The members that name a job. */
export interface JobAddress {
  readonly AppId: string
  readonly BackendEnvironmentName: string
  readonly JobId: string
}

/** A name that will travel as a URI label later: not empty, not `.` or `..`, no `/`. */
export const checkName = (member: string, value: string): Step<string> =>
  value === "" || value === "." || value === ".." || value.includes("/") || value.length > maxNameLength ||
    !isWellFormed(value)
    ? badRequest(
      `${member} must be a name of 1 to ${maxNameLength} characters of well-formed Unicode, ` +
        `without "/", other than "." and ".."`
    )
    : Either.right(value)

const maxNameLength = 255

/** Whether a string has no lone UTF-16 surrogate (one could never travel in a URI). */
const isWellFormed = (value: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)

/** An optional string member that, when given, must not be empty. */
export const checkNotEmpty = (
  member: string,
  value: string | undefined
): Step<string | undefined> =>
  value === "" ? badRequest(`${member} must not be empty when given`) : Either.right(value)

/** The building blocks over one backend's state. */
export type Steps = ReturnType<typeof makeSteps>

/** Makes the building blocks over a context. */
export const makeSteps = (ctx: Context) => {
  const { state, ids, settings } = ctx
  let sequence = 0

  /** Runs one handler: the fault injector, then the step, at the current clock time. */
  const atomic = <A>(
    operation: OperationName,
    step: (now: number) => Step<A>
  ): Effect.Effect<A, LocalFault> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.suspend(() => {
        const injected = settings.injectFault(operation)
        return injected === undefined ? step(now) : Either.left(injected)
      }))

  const findApp = (appId: string): Step<State.App> => {
    const app = state.apps.get(appId)
    return app === undefined
      ? notFound("app", `No app with id "${appId}" has a backend`)
      : Either.right(app)
  }

  const findEnvironment = (appId: string, name: string) =>
    Either.flatMap(findApp(appId), (app) => {
      const env = app.environments.get(name)
      return env === undefined
        ? notFound("environment", `App "${appId}" has no backend environment "${name}"`)
        : Either.right({ app, env })
    })

  const findAuth = (at: ResourceAddress) =>
    Either.flatMap(findEnvironment(at.AppId, at.BackendEnvironmentName), ({ app, env }) =>
      env.auth === undefined || env.auth.resourceName !== at.ResourceName
        ? notFound("auth", `Environment "${env.name}" has no auth resource "${at.ResourceName}"`)
        : Either.right({ app, env, auth: env.auth }))

  const findStorage = (at: ResourceAddress) =>
    Either.flatMap(findEnvironment(at.AppId, at.BackendEnvironmentName), ({ app, env }) =>
      env.storage === undefined || env.storage.resourceName !== at.ResourceName
        ? notFound(
          "storage",
          `Environment "${env.name}" has no storage resource "${at.ResourceName}"`
        )
        : Either.right({ app, env, storage: env.storage }))

  const findApi = (at: ResourceAddress) =>
    Either.flatMap(findEnvironment(at.AppId, at.BackendEnvironmentName), ({ app, env }) => {
      const api = env.apis.get(at.ResourceName)
      return api === undefined
        ? notFound("api", `Environment "${env.name}" has no API resource "${at.ResourceName}"`)
        : Either.right({ app, env, api })
    })

  /**
   * An environment's job log. It outlives the environment; an existing environment with no job
   * yet has an empty one.
   */
  const findLog = (appId: string, envName: string): Step<Jobs.Log> => {
    const log = state.logs.get(appId)?.get(envName)
    if (log !== undefined) return Either.right(log)
    return Either.map(findEnvironment(appId, envName), () => new Map())
  }

  const findJob = (at: JobAddress) =>
    Either.flatMap(findLog(at.AppId, at.BackendEnvironmentName), (log) => {
      const job = log.get(at.JobId)
      return job === undefined
        ? notFound(
          "job",
          `Environment "${at.BackendEnvironmentName}" of app "${at.AppId}" has no job "${at.JobId}"`
        )
        : Either.right({ log, job })
    })

  /** The live sessions of an app, dropping the expired ones. */
  const liveSessions = (app: State.App, now: number): Map<string, State.Session> => {
    for (const [id, session] of app.sessions) {
      if (session.expiresAt <= now) app.sessions.delete(id)
    }
    return app.sessions
  }

  const findSession = (appId: string, sessionId: string, now: number) =>
    Either.flatMap(findApp(appId), (app) => {
      const session = liveSessions(app, now).get(sessionId)
      // The session id is a credential of sorts: the message does not repeat it.
      return session === undefined
        ? notFound("session", `App "${appId}" has no live challenge session with that id`)
        : Either.right({ app, session })
    })

  const logOf = (appId: string, envName: string): Jobs.Log => {
    let byEnvironment = state.logs.get(appId)
    if (byEnvironment === undefined) state.logs.set(appId, (byEnvironment = new Map()))
    let log = byEnvironment.get(envName)
    if (log === undefined) byEnvironment.set(envName, (log = new Map()))
    return log
  }

  /**
   * Starts a job: decides its outcome, applies `change` when it is to complete, and logs it in
   * each of `environments` (an app-level job in several, or in none for an app without any).
   */
  const startJob = (
    now: number,
    appId: string,
    environments: ReadonlyArray<string>,
    operation: OperationName,
    change: () => void
  ): Ticket => {
    sequence += 1
    const environment = environments.length === 1 ? environments[0] : undefined
    const failure = settings.failJob({ appId, environment, operation, sequence })
    if (failure === undefined) change()
    const job: Jobs.Job = {
      sequence,
      jobId: ids.uuid(),
      appId,
      environment: environment ?? "",
      operation,
      createdAt: now,
      settlesAt: now + settings.jobDurationMillis,
      failure: failure === undefined ? undefined : failure || "The job failed",
      statusOverride: undefined,
      updatedAt: undefined
    }
    for (const name of environments) {
      Jobs.append(logOf(appId, name), { ...job, environment: name }, settings.maxJobsPerEnvironment)
    }
    const view = Jobs.view(job, now)
    return {
      JobId: job.jobId,
      Operation: operation,
      Status: Jobs.statusAt(job, now),
      ...(view.Error !== undefined && { Error: view.Error })
    }
  }

  /** Starts a job about one environment of an app, answering with its receipt. */
  const environmentJob = (
    now: number,
    app: State.App,
    env: State.Environment,
    operation: OperationName,
    change: () => void
  ): Receipt => ({
    AppId: app.appId,
    BackendEnvironmentName: env.name,
    ...startJob(now, app.appId, [env.name], operation, change)
  })

  return {
    atomic,
    findApp,
    findEnvironment,
    findAuth,
    findStorage,
    findApi,
    findLog,
    findJob,
    findSession,
    liveSessions,
    startJob,
    environmentJob
  }
}
