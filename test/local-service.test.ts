import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"
import { operations } from "../src/AmplifyBackend.js"
import * as Service from "../src/Local/Service.js"
import type {
  BackendJobRespObj,
  CreateBackendAuthResourceConfig,
  ListBackendJobsResponse
} from "../src/Schema/Shapes.js"

const AppId = "app1"
const BackendEnvironmentName = "dev"
const env = { AppId, BackendEnvironmentName } as const

const secrets = ["google-secret-value", "apple-private-key-value", "Your code is {####}"]

const authConfig: CreateBackendAuthResourceConfig = {
  AuthResources: "IDENTITY_POOL_AND_USER_POOL",
  Service: "COGNITO",
  IdentityPoolConfigs: { IdentityPoolName: "idpool", UnauthenticatedLogin: false },
  UserPoolConfigs: {
    UserPoolName: "users",
    SignInMethod: "EMAIL",
    RequiredSignUpAttributes: ["EMAIL", "NAME"],
    Mfa: { MFAMode: "OPTIONAL", Settings: { MfaTypes: ["TOTP"] } },
    PasswordPolicy: { MinimumLength: 8, AdditionalConstraints: ["REQUIRE_DIGIT"] },
    OAuth: {
      OAuthGrantType: "CODE",
      OAuthScopes: ["EMAIL", "OPENID"],
      RedirectSignInURIs: ["https://app.example/in"],
      RedirectSignOutURIs: ["https://app.example/out"],
      SocialProviderSettings: {
        Google: { ClientId: "google-client", ClientSecret: "google-secret-value" },
        SignInWithApple: {
          ClientId: "apple-client",
          KeyId: "apple-key",
          PrivateKey: "apple-private-key-value",
          TeamId: "apple-team"
        }
      }
    },
    VerificationMessage: {
      DeliveryMethod: "EMAIL",
      EmailSettings: { EmailMessage: "Your code is {####}", EmailSubject: "Verify" }
    }
  }
}

const todoSchema = [
  "type Todo @model {",
  "  id: ID!",
  "  name: String!",
  "  tags: [String!]!",
  "  note: String",
  "}",
  "type Helper {",
  "  value: Int",
  "}"
].join("\n")

/** A backend with app `app1` and its environment `dev`, the CreateBackend job settled. */
const setup = (options: Service.LocalBackendOptions = {}) =>
  Effect.gen(function*() {
    const backend = yield* Service.make({ seed: 7, ...options })
    yield* backend.handlers.CreateBackend({ ...env, AppName: "Demo" })
    yield* TestClock.adjust("100 millis")
    return backend
  })

/** The fault an effect fails with. */
const fault = <A>(effect: Effect.Effect<A, Service.LocalFault>) => Effect.flip(effect)

/** Every page of a listing, following NextToken. */
const allPages = (
  handlers: Service.Handlers,
  request: Service.HandlerInput<"ListBackendJobs">
) =>
  Effect.gen(function*() {
    const pages: Array<ListBackendJobsResponse> = []
    let token: string | undefined
    do {
      const page = yield* handlers.ListBackendJobs(
        token === undefined ? request : { ...request, NextToken: token }
      )
      pages.push(page)
      token = page.NextToken
    } while (token !== undefined)
    return pages
  })

const jobIds = (jobs: ReadonlyArray<BackendJobRespObj> | undefined) =>
  (jobs ?? []).map((j) => j.JobId)

/** Creates `count` API resources named `<prefix><i>` in `dev`: one job each. */
const addApis = (handlers: Service.Handlers, count: number, prefix = "a") =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => `${prefix}${i}`),
    (ResourceName) => handlers.CreateBackendAPI({ ...env, ResourceName, ResourceConfig: {} })
  )

/** The members naming resource `name` of `dev`. */
const named = (ResourceName: string) => ({ ...env, ResourceName })

const s3 = (Authenticated: ReadonlyArray<"READ" | "CREATE_AND_UPDATE" | "DELETE"> = []) =>
  ({ ServiceName: "S3", Permissions: { Authenticated } }) as const

const userPoolOnly = {
  AuthResources: "USER_POOL_ONLY",
  Service: "COGNITO",
  UserPoolConfigs: {}
} as const

describe("local AmplifyBackend service", () => {
  it.effect("has a handler for each of the 31 operations", () =>
    Effect.gen(function*() {
      const backend = yield* Service.make()
      expect(Object.keys(backend.handlers).sort()).toEqual(Object.keys(operations).sort())
      expect(Object.keys(backend.handlers)).toHaveLength(31)
    }))

  describe("backends and jobs", () => {
    it.effect("CreateBackend starts a job that completes after jobDurationMillis", () =>
      Effect.gen(function*() {
        const { handlers } = yield* Service.make({ seed: 1 })
        const created = yield* handlers.CreateBackend({ ...env, AppName: "Demo" })
        expect(created).toMatchObject({ ...env, Operation: "CreateBackend", Status: "IN_PROGRESS" })
        expect(created.JobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        const job = { ...env, JobId: created.JobId ?? "" }

        yield* TestClock.adjust("99 millis")
        expect((yield* handlers.GetBackendJob(job)).Status).toBe("IN_PROGRESS")
        yield* TestClock.adjust("1 millis")
        const done = yield* handlers.GetBackendJob(job)
        expect(done).toEqual({
          AppId,
          BackendEnvironmentName,
          JobId: created.JobId,
          Operation: "CreateBackend",
          Status: "COMPLETED",
          CreateTime: "1970-01-01T00:00:00.000Z",
          UpdateTime: "1970-01-01T00:00:00.100Z"
        })
      }))

    it.effect("jobDurationMillis 0 settles jobs at once", () =>
      Effect.gen(function*() {
        const { handlers } = yield* Service.make({ jobDurationMillis: 0 })
        const created = yield* handlers.CreateBackend({ ...env, AppName: "Demo" })
        expect(created.Status).toBe("COMPLETED")
      }))

    it.effect("GetBackend gives the app, its environments, feature flags and meta config", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* handlers.CreateBackend({ AppId, AppName: "Ignored", BackendEnvironmentName: "prod" })
        yield* handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig: authConfig })
        yield* handlers.CreateBackendAPI({ ...named("api1"), ResourceConfig: { Service: "AppSync" } })
        const details = yield* handlers.GetBackend({ AppId })
        expect(details).toMatchObject({
          AppId,
          AppName: "Demo",
          BackendEnvironmentList: ["dev", "prod"],
          BackendEnvironmentName: "dev"
        })
        expect(JSON.parse(details.AmplifyFeatureFlags ?? "")).toHaveProperty("features")
        const meta = JSON.parse(details.AmplifyMetaConfig ?? "")
        expect(Object.keys(meta.auth)).toEqual(["auth1"])
        expect(Object.keys(meta.api)).toEqual(["api1"])
        for (const secret of secrets) expect(details.AmplifyMetaConfig).not.toContain(secret)

        const prod = yield* handlers.GetBackend({ AppId, BackendEnvironmentName: "prod" })
        expect(prod.BackendEnvironmentName).toBe("prod")
        expect(JSON.parse(prod.AmplifyMetaConfig ?? "").auth).toBeUndefined()
        const missing = yield* fault(handlers.GetBackend({ AppId, BackendEnvironmentName: "qa" }))
        expect(missing).toMatchObject({ code: "NotFoundException", resourceType: "environment" })
      }))

    it.effect("CreateBackend refuses an existing environment and a name unfit for a label", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const twice = yield* fault(handlers.CreateBackend({ ...env, AppName: "Demo" }))
        expect(twice).toMatchObject({ code: "BadRequestException" })
        expect(twice.message).toContain("already has an environment")
        for (const name of ["", "..", "a/b"]) {
          const bad = yield* fault(
            handlers.CreateBackend({ AppId, AppName: "Demo", BackendEnvironmentName: name })
          )
          expect(bad.code).toBe("BadRequestException")
        }
      }))

    it.effect("a job failJob picks fails with its message and changes nothing", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup({
          failJob: Service.failOperations(["CreateBackendAuth"], "quota exceeded")
        })
        const started = yield* handlers.CreateBackendAuth({
          ...env,
          ResourceName: "auth1",
          ResourceConfig: authConfig
        })
        expect(started.Status).toBe("IN_PROGRESS")
        expect(started.Error).toBeUndefined()
        yield* TestClock.adjust("100 millis")
        const job = yield* handlers.GetBackendJob({ ...env, JobId: started.JobId ?? "" })
        expect(job).toMatchObject({
          Status: "FAILED",
          Error: "quota exceeded",
          Operation: "CreateBackendAuth"
        })
        const missing = yield* fault(handlers.GetBackendAuth({ ...env, ResourceName: "auth1" }))
        expect(missing).toMatchObject({ code: "NotFoundException", resourceType: "auth" })
        expect((yield* snapshot).apps[0]?.environments[0]?.auth).toBeUndefined()
      }))

    it.effect("failJob sees the job's app, environment, operation and sequence", () =>
      Effect.gen(function*() {
        const seen: Array<Service.JobStart> = []
        const { handlers } = yield* setup({
          failJob: (job) => {
            seen.push(job)
            return job.sequence % 2 === 0 ? "every second job fails" : undefined
          }
        })
        yield* handlers.CreateBackendAPI({ ...env, ResourceName: "a", ResourceConfig: {} })
        yield* handlers.CreateBackendAPI({ ...env, ResourceName: "b", ResourceConfig: {} })
        expect(seen.map((s) => [s.environment, s.operation, s.sequence])).toEqual([
          ["dev", "CreateBackend", 1],
          ["dev", "CreateBackendAPI", 2],
          ["dev", "CreateBackendAPI", 3]
        ])
        yield* fault(handlers.GetBackendAPI({ ...env, ResourceName: "a" }))
        yield* handlers.GetBackendAPI({ ...env, ResourceName: "b" })
      }))

    it.effect("a failed CreateBackend leaves no app, but its job can be read", () =>
      Effect.gen(function*() {
        const { handlers } = yield* Service.make({
          failJob: () => "no capacity",
          jobDurationMillis: 0
        })
        const created = yield* handlers.CreateBackend({ ...env, AppName: "Demo" })
        expect(created).toMatchObject({ Status: "FAILED", Error: "no capacity" })
        expect(yield* fault(handlers.GetBackend({ AppId }))).toMatchObject({ resourceType: "app" })
        const job = yield* handlers.GetBackendJob({ ...env, JobId: created.JobId ?? "" })
        expect(job.Status).toBe("FAILED")
      }))

    it.effect("CloneBackend copies an environment's resources to a new one", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig: authConfig })
        yield* handlers.CreateBackendStorage({
          ...named("files"),
          ResourceConfig: { ...s3(["READ"]), BucketName: "files-bucket" }
        })
        yield* handlers.CreateBackendAPI({ ...named("api1"), ResourceConfig: { ApiName: "api1" } })
        const cloned = yield* handlers.CloneBackend({ ...env, TargetEnvironmentName: "test" })
        expect(cloned).toMatchObject({ ...env, Operation: "CloneBackend", Status: "IN_PROGRESS" })
        const test = (ResourceName: string) => ({ AppId, BackendEnvironmentName: "test", ResourceName })
        const auth = yield* handlers.GetBackendAuth(test("auth1"))
        expect(auth.ResourceConfig).toEqual(authConfig)
        const storage = yield* handlers.GetBackendStorage(test("files"))
        expect(storage.ResourceConfig?.BucketName).toBe("files-bucket")
        const api = yield* handlers.GetBackendAPI(test("api1"))
        expect(api.ResourceConfig).toEqual({ ApiName: "api1" })
        const details = yield* handlers.GetBackend({ AppId })
        expect(details.BackendEnvironmentList).toEqual(["dev", "test"])

        const exists = yield* fault(handlers.CloneBackend({ ...env, TargetEnvironmentName: "test" }))
        expect(exists).toMatchObject({ code: "BadRequestException" })
        const noSource = yield* fault(
          handlers.CloneBackend({ AppId, BackendEnvironmentName: "qa", TargetEnvironmentName: "x" })
        )
        expect(noSource).toMatchObject({ code: "NotFoundException", resourceType: "environment" })
        const badName = yield* fault(handlers.CloneBackend({ ...env, TargetEnvironmentName: "" }))
        expect(badName.code).toBe("BadRequestException")
      }))

    it.effect("DeleteBackend removes the environment; its job can still be polled and listed", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const deleted = yield* handlers.DeleteBackend(env)
        expect(deleted).toMatchObject({ ...env, Operation: "DeleteBackend", Status: "IN_PROGRESS" })
        expect((yield* handlers.GetBackend({ AppId })).BackendEnvironmentList).toEqual([])
        yield* TestClock.adjust("100 millis")
        const job = yield* handlers.GetBackendJob({ ...env, JobId: deleted.JobId ?? "" })
        expect(job.Status).toBe("COMPLETED")
        const listed = yield* handlers.ListBackendJobs(env)
        expect(listed.Jobs?.map((j) => j.Operation)).toEqual(["DeleteBackend", "CreateBackend"])
        const again = yield* fault(handlers.DeleteBackend(env))
        expect(again).toMatchObject({ code: "NotFoundException", resourceType: "environment" })
      }))

    it.effect("RemoveAllBackends removes every environment, and the app with CleanAmplifyApp", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* handlers.CreateBackend({ AppId, AppName: "Demo", BackendEnvironmentName: "prod" })
        const removed = yield* handlers.RemoveAllBackends({ AppId })
        expect(removed).toMatchObject({
          AppId,
          Operation: "RemoveAllBackends",
          Status: "IN_PROGRESS"
        })
        expect((yield* handlers.GetBackend({ AppId })).BackendEnvironmentList).toEqual([])
        // The app-level job is logged in each environment it removed.
        for (const name of ["dev", "prod"]) {
          const job = yield* handlers.GetBackendJob({
            AppId,
            BackendEnvironmentName: name,
            JobId: removed.JobId ?? ""
          })
          expect(job.Operation).toBe("RemoveAllBackends")
        }

        yield* handlers.CreateBackend({ ...env, AppName: "Demo" })
        yield* handlers.RemoveAllBackends({ AppId, CleanAmplifyApp: true })
        expect(yield* fault(handlers.GetBackend({ AppId }))).toMatchObject({ resourceType: "app" })
        const again = yield* fault(handlers.RemoveAllBackends({ AppId }))
        expect(again).toMatchObject({ resourceType: "app" })
      }))
  })

  describe("ListBackendJobs", () => {
    it.effect("pages through more than 25 jobs, newest first, each exactly once", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup()
        yield* addApis(handlers, 60)
        const expected = (yield* snapshot).jobs.map((j) => j.JobId).reverse()
        expect(expected).toHaveLength(61)

        const byDefault = yield* allPages(handlers, env)
        expect(byDefault.map((p) => p.Jobs?.length)).toEqual([25, 25, 11])
        expect(byDefault.flatMap((p) => jobIds(p.Jobs))).toEqual(expected)

        const bySeven = yield* allPages(handlers, { ...env, MaxResults: 7 })
        expect(bySeven).toHaveLength(9)
        expect(bySeven.flatMap((p) => jobIds(p.Jobs))).toEqual(expected)
        expect(bySeven[8]?.NextToken).toBeUndefined()
      }))

    it.effect("jobs started while paging do not disturb the pages that follow", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* addApis(handlers, 5)
        const first = yield* handlers.ListBackendJobs({ ...env, MaxResults: 3 })
        yield* handlers.CreateBackendAPI({ ...named("late"), ResourceConfig: {} })
        const second = yield* handlers.ListBackendJobs({
          ...env,
          MaxResults: 3,
          NextToken: first.NextToken ?? ""
        })
        const listed = [...jobIds(first.Jobs), ...jobIds(second.Jobs)]
        expect(new Set(listed).size).toBe(6)
        expect(second.NextToken).toBeUndefined()
      }))

    it.effect("filters by Operation, Status and JobId, and pages within the filter", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* addApis(handlers, 4)
        yield* TestClock.adjust("100 millis")
        for (let i = 0; i < 3; i++) yield* handlers.UpdateBackendAPI(named(`a${i}`))

        const creates = yield* allPages(handlers, { ...env, Operation: "CreateBackendAPI", MaxResults: 3 })
        expect(creates.flatMap((p) => p.Jobs ?? []).map((j) => j.Operation))
          .toEqual(Array(4).fill("CreateBackendAPI"))
        const running = yield* handlers.ListBackendJobs({ ...env, Status: "IN_PROGRESS" })
        expect(running.Jobs?.map((j) => j.Operation)).toEqual(Array(3).fill("UpdateBackendAPI"))
        const done = yield* handlers.ListBackendJobs({ ...env, Status: "COMPLETED" })
        expect(done.Jobs).toHaveLength(5)
        const both = yield* handlers.ListBackendJobs({
          ...env,
          Operation: "UpdateBackendAPI",
          Status: "COMPLETED"
        })
        expect(both.Jobs).toEqual([])
        const one = running.Jobs?.[1]?.JobId ?? ""
        const byId = yield* handlers.ListBackendJobs({ ...env, JobId: one })
        expect(jobIds(byId.Jobs)).toEqual([one])
      }))

    it.effect("refuses a malformed, edited or foreign NextToken and a MaxResults out of range", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* addApis(handlers, 4)
        yield* handlers.CreateBackend({ AppId, AppName: "Demo", BackendEnvironmentName: "prod" })
        const page = yield* handlers.ListBackendJobs({ ...env, MaxResults: 2 })
        const token = page.NextToken ?? ""
        expect(token).not.toBe("")
        const last = token.at(-1) === "0" ? "1" : "0"
        const attempts = [
          { ...env, NextToken: "not-a-token" },
          { ...env, NextToken: token.slice(0, -1) + last },
          { ...env, NextToken: token.replace(/^v1\.[0-9a-z]+\./, "v1.zz.") },
          { ...env, NextToken: token, Operation: "CreateBackendAPI" },
          { AppId, BackendEnvironmentName: "prod", NextToken: token }
        ]
        for (const request of attempts) {
          const refused = yield* fault(handlers.ListBackendJobs(request))
          expect(refused.code).toBe("BadRequestException")
          expect(refused.message).toContain("NextToken")
          expect(refused.message).not.toContain(token)
        }
        for (const MaxResults of [0, 26, 2.5]) {
          const refused = yield* fault(handlers.ListBackendJobs({ ...env, MaxResults }))
          expect(refused.code).toBe("BadRequestException")
        }
        const next = yield* handlers.ListBackendJobs({ ...env, MaxResults: 2, NextToken: token })
        expect(next.Jobs).toHaveLength(2)
      }))

    it.effect("keeps at most maxJobsPerEnvironment jobs, dropping the oldest", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup({ maxJobsPerEnvironment: 5 })
        const first = (yield* handlers.ListBackendJobs(env)).Jobs?.[0]?.JobId ?? ""
        yield* addApis(handlers, 7)
        const listed = yield* allPages(handlers, { ...env, MaxResults: 2 })
        expect(listed.flatMap((p) => p.Jobs ?? [])).toHaveLength(5)
        expect((yield* snapshot).jobs).toHaveLength(5)
        const dropped = yield* fault(handlers.GetBackendJob({ ...env, JobId: first }))
        expect(dropped).toMatchObject({ code: "NotFoundException", resourceType: "job" })
      }))
  })

  describe("UpdateBackendJob and GetBackendJob", () => {
    it.effect("UpdateBackendJob sets the Operation, and a Status the clock no longer changes", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const started = yield* handlers.CreateBackendAPI({ ...named("a"), ResourceConfig: {} })
        const job = { ...env, JobId: started.JobId ?? "" }
        yield* TestClock.adjust("10 millis")
        const renamed = { Operation: "Renamed", Status: "CANCELLED" }
        const updated = yield* handlers.UpdateBackendJob({ ...job, ...renamed })
        expect(updated).toMatchObject({ ...renamed, UpdateTime: "1970-01-01T00:00:00.110Z" })
        yield* TestClock.adjust("1 second")
        expect(yield* handlers.GetBackendJob(job)).toMatchObject(renamed)
        const cancelled = yield* handlers.ListBackendJobs({ ...env, Status: "CANCELLED" })
        expect(jobIds(cancelled.Jobs)).toEqual([job.JobId])

        const empty = yield* fault(handlers.UpdateBackendJob({ ...job, Status: "" }))
        expect(empty.code).toBe("BadRequestException")
      }))

    it.effect("answers NotFound for an unknown app, environment or job", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const cases = [
          [{ AppId: "nope", BackendEnvironmentName, JobId: "j" }, "app"],
          [{ AppId, BackendEnvironmentName: "qa", JobId: "j" }, "environment"],
          [{ ...env, JobId: "j" }, "job"]
        ] as const
        for (const [request, resourceType] of cases) {
          const read = yield* fault(handlers.GetBackendJob(request))
          expect(read).toMatchObject({ code: "NotFoundException", resourceType })
          const update = yield* fault(handlers.UpdateBackendJob({ ...request, Status: "X" }))
          expect(update).toMatchObject({ resourceType })
        }
        const list = yield* fault(handlers.ListBackendJobs({ AppId, BackendEnvironmentName: "qa" }))
        expect(list).toMatchObject({ resourceType: "environment" })
      }))
  })

  describe("auth", () => {
    it.effect("GetBackendAuth returns what CreateBackendAuth stored", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const created = yield* handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig: authConfig })
        expect(created).toMatchObject({ ...env, Operation: "CreateBackendAuth", Status: "IN_PROGRESS" })
        const read = yield* handlers.GetBackendAuth(named("auth1"))
        expect(read).toEqual({ ...env, ResourceName: "auth1", ResourceConfig: authConfig })
      }))

    it.effect("refuses a second auth resource and bad configs, without echoing secrets", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const { IdentityPoolConfigs: _, ...withoutIdentityPool } = authConfig
        const shortPassword = { ...authConfig.UserPoolConfigs, PasswordPolicy: { MinimumLength: 3 } }
        const problems = [withoutIdentityPool, { ...authConfig, UserPoolConfigs: shortPassword }]
        for (const ResourceConfig of problems) {
          const refused = yield* fault(handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig }))
          expect(refused.code).toBe("BadRequestException")
          for (const secret of secrets) expect(refused.message).not.toContain(secret)
        }
        yield* handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig: authConfig })
        const twice = yield* fault(
          handlers.CreateBackendAuth({ ...named("auth2"), ResourceConfig: authConfig })
        )
        expect(twice.code).toBe("BadRequestException")
        expect(twice.message).toContain("already has an auth resource")
        for (const secret of secrets) expect(twice.message).not.toContain(secret)
        const noEnv = yield* fault(handlers.CreateBackendAuth({
          AppId,
          BackendEnvironmentName: "qa",
          ResourceName: "auth1",
          ResourceConfig: authConfig
        }))
        expect(noEnv).toMatchObject({ code: "NotFoundException", resourceType: "environment" })
      }))

    it.effect("UpdateBackendAuth merges into the stored config; DeleteBackendAuth removes it", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        yield* handlers.CreateBackendAuth({ ...named("auth1"), ResourceConfig: authConfig })
        const updated = yield* handlers.UpdateBackendAuth({
          ...env,
          ResourceName: "auth1",
          ResourceConfig: {
            AuthResources: "IDENTITY_POOL_AND_USER_POOL",
            Service: "COGNITO",
            IdentityPoolConfigs: { UnauthenticatedLogin: true },
            UserPoolConfigs: {
              Mfa: { MFAMode: "ON" },
              PasswordPolicy: { MinimumLength: 12 },
              OAuth: {
                SocialProviderSettings: { Facebook: { ClientId: "fb", ClientSecret: "fb-secret" } }
              }
            }
          }
        })
        expect(updated).toMatchObject({ Operation: "UpdateBackendAuth", Status: "IN_PROGRESS" })
        const read = (yield* handlers.GetBackendAuth(named("auth1"))).ResourceConfig
        expect(read?.IdentityPoolConfigs).toEqual({ IdentityPoolName: "idpool", UnauthenticatedLogin: true })
        const pool = read?.UserPoolConfigs
        expect(pool?.UserPoolName).toBe("users")
        expect(pool?.Mfa).toEqual({ MFAMode: "ON", Settings: { MfaTypes: ["TOTP"] } })
        expect(pool?.PasswordPolicy).toEqual({ MinimumLength: 12, AdditionalConstraints: ["REQUIRE_DIGIT"] })
        expect(Object.keys(pool?.OAuth?.SocialProviderSettings ?? {}).sort())
          .toEqual(["Facebook", "Google", "SignInWithApple"])
        expect(pool?.OAuth?.OAuthGrantType).toBe("CODE")

        const wrongName = yield* fault(
          handlers.UpdateBackendAuth({ ...named("other"), ResourceConfig: userPoolOnly })
        )
        expect(wrongName).toMatchObject({ code: "NotFoundException", resourceType: "auth" })

        const deleted = yield* handlers.DeleteBackendAuth(named("auth1"))
        expect(deleted).toMatchObject({ Operation: "DeleteBackendAuth", Status: "IN_PROGRESS" })
        const gone = yield* fault(handlers.GetBackendAuth(named("auth1")))
        expect(gone).toMatchObject({ resourceType: "auth" })
        const again = yield* fault(handlers.DeleteBackendAuth(named("auth1")))
        expect(again).toMatchObject({ resourceType: "auth" })
      }))

    it.effect("ImportBackendAuth records the user pool, which cannot be updated", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup()
        const imported = yield* handlers.ImportBackendAuth({
          ...env,
          UserPoolId: "us-east-1_Pool",
          IdentityPoolId: "us-east-1:identity",
          NativeClientId: "native",
          WebClientId: "web"
        })
        expect(imported).toMatchObject({ ...env, Operation: "ImportBackendAuth", Status: "IN_PROGRESS" })
        const read = yield* handlers.GetBackendAuth(named("us-east-1_Pool"))
        expect(read.ResourceConfig).toMatchObject({
          AuthResources: "IDENTITY_POOL_AND_USER_POOL",
          Service: "COGNITO",
          UserPoolConfigs: { UserPoolName: "us-east-1_Pool" }
        })
        expect((yield* snapshot).apps[0]?.environments[0]?.auth?.imported).toEqual({
          userPoolId: "us-east-1_Pool",
          identityPoolId: "us-east-1:identity",
          nativeClientId: "native",
          webClientId: "web"
        })
        const update = yield* fault(
          handlers.UpdateBackendAuth({ ...named("us-east-1_Pool"), ResourceConfig: userPoolOnly })
        )
        expect(update.code).toBe("BadRequestException")
        const again = yield* fault(
          handlers.ImportBackendAuth({ ...env, UserPoolId: "p", NativeClientId: "n", WebClientId: "w" })
        )
        expect(again.code).toBe("BadRequestException")
      }))
  })

  describe("storage", () => {
    it.effect("creates, reads, updates, lists and deletes a storage resource", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const created = yield* handlers.CreateBackendStorage({
          ...named("Photos"),
          ResourceConfig: s3(["READ", "CREATE_AND_UPDATE"])
        })
        expect(Object.keys(created).sort()).toEqual(["AppId", "BackendEnvironmentName", "JobId", "Status"])
        const read = yield* handlers.GetBackendStorage(named("Photos"))
        const bucket = read.ResourceConfig?.BucketName ?? ""
        expect(bucket).toMatch(/^photos[0-9a-f]{6}-dev$/)
        expect(read.ResourceConfig).toEqual({
          BucketName: bucket,
          Imported: false,
          ServiceName: "S3",
          Permissions: { Authenticated: ["READ", "CREATE_AND_UPDATE"] }
        })

        const permissions = { Authenticated: ["READ"], UnAuthenticated: ["READ"] } as const
        yield* handlers.UpdateBackendStorage({
          ...named("Photos"),
          ResourceConfig: { ServiceName: "S3", Permissions: permissions }
        })
        const updated = yield* handlers.GetBackendStorage(named("Photos"))
        expect(updated.ResourceConfig?.Permissions).toEqual(permissions)

        const buckets = (yield* handlers.ListS3Buckets({})).Buckets ?? []
        const names = buckets.map((b) => b.Name ?? "")
        expect(names).toEqual([...names].sort())
        expect(names).toEqual(expect.arrayContaining(["amplify-local-deployment", bucket]))
        expect(buckets).toHaveLength(4)
        const paged = yield* fault(handlers.ListS3Buckets({ NextToken: "x" }))
        expect(paged.code).toBe("BadRequestException")

        const twice = yield* fault(
          handlers.CreateBackendStorage({ ...named("Other"), ResourceConfig: s3() })
        )
        expect(twice.code).toBe("BadRequestException")

        yield* handlers.DeleteBackendStorage({ ...named("Photos"), ServiceName: "S3" })
        const gone = yield* fault(handlers.GetBackendStorage(named("Photos")))
        expect(gone).toMatchObject({ resourceType: "storage" })
        const again = yield* fault(handlers.DeleteBackendStorage({ ...named("Photos"), ServiceName: "S3" }))
        expect(again).toMatchObject({ resourceType: "storage" })
        expect((yield* handlers.ListS3Buckets({})).Buckets).toHaveLength(3)
      }))

    it.effect("ImportBackendStorage needs a bucket, and names the read-only resource after it", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const noBucket = yield* fault(handlers.ImportBackendStorage({ ...env, ServiceName: "S3" }))
        expect(noBucket.code).toBe("BadRequestException")
        const imported = yield* handlers.ImportBackendStorage({
          ...env,
          ServiceName: "S3",
          BucketName: "existing"
        })
        expect(imported).toMatchObject({ ...env, Status: "IN_PROGRESS" })
        const read = yield* handlers.GetBackendStorage(named("existing"))
        expect(read.ResourceConfig).toEqual({ BucketName: "existing", Imported: true, ServiceName: "S3" })
        const update = yield* fault(
          handlers.UpdateBackendStorage({ ...named("existing"), ResourceConfig: s3() })
        )
        expect(update.code).toBe("BadRequestException")
      }))
  })

  describe("API", () => {
    it.effect("creates, reads, updates and deletes an API, and generates its models", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const api = named("todos")
        const created = yield* handlers.CreateBackendAPI({
          ...api,
          ResourceConfig: { ApiName: "todos", Service: "AppSync", TransformSchema: todoSchema }
        })
        expect(created).toMatchObject({ ...env, Operation: "CreateBackendAPI", Status: "IN_PROGRESS" })
        expect((yield* handlers.GetBackendAPI(api)).ResourceConfig).toEqual({
          ApiName: "todos",
          Service: "AppSync",
          TransformSchema: todoSchema
        })
        expect(yield* handlers.GetBackendAPIModels(api)).toEqual({ Status: "STALE" })

        const generated = yield* handlers.GenerateBackendAPIModels(api)
        expect(generated).toMatchObject({
          Operation: "GenerateBackendAPIModels",
          Status: "IN_PROGRESS"
        })
        const models = yield* handlers.GetBackendAPIModels(api)
        expect(models.Status).toBe("LATEST")
        const parsed = JSON.parse(models.Models ?? "")
        expect(Object.keys(parsed.models)).toEqual(["Todo"])
        expect(parsed.models.Todo.fields.tags).toEqual({
          name: "tags",
          type: "String",
          isArray: true,
          isRequired: true
        })
        expect(parsed.models.Todo.fields.note).toMatchObject({ isRequired: false, isArray: false })
        expect(JSON.parse(models.ModelIntrospectionSchema ?? "")).toMatchObject({ version: 1 })

        yield* handlers.UpdateBackendAPI({
          ...api,
          ResourceConfig: { ConflictResolution: { ResolutionStrategy: "AUTOMERGE" } }
        })
        expect((yield* handlers.GetBackendAPI(api)).ResourceConfig).toMatchObject({
          ApiName: "todos",
          ConflictResolution: { ResolutionStrategy: "AUTOMERGE" }
        })
        expect((yield* handlers.GetBackendAPIModels(api)).Status).toBe("STALE")

        const twice = yield* fault(handlers.CreateBackendAPI({ ...api, ResourceConfig: {} }))
        expect(twice.code).toBe("BadRequestException")
        yield* handlers.DeleteBackendAPI(api)
        for (const read of [
          handlers.GetBackendAPI(api),
          handlers.GetBackendAPIModels(api),
          handlers.GenerateBackendAPIModels(api),
          handlers.UpdateBackendAPI(api),
          handlers.DeleteBackendAPI(api)
        ]) {
          expect(yield* fault(read)).toMatchObject({ code: "NotFoundException", resourceType: "api" })
        }
      }))
  })

  describe("config", () => {
    it.effect("CreateBackendConfig, UpdateBackendConfig and RemoveBackendConfig", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup()
        const created = yield* handlers.CreateBackendConfig({ AppId })
        expect(created).toMatchObject({ AppId, BackendEnvironmentName, Status: "IN_PROGRESS" })
        expect((yield* handlers.GetBackendJob({ ...env, JobId: created.JobId ?? "" })).Operation)
          .toBe("CreateBackendConfig")
        const twice = yield* fault(handlers.CreateBackendConfig({ AppId }))
        expect(twice.code).toBe("BadRequestException")

        const first = yield* handlers.UpdateBackendConfig({
          AppId,
          LoginAuthConfig: { AwsCognitoRegion: "us-east-1", AwsUserPoolsId: "pool" }
        })
        expect(first).toEqual({
          AppId,
          BackendManagerAppId: AppId,
          LoginAuthConfig: { AwsCognitoRegion: "us-east-1", AwsUserPoolsId: "pool" }
        })
        const second = yield* handlers.UpdateBackendConfig({
          AppId,
          LoginAuthConfig: { AwsUserPoolsWebClientId: "web" }
        })
        expect(second.LoginAuthConfig).toEqual({
          AwsCognitoRegion: "us-east-1",
          AwsUserPoolsId: "pool",
          AwsUserPoolsWebClientId: "web"
        })
        const stored = (yield* snapshot).apps[0]?.config
        expect(stored?.loginAuthConfig?.AwsUserPoolsWebClientId).toBe("web")

        expect(yield* handlers.RemoveBackendConfig({ AppId })).toEqual({})
        const removeAgain = yield* fault(handlers.RemoveBackendConfig({ AppId }))
        expect(removeAgain).toMatchObject({ resourceType: "config" })
        const updateGone = yield* fault(handlers.UpdateBackendConfig({ AppId }))
        expect(updateGone).toMatchObject({ resourceType: "config" })
        const managed = yield* handlers.CreateBackendConfig({ AppId, BackendManagerAppId: "mgr" })
        expect(managed.Status).toBe("IN_PROGRESS")
        expect((yield* handlers.UpdateBackendConfig({ AppId })).BackendManagerAppId).toBe("mgr")
      }))
  })

  describe("tokens", () => {
    it.effect("CreateToken, GetToken and DeleteToken, with sessions that expire", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup()
        const token = yield* handlers.CreateToken({ AppId })
        expect(token).toMatchObject({ AppId, Ttl: "600" })
        expect(token.ChallengeCode).toMatch(/^\d{6}$/)
        const session = { AppId, SessionId: token.SessionId ?? "" }
        yield* TestClock.adjust("100 seconds")
        expect(yield* handlers.GetToken(session)).toEqual({ ...token, Ttl: "500" })
        expect(yield* handlers.DeleteToken(session)).toEqual({ IsSuccess: true })
        const gone = yield* fault(handlers.GetToken(session))
        expect(gone).toMatchObject({ code: "NotFoundException", resourceType: "session" })
        expect(gone.message).not.toContain(session.SessionId)
        const deleteAgain = yield* fault(handlers.DeleteToken(session))
        expect(deleteAgain).toMatchObject({ resourceType: "session" })

        const expiring = yield* handlers.CreateToken({ AppId })
        expect((yield* snapshot).apps[0]?.liveSessions).toBe(1)
        yield* TestClock.adjust("600 seconds")
        const expired = yield* fault(handlers.GetToken({ AppId, SessionId: expiring.SessionId ?? "" }))
        expect(expired).toMatchObject({ resourceType: "session" })
        expect((yield* snapshot).apps[0]?.liveSessions).toBe(0)
        const noApp = yield* fault(handlers.CreateToken({ AppId: "nope" }))
        expect(noApp).toMatchObject({ resourceType: "app" })
      }))

    it.effect("too many live sessions is TooManyRequestsException", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup({ maxSessionsPerApp: 2, tokenTtlSeconds: 10 })
        yield* handlers.CreateToken({ AppId })
        yield* handlers.CreateToken({ AppId })
        const refused = yield* fault(handlers.CreateToken({ AppId }))
        expect(refused).toMatchObject({ code: "TooManyRequestsException", limitType: "sessions" })
        yield* TestClock.adjust("10 seconds")
        expect((yield* handlers.CreateToken({ AppId })).Ttl).toBe("10")
      }))
  })

  describe("options and errors", () => {
    it.effect("a seed makes every id, code and token repeat", () =>
      Effect.gen(function*() {
        const script = (seed: number) =>
          Effect.gen(function*() {
            yield* TestClock.setTime(0)
            const { handlers } = yield* setup({ seed })
            const outputs: Array<unknown> = [...yield* addApis(handlers, 3)]
            outputs.push(yield* handlers.CreateToken({ AppId }))
            outputs.push(yield* handlers.ListBackendJobs({ ...env, MaxResults: 1 }))
            return outputs
          })
        const a = yield* script(42)
        const b = yield* script(42)
        const c = yield* script(43)
        expect(a).toEqual(b)
        expect(a).not.toEqual(c)
      }))

    it.effect("injectFault answers with the fault before the operation runs", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup({
          injectFault: (operation) =>
            operation === "GetBackend"
              ? new Service.LocalFault({ code: "GatewayTimeoutException", message: "injected" })
              : undefined
        })
        const injected = yield* fault(handlers.GetBackend({ AppId }))
        expect(injected).toMatchObject({ code: "GatewayTimeoutException", message: "injected" })
        const other = yield* fault(handlers.GetBackendAPIModels(named("x")))
        expect(other).toMatchObject({ code: "NotFoundException", resourceType: "api" })
      }))

    it.effect("concurrent creations of one resource: exactly one wins", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) =>
            Effect.either(
              handlers.CreateBackendAuth({ ...named(`auth${i}`), ResourceConfig: authConfig })
            )),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Either.isRight)).toHaveLength(1)
        expect(results.filter(Either.isLeft).map((r) => r.left.code))
          .toEqual(Array(19).fill("BadRequestException"))
      }))

    it.effect("every app-scoped operation answers NotFound app for an unknown app", () =>
      Effect.gen(function*() {
        const { handlers } = yield* setup()
        const AppId = "unknown"
        const e = { AppId, BackendEnvironmentName }
        const calls: ReadonlyArray<Effect.Effect<unknown, Service.LocalFault>> = [
          handlers.CloneBackend({ ...e, TargetEnvironmentName: "x" }),
          handlers.CreateBackendAPI({ ...e, ResourceName: "a", ResourceConfig: {} }),
          handlers.CreateBackendAuth({ ...e, ResourceName: "a", ResourceConfig: authConfig }),
          handlers.CreateBackendConfig({ AppId }),
          handlers.CreateBackendStorage({ ...e, ResourceName: "s", ResourceConfig: s3() }),
          handlers.CreateToken({ AppId }),
          handlers.DeleteBackend(e),
          handlers.DeleteBackendAPI({ ...e, ResourceName: "a" }),
          handlers.DeleteBackendAuth({ ...e, ResourceName: "a" }),
          handlers.DeleteBackendStorage({ ...e, ResourceName: "s", ServiceName: "S3" }),
          handlers.DeleteToken({ AppId, SessionId: "s" }),
          handlers.GenerateBackendAPIModels({ ...e, ResourceName: "a" }),
          handlers.GetBackend({ AppId }),
          handlers.GetBackendAPI({ ...e, ResourceName: "a" }),
          handlers.GetBackendAPIModels({ ...e, ResourceName: "a" }),
          handlers.GetBackendAuth({ ...e, ResourceName: "a" }),
          handlers.GetBackendJob({ ...e, JobId: "j" }),
          handlers.GetBackendStorage({ ...e, ResourceName: "s" }),
          handlers.GetToken({ AppId, SessionId: "s" }),
          handlers.ImportBackendAuth({
            ...e,
            UserPoolId: "p",
            NativeClientId: "n",
            WebClientId: "w"
          }),
          handlers.ImportBackendStorage({ ...e, ServiceName: "S3", BucketName: "b" }),
          handlers.ListBackendJobs(e),
          handlers.RemoveAllBackends({ AppId }),
          handlers.RemoveBackendConfig({ AppId }),
          handlers.UpdateBackendAPI({ ...e, ResourceName: "a" }),
          handlers.UpdateBackendAuth({ ...e, ResourceName: "a", ResourceConfig: userPoolOnly }),
          handlers.UpdateBackendConfig({ AppId }),
          handlers.UpdateBackendJob({ ...e, JobId: "j" }),
          handlers.UpdateBackendStorage({ ...e, ResourceName: "s", ResourceConfig: s3() })
        ]
        expect(calls).toHaveLength(29)
        for (const call of calls) {
          const refused = yield* fault(call)
          expect(refused).toMatchObject({ code: "NotFoundException", resourceType: "app" })
          expect(refused.message).toContain("unknown")
        }
      }))

    it.effect("snapshot is a plain copy that later calls do not change", () =>
      Effect.gen(function*() {
        const { handlers, snapshot } = yield* setup()
        const before = yield* snapshot
        yield* handlers.CreateBackend({ AppId, AppName: "Demo", BackendEnvironmentName: "prod" })
        expect(before.apps[0]?.environments.map((e) => e.name)).toEqual(["dev"])
        expect((yield* snapshot).apps[0]?.environments.map((e) => e.name)).toEqual(["dev", "prod"])
        expect(before.jobs.map((j) => j.Status)).toEqual(["COMPLETED"])
      }))
  })
})
