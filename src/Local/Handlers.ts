/**
 * The 31 operations of the local AmplifyBackend over its in-memory state: backends and
 * environments, the app's config and challenge sessions, jobs and buckets here, and the
 * resources of an environment in `Resources.ts`. Each handler reads the clock, then runs one
 * synchronous step that checks the request, changes the state and builds the answer.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { S3BucketInfo } from "../Schema/Shapes.js"
import * as Documents from "./Documents.js"
import { badRequest, notFound, tooManyRequests } from "./Fault.js"
import * as Jobs from "./Jobs.js"
import { makeResourceHandlers } from "./Resources.js"
import type { Handlers } from "./Service.js"
import * as State from "./State.js"
import { checkName, checkNotEmpty, type Context, makeSteps } from "./Steps.js"

/** The buckets every local account has, beside those of storage resources. */
const standingBuckets: ReadonlyArray<S3BucketInfo> = [
  { Name: "amplify-local-deployment", CreationDate: "2024-01-15T09:30:00.000Z" },
  { Name: "local-static-assets", CreationDate: "2024-02-01T12:00:00.000Z" },
  { Name: "local-user-uploads", CreationDate: "2024-03-10T18:45:00.000Z" }
]

/** The most jobs one `ListBackendJobs` page holds, and its default size. */
const maxPageSize = 25

const iso = (millis: number): string => new Date(millis).toISOString()

/** The meta config `GetBackend` shows for an environment. */
const metaConfig = (app: State.App, env: State.Environment): string =>
  Documents.metaConfig({
    appId: app.appId,
    environment: env.name,
    auth: env.auth && { name: env.auth.resourceName, imported: env.auth.imported !== undefined },
    storage: env.storage && {
      name: env.storage.resourceName,
      bucketName: env.storage.bucketName,
      imported: env.storage.imported
    },
    apis: Array.from(env.apis.values(), (api) => ({
      name: api.resourceName,
      service: api.config.Service
    }))
  })

/** Builds the handlers over a state. */
export const makeHandlers = (ctx: Context): Handlers => {
  const { state, ids, settings } = ctx
  const steps = makeSteps(ctx)
  const { atomic, environmentJob, findApp, findEnvironment, findJob, findLog } = steps
  const { findSession, liveSessions, startJob } = steps
  return {
    ...makeResourceHandlers(ctx, steps),

    CloneBackend: (input) =>
      atomic("CloneBackend", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const target = yield* checkName("TargetEnvironmentName", input.TargetEnvironmentName)
          if (app.environments.has(target)) {
            return yield* badRequest(`App "${app.appId}" already has an environment "${target}"`)
          }
          const receipt = environmentJob(now, app, env, "CloneBackend", () => {
            app.environments.set(target, State.cloneEnvironment(env, target))
          })
          return receipt
        })),

    CreateBackend: (input) =>
      atomic("CreateBackend", (now) =>
        Either.gen(function*() {
          const appId = yield* checkName("AppId", input.AppId)
          const name = yield* checkName("BackendEnvironmentName", input.BackendEnvironmentName)
          const existing = state.apps.get(appId)
          if (existing?.environments.has(name)) {
            return yield* badRequest(`App "${appId}" already has an environment "${name}"`)
          }
          const ticket = startJob(now, appId, [name], "CreateBackend", () => {
            const app: State.App = existing ?? {
              appId,
              appName: input.AppName,
              environments: new Map(),
              config: undefined,
              sessions: new Map()
            }
            app.environments.set(name, State.emptyEnvironment(name))
            state.apps.set(appId, app)
          })
          return { AppId: appId, BackendEnvironmentName: name, ...ticket }
        })),

    CreateBackendConfig: (input) =>
      atomic("CreateBackendConfig", (now) =>
        Either.gen(function*() {
          const app = yield* findApp(input.AppId)
          const managerId = yield* checkNotEmpty("BackendManagerAppId", input.BackendManagerAppId)
          if (app.config !== undefined) {
            return yield* badRequest(`App "${app.appId}" already has a backend config`)
          }
          const environments = Array.from(app.environments.keys())
          const ticket = startJob(now, app.appId, environments, "CreateBackendConfig", () => {
            app.config = { backendManagerAppId: managerId ?? app.appId, loginAuthConfig: undefined }
          })
          const first = environments[0]
          return {
            AppId: app.appId,
            ...(first !== undefined && { BackendEnvironmentName: first }),
            JobId: ticket.JobId,
            Status: ticket.Status
          }
        })),

    CreateToken: (input) =>
      atomic("CreateToken", (now) =>
        Either.gen(function*() {
          const app = yield* findApp(input.AppId)
          const sessions = liveSessions(app, now)
          if (sessions.size >= settings.maxSessionsPerApp) {
            return yield* tooManyRequests(
              "sessions",
              `App "${app.appId}" has ${sessions.size} live challenge sessions, the most ` +
                "allowed; delete some with DeleteToken or wait for them to expire"
            )
          }
          const session: State.Session = {
            sessionId: ids.uuid(),
            challengeCode: ids.digits(6),
            expiresAt: now + settings.tokenTtlSeconds * 1000
          }
          sessions.set(session.sessionId, session)
          return {
            AppId: app.appId,
            ChallengeCode: session.challengeCode,
            SessionId: session.sessionId,
            Ttl: String(settings.tokenTtlSeconds)
          }
        })),

    DeleteBackend: (input) =>
      atomic("DeleteBackend", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const receipt = environmentJob(now, app, env, "DeleteBackend", () => {
            app.environments.delete(env.name)
          })
          return receipt
        })),

    DeleteToken: (input) =>
      atomic("DeleteToken", (now) =>
        Either.map(findSession(input.AppId, input.SessionId, now), ({ app, session }) => {
          app.sessions.delete(session.sessionId)
          return { IsSuccess: true }
        })),

    GetBackend: (input) =>
      atomic("GetBackend", () =>
        Either.gen(function*() {
          const app = yield* findApp(input.AppId)
          const requested = input.BackendEnvironmentName
          const env = requested === undefined || requested === ""
            ? app.environments.values().next().value
            : (yield* findEnvironment(app.appId, requested)).env
          return {
            AppId: app.appId,
            AppName: app.appName,
            AmplifyFeatureFlags: Documents.featureFlags,
            BackendEnvironmentList: Array.from(app.environments.keys()),
            ...(env && {
              BackendEnvironmentName: env.name,
              AmplifyMetaConfig: metaConfig(app, env)
            })
          }
        })),

    GetBackendJob: (input) =>
      atomic("GetBackendJob", (now) =>
        Either.map(findJob(input), ({ job }) =>
          Jobs.view(job, now))),

    GetToken: (input) =>
      atomic("GetToken", (now) =>
        Either.map(findSession(input.AppId, input.SessionId, now), ({ app, session }) => ({
          AppId: app.appId,
          ChallengeCode: session.challengeCode,
          SessionId: session.sessionId,
          Ttl: String(Math.ceil((session.expiresAt - now) / 1000))
        }))),

    ListBackendJobs: (input) =>
      atomic("ListBackendJobs", (now) =>
        Either.gen(function*() {
          const log = yield* findLog(input.AppId, input.BackendEnvironmentName)
          const max = input.MaxResults ?? maxPageSize
          if (!Number.isInteger(max) || max < 1 || max > maxPageSize) {
            return yield* badRequest(`MaxResults must be an integer from 1 to ${maxPageSize}`)
          }
          // An empty filter or token is taken as absent.
          const filter: Jobs.Filter = {
            operation: input.Operation || undefined,
            status: input.Status || undefined,
            jobId: input.JobId || undefined
          }
          const scope = [
            input.AppId,
            input.BackendEnvironmentName,
            filter.operation,
            filter.status,
            filter.jobId
          ]
          const token = input.NextToken || undefined
          const before = token === undefined ? undefined : yield* Option.match(
            Jobs.decodeToken(ctx.tokenKey, scope, token),
            {
              onNone: () =>
                badRequest(
                  "NextToken is not one this listing issued " +
                    "(for this environment and these filters)"
                ),
              onSome: (value) => Either.right(value)
            }
          )
          const page = Jobs.list(log, filter, before, max, now)
          return {
            Jobs: page.jobs.map((job) => Jobs.view(job, now)),
            ...(page.continueBefore !== undefined && {
              NextToken: Jobs.encodeToken(ctx.tokenKey, scope, page.continueBefore)
            })
          }
        })),

    ListS3Buckets: (input) =>
      atomic("ListS3Buckets", () => {
        if (input.NextToken !== undefined && input.NextToken !== "") {
          return badRequest(
            "ListS3Buckets answers with every bucket at once; NextToken is not accepted"
          )
        }
        const buckets = new Map(standingBuckets.map((bucket) => [bucket.Name ?? "", bucket]))
        for (const app of state.apps.values()) {
          for (const env of app.environments.values()) {
            const storage = env.storage
            if (storage !== undefined && !buckets.has(storage.bucketName)) {
              buckets.set(storage.bucketName, {
                Name: storage.bucketName,
                CreationDate: iso(storage.createdAt)
              })
            }
          }
        }
        const sorted = Array.from(buckets.values())
          .sort((a, b) => ((a.Name ?? "") < (b.Name ?? "") ? -1 : 1))
        return Either.right({ Buckets: sorted })
      }),

    RemoveAllBackends: (input) =>
      atomic("RemoveAllBackends", (now) =>
        Either.map(findApp(input.AppId), (app) => {
          const environments = Array.from(app.environments.keys())
          const ticket = startJob(now, app.appId, environments, "RemoveAllBackends", () => {
            app.environments.clear()
            if (input.CleanAmplifyApp === true) state.apps.delete(app.appId)
          })
          return { AppId: app.appId, ...ticket }
        })),

    RemoveBackendConfig: (input) =>
      atomic("RemoveBackendConfig", () =>
        Either.gen(function*() {
          const app = yield* findApp(input.AppId)
          if (app.config === undefined) {
            return yield* notFound("config", `App "${app.appId}" has no backend config`)
          }
          app.config = undefined
          return {}
        })),

    UpdateBackendConfig: (input) =>
      atomic("UpdateBackendConfig", () =>
        Either.gen(function*() {
          const app = yield* findApp(input.AppId)
          const config = app.config
          if (config === undefined) {
            return yield* notFound(
              "config",
              `App "${app.appId}" has no backend config; create it first`
            )
          }
          const loginAuthConfig = input.LoginAuthConfig === undefined
            ? config.loginAuthConfig
            : { ...config.loginAuthConfig, ...input.LoginAuthConfig }
          app.config = { ...config, loginAuthConfig }
          return {
            AppId: app.appId,
            BackendManagerAppId: config.backendManagerAppId,
            ...(loginAuthConfig && { LoginAuthConfig: loginAuthConfig })
          }
        })),

    UpdateBackendJob: (input) =>
      atomic("UpdateBackendJob", (now) =>
        Either.gen(function*() {
          const { log, job } = yield* findJob(input)
          const operation = yield* checkNotEmpty("Operation", input.Operation)
          const status = yield* checkNotEmpty("Status", input.Status)
          const updated: Jobs.Job = {
            ...job,
            operation: operation ?? job.operation,
            statusOverride: status ?? job.statusOverride,
            updatedAt: now
          }
          log.set(job.jobId, updated)
          return Jobs.view(updated, now)
        }))
  }
}
