/**
 * The lifecycle of an Amplify backend, end to end: create a backend, add auth, storage and an
 * API, wait for their jobs, list the jobs page by page, read the details back, create and
 * remove a token, then clean up and print a summary.
 *
 *   npm start                          against a local AmplifyBackend on a loopback port
 *   npm start -- --aws --app-id ID     against AWS, with AWS_REGION and credentials from the
 *                                      environment, for an existing Amplify app ID
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import { allJobs, waitForJob } from "../src/Jobs.js"
import * as Node from "../src/Layer/Node.js"
import * as Local from "../src/Local/Local.js"

const args = process.argv.slice(2)
const useAws = args.includes("--aws")
const appIdArg = args[args.indexOf("--app-id") + 1]
const environment = "demo"

const lifecycle = (appId: string) =>
  Effect.gen(function*() {
    const amplify = yield* AmplifyBackend
    const env = { AppId: appId, BackendEnvironmentName: environment }
    const lines: Array<string> = []
    const note = (line: string) => Effect.sync(() => lines.push(line))

    const created = yield* amplify.createBackend({ AppId: appId, AppName: "effect-demo", BackendEnvironmentName: environment })
    yield* note(`backend   ${created.AppId}/${created.BackendEnvironmentName}  job ${created.JobId} ${created.Status}`)
    // From here on, a failure first removes what may have been created.
    return yield* Effect.tapError(steps(env, created.JobId!, note, lines), () => cleanUpAfterFailure(env))
  })

type Env = { readonly AppId: string; readonly BackendEnvironmentName: string }

/** After a failure: removes the environment's parts and the environment, whichever exist. */
const cleanUpAfterFailure = (env: Env) =>
  Effect.gen(function*() {
    const amplify = yield* AmplifyBackend
    const removed = yield* Effect.all([
      amplify.deleteBackendAPI({ ...env, ResourceName: "demoapi" }),
      amplify.deleteBackendStorage({ ...env, ResourceName: "demostorage", ServiceName: "S3" }),
      amplify.deleteBackendAuth({ ...env, ResourceName: "demoauth" })
    ].map((removal) => Effect.option(Effect.flatMap(removal, (job) => waitForJob({ ...env, JobId: job.JobId! })))), {
      concurrency: "unbounded"
    })
    const backend = yield* Effect.option(amplify.deleteBackend(env))
    yield* Console.error(
      `after the failure: ${removed.filter((r) => r._tag === "Some").length} of 3 resources removed; ` +
        `environment ${env.BackendEnvironmentName} ${backend._tag === "Some" ? "removed" : "not removed (check the app)"}`
    )
  })

/** Everything after the backend's creation. */
const steps = (env: Env, createJob: string, note: (line: string) => Effect.Effect<number>, lines: Array<string>) =>
  Effect.gen(function*() {
    const amplify = yield* AmplifyBackend
    const appId = env.AppId
    yield* waitForJob({ ...env, JobId: createJob })

    // Auth, storage and an API, created together; each answers with a job to wait for.
    const [auth, storage, api] = yield* Effect.all([
      amplify.createBackendAuth({
        ...env,
        ResourceName: "demoauth",
        ResourceConfig: {
          AuthResources: "USER_POOL_ONLY",
          Service: "COGNITO",
          UserPoolConfigs: { UserPoolName: "demo-users", SignInMethod: "EMAIL", RequiredSignUpAttributes: ["EMAIL"] }
        }
      }),
      amplify.createBackendStorage({
        ...env,
        ResourceName: "demostorage",
        ResourceConfig: {
          ServiceName: "S3",
          BucketName: "demo-bucket",
          Permissions: { Authenticated: ["READ", "CREATE_AND_UPDATE"], UnAuthenticated: ["READ"] }
        }
      }),
      amplify.createBackendAPI({
        ...env,
        ResourceName: "demoapi",
        ResourceConfig: { ApiName: "demoapi", Service: "AppSync", DefaultAuthType: { Mode: "AMAZON_COGNITO_USER_POOLS" } }
      })
    ], { concurrency: "unbounded" })
    const finished = yield* Effect.all(
      [auth, storage, api].map((job) => waitForJob({ ...env, JobId: job.JobId! })),
      { concurrency: "unbounded" }
    )
    for (const job of finished) yield* note(`job       ${job.JobId} ${job.Operation} ${job.Status}`)

    const jobs = yield* allJobs({ ...env, MaxResults: 2 })
    yield* note(`jobs      ${jobs.length} listed, 2 per page`)

    const backend = yield* amplify.getBackend({ AppId: appId, BackendEnvironmentName: environment })
    yield* note(`details   app ${backend.AppName ?? "?"}, environments ${(backend.BackendEnvironmentList ?? []).join(", ")}`)
    const authDetails = yield* amplify.getBackendAuth({ ...env, ResourceName: "demoauth" })
    yield* note(`auth      sign-in by ${authDetails.ResourceConfig?.UserPoolConfigs?.SignInMethod ?? "?"}`)
    const storageDetails = yield* amplify.getBackendStorage({ ...env, ResourceName: "demostorage" })
    yield* note(`storage   bucket ${storageDetails.ResourceConfig?.BucketName ?? "?"}`)
    const apiDetails = yield* amplify.getBackendAPI({ ...env, ResourceName: "demoapi" })
    yield* note(`api       ${apiDetails.ResourceConfig?.ApiName ?? "?"} by ${apiDetails.ResourceConfig?.Service ?? "?"}`)

    const token = yield* amplify.createToken({ AppId: appId })
    yield* note(`token     session ${token.SessionId} (ttl ${token.Ttl ?? "?"})`)
    yield* amplify.deleteToken({ AppId: appId, SessionId: token.SessionId! })

    const removals = yield* Effect.all([
      amplify.deleteBackendAPI({ ...env, ResourceName: "demoapi" }),
      amplify.deleteBackendStorage({ ...env, ResourceName: "demostorage", ServiceName: "S3" }),
      amplify.deleteBackendAuth({ ...env, ResourceName: "demoauth" })
    ], { concurrency: "unbounded" })
    yield* Effect.all(removals.map((job) => waitForJob({ ...env, JobId: job.JobId! })), { concurrency: "unbounded" })
    const deleted = yield* amplify.deleteBackend(env)
    yield* waitForJob({ ...env, JobId: deleted.JobId! })
    yield* note(`cleanup   api, storage, auth and backend removed (job ${deleted.JobId})`)
    return lines
  })

const report = (where: string, lines: ReadonlyArray<string>) =>
  Console.log([`AmplifyBackend lifecycle against ${where}`, ...lines.map((l) => `  ${l}`), "done"].join("\n"))

const againstLocal = Effect.scoped(
  Effect.gen(function*() {
    const server = yield* Local.serve({ jobDurationMillis: 50 })
    const client = Node.layer({
      endpoint: server.url,
      region: Local.defaultRegion,
      credentials: Local.defaultCredentials
    })
    const lines = yield* lifecycle("demo-app").pipe(Effect.provide(client))
    yield* report(`the local AmplifyBackend at ${server.url}`, lines)
  })
)

const againstAws = Effect.suspend(() => {
  if (appIdArg === undefined || appIdArg.startsWith("--")) {
    return Effect.dieMessage("--aws needs --app-id ID: the ID of an existing Amplify app")
  }
  return lifecycle(appIdArg).pipe(
    Effect.provide(Node.layer()),
    Effect.flatMap((lines) => report(`AWS (${process.env.AWS_REGION ?? "no region"})`, lines))
  )
})

const program = (useAws ? againstAws : againstLocal).pipe(
  Effect.catchAll((error) =>
    Console.error(`failed: ${error._tag}: ${error.message}`).pipe(
      Effect.zipRight(Effect.sync(() => (process.exitCode = 1)))
    )
  )
)

Effect.runPromise(program)
