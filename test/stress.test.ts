/**
 * A bounded stress run over real loopback HTTP: 2 000 calls (after 200 to warm up) at
 * concurrency 50, through `Node.layer`, once with its default undici client and once with
 * `LeanHttpClient`, against a local AmplifyBackend that breaks 20 % of the requests with a seeded
 * pick among every kind of fault.
 *
 * Every call is tagged, so the service's request log tells, per call, each attempt, the fault
 * it met and whether the service acted; a wrapper around the undici client records how each
 * attempt ended on the client's side (a status, an error, or abandoned at the attempt timeout:
 * client and service share one event loop, so under load the service may act on a request after
 * the client gave up on it). From both views, the client's reports and the final state:
 * - no wrong success: every success agrees with the service's state;
 * - every failure is a typed error with `$metadata`, its attempts those the service saw;
 * - only what may be retried is retried, within the attempt limit and the quota;
 * - every failure was not applied, or says so (`outcomeUnknown`, a ResponseDecodeError after a
 *   2xx), or was applied by an earlier attempt whose response was lost (counted and reported);
 * - no socket stays open once the client's layer is closed, no fiber is left running, and the
 *   heap after the run stays within a bound of the heap after the warm-up.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Supervisor from "effect/Supervisor"
import { monitorEventLoopDelay } from "node:perf_hooks"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { AmplifyBackend } from "../src/AmplifyBackend.js"
import { classify, type Classifiable } from "../src/internal/retry.js"
import type { ConfigurationError } from "../src/ClientErrors.js"
import * as Client from "../src/Layer/Client.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"
import * as Faults from "../src/Local/Faults.js"
import * as Local from "../src/Local/Local.js"
import type { ResponseMetadata } from "../src/Schema/Metadata.js"

const apps = 40
const environments = 10
const warmUpCalls = 200
/** The warm-up runs gently: a cold, busy process at full concurrency would time out in a pile. */
const warmUpConcurrency = 10
const calls = 2000
const concurrency = 50
const faultRate = 0.2
const attemptTimeoutMillis = 2000
const delayMillis = 2500
/**
 * Heap growth allowed from after the warm-up to after the run, once the test has let go of its
 * own records. What stays on purpose is the service's: its request log (~3 000 entries), the
 * sessions, storage resources and jobs the calls created, the attempt counts per call tag, and
 * code V8 compiled meanwhile; measured at 5 to 6 MB. 10 MB leaves room for V8's variation;
 * keeping a socket, an undici request, a fiber or a response per call (several KB each, over
 * 2 200 calls) would pass it.
 */
const heapBoundBytes = 10 * 1024 * 1024

type Call =
  | { readonly kind: "CreateBackendStorage"; readonly app: string; readonly env: string }
  | { readonly kind: "UpdateBackendJob"; readonly app: string; readonly env: string; readonly status: string }
  | { readonly kind: "CreateToken"; readonly app: string }
  | { readonly kind: "GetBackendStorage"; readonly app: string; readonly env: string }
  | { readonly kind: "GetBackendJob"; readonly app: string; readonly env: string }
  | { readonly kind: "GetBackend"; readonly app: string; readonly env: string }

type Output = { readonly $metadata: ResponseMetadata } & Readonly<Record<string, unknown>>

interface Outcome {
  readonly tag: string
  readonly call: Call
  readonly result: Either.Either<Output, unknown>
  /** The client's retry quota right after the call ended (read in the same fiber). */
  readonly quotaAfter: number
}

/** A small seeded generator for the mix of calls (the fault plan has its own seed). */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
}

const bucketOf = (app: string, env: string) => `bkt-${app}-${env}`

/** The calls: a mix of mutations (storage, job updates, tokens) and reads over many apps. */
const plan = (count: number, seed: number): ReadonlyArray<Call> => {
  const random = seeded(seed)
  const pick = (n: number) => Math.floor(random() * n)
  return Array.from({ length: count }, (_, i): Call => {
    const app = `app${pick(apps)}`
    const env = `env${pick(environments)}`
    const r = random()
    if (r < 0.25) return { kind: "CreateBackendStorage", app, env }
    if (r < 0.45) return { kind: "UpdateBackendJob", app, env, status: `S${seed}-${i}` }
    if (r < 0.65) return { kind: "CreateToken", app }
    if (r < 0.8) return { kind: "GetBackendStorage", app, env }
    if (r < 0.9) return { kind: "GetBackendJob", app, env }
    return { kind: "GetBackend", app, env }
  })
}

/** A way to run V8's collector: `global.gc` when exposed, else the flag set at run time. */
const collector = (): (() => void) | undefined => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  try {
    v8.setFlagsFromString("--expose-gc")
    return vm.runInNewContext("gc") as () => void
  } catch {
    return undefined
  }
}

const heapUsed = (gc: (() => void) | undefined) =>
  Effect.promise(async () => {
    for (let i = 0; i < 3; i++) {
      gc?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    return process.memoryUsage().heapUsed
  })

const typedErrors = new Set([
  "BadRequestException",
  "NotFoundException",
  "TooManyRequestsException",
  "GatewayTimeoutException",
  "ServiceError",
  "ResponseDecodeError",
  "TransportError",
  "TimeoutError"
])

const retryableFaults = new Set(["throttle", "serverError", "gatewayTimeout", "reset", "delay", "truncate", "skew"])
/** Faults after which the service had acted but the client cannot know it. */
const lostResponseFaults = (fault: Faults.Fault | undefined) =>
  fault !== undefined &&
  (fault.kind === "delay" || fault.kind === "truncate" || (fault.kind === "reset" && fault.when === "after"))

const applied = (e: Faults.LogEntry) => e.acted && e.status !== undefined && e.status >= 200 && e.status < 300
/**
 * A refusal for clock skew: the fault's, or the service's own after the client was misled (its
 * error code survives a `contentType` fault, which only replaces the body).
 */
const skewRefusal = (e: Faults.LogEntry) =>
  e.fault?.kind === "skew" ||
  (e.code === "InvalidSignatureException" && (e.fault === undefined || e.fault.kind === "contentType"))
const retryableFault = (e: Faults.LogEntry) => e.fault !== undefined && retryableFaults.has(e.fault.kind)

/** How each attempt of each call ended, on the client's side, by call tag. */
type ClientSide = Map<string, Array<"interrupted" | "error" | number>>

/** Records, per call tag, how each request ended: its status, an error, or interrupted. */
const recording = (seen: ClientSide) => (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect, request) =>
    Effect.onExit(effect, (exit) =>
      Effect.sync(() => {
        const tag = request.headers[Faults.callHeader] ?? ""
        const list = seen.get(tag) ?? []
        list.push(Exit.isSuccess(exit) ? exit.value.status : Exit.isInterrupted(exit) ? "interrupted" : "error")
        seen.set(tag, list)
      })))

type Server = Effect.Effect.Success<ReturnType<typeof Local.serve>>

interface Figures {
  calls: number
  requests: number
  successes: number
  failures: number
  retries: number
  skewRetries: number
  abandonedAttempts: number
  outcomeUnknown: number
  decodeAfter2xx: number
  appliedThenRetried: number
  stoppedByEmptyQuota: number
  failuresByTag: Record<string, number>
  serviceErrorCodes: Record<string, number>
  faultsByKind: Record<string, number>
}

/** Creates the apps and environments, straight through the handlers (never faulted, not logged). */
const setup = (server: Server) =>
  Effect.gen(function*() {
    const jobs = new Map<string, string>()
    for (let a = 0; a < apps; a++) {
      for (let e = 0; e < environments; e++) {
        const receipt = yield* server.local.backend.handlers.CreateBackend({
          AppId: `app${a}`,
          AppName: `app${a}`,
          BackendEnvironmentName: `env${e}`
        })
        jobs.set(`app${a}/env${e}`, receipt.JobId!)
      }
    }
    return (app: string, env: string) => jobs.get(`${app}/${env}`)!
  })

/** One call, tagged, through the `AmplifyBackend` service: what it returned or failed with. */
const execute = (jobOf: (app: string, env: string) => string) => (call: Call, tag: string) =>
  Effect.gen(function*() {
    const amplify = yield* AmplifyBackend
    const address = "env" in call ? { AppId: call.app, BackendEnvironmentName: call.env } : { AppId: call.app }
    const env = "env" in call ? call.env : ""
    let effect: Effect.Effect<Output, unknown>
    switch (call.kind) {
      case "CreateBackendStorage":
        effect = amplify.createBackendStorage({
          AppId: call.app,
          BackendEnvironmentName: env,
          ResourceName: "files",
          ResourceConfig: {
            ServiceName: "S3",
            BucketName: bucketOf(call.app, env),
            Permissions: { Authenticated: ["READ"] }
          }
        })
        break
      case "UpdateBackendJob":
        effect = amplify.updateBackendJob({
          AppId: call.app,
          BackendEnvironmentName: env,
          JobId: jobOf(call.app, env),
          Status: call.status
        })
        break
      case "CreateToken":
        effect = amplify.createToken(address)
        break
      case "GetBackendStorage":
        effect = amplify.getBackendStorage({ AppId: call.app, BackendEnvironmentName: env, ResourceName: "files" })
        break
      case "GetBackendJob":
        effect = amplify.getBackendJob({ AppId: call.app, BackendEnvironmentName: env, JobId: jobOf(call.app, env) })
        break
      case "GetBackend":
        effect = amplify.getBackend(address)
        break
    }
    const result = yield* Effect.either(effect).pipe(Faults.withCall(tag))
    const quotaAfter = yield* Effect.flatMap(Client.Client, (client) => client.retryQuota)
    return { tag, call, result, quotaAfter } satisfies Outcome
  })

/**
 * Runs the warm-up and the calls, then checks them against the service's log and state. Answers
 * only figures: the outcomes and logs it held are out of reach once it returns.
 */
const runAndCheck = (
  server: Server,
  gc: (() => void) | undefined,
  base: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
) =>
  Effect.gen(function*() {
    const backend = server.local.backend
    const jobOf = yield* setup(server)
    const clientSide: ClientSide = new Map()
    const tagged = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (undici) => Faults.tagging(recording(clientSide)(undici)))
    ).pipe(Layer.provide(base))
    // `Node.layer` resolves its retry policy itself: the default, with a short attempt timeout.
    const client = Node.layer({
      endpoint: server.url,
      region: Local.defaultRegion,
      credentials: Local.defaultCredentials,
      httpClient: tagged,
      retry: { mode: "standard", maxAttempts: 3, attemptTimeout: `${attemptTimeoutMillis} millis` }
    })
    const run = execute(jobOf)

    const supervisor = yield* Supervisor.track
    // Watch the supervisor during the run, to show it does see the client's fibers.
    let fibersPeak = 0
    const watch = yield* Effect.forkDaemon(
      Effect.repeat(
        Effect.flatMap(supervisor.value, (fibers) =>
          Effect.sync(() => (fibersPeak = Math.max(fibersPeak, fibers.length)))),
        Schedule.spaced("50 millis")
      )
    )
    const { outcomes, quota, heapBefore, runMillis } = yield* Effect.gen(function*() {
      const warmUp = yield* Effect.forEach(plan(warmUpCalls, 1), (c, i) => run(c, `w${i}`), {
        concurrency: warmUpConcurrency
      })
      const heapBefore = yield* heapUsed(gc)
      const runStarted = Date.now()
      const main = yield* Effect.forEach(plan(calls, 2), (c, i) => run(c, `c${i}`), { concurrency })
      const runMillis = Date.now() - runStarted
      const quota = yield* Effect.flatMap(Client.Client, (c) => c.retryQuota)
      return { outcomes: [...warmUp, ...main], quota, heapBefore, runMillis }
    }).pipe(Effect.provide(client), Effect.supervised(supervisor))

    // No socket left: the client's layer is closed, so its connections must go.
    let stats = yield* server.stats
    for (let i = 0; i < 200 && stats.openConnections > 0; i++) {
      yield* Effect.sleep("10 millis")
      stats = yield* server.stats
    }
    expect(stats.openConnections).toBe(0)
    // No fiber left running (while the run had at least one per call in flight).
    yield* Fiber.interrupt(watch)
    expect(fibersPeak).toBeGreaterThanOrEqual(concurrency)
    const live = (yield* supervisor.value).filter((fiber) => fiber.unsafePoll() === null)
    expect(live).toHaveLength(0)

    const log = yield* server.local.faults.log
    const snapshot = yield* backend.snapshot
    const byCall = new Map<string, Array<Faults.LogEntry>>()
    for (const entry of log) {
      expect(entry.call, "every request carried its call's tag").toBeDefined()
      const list = byCall.get(entry.call!) ?? []
      list.push(entry)
      byCall.set(entry.call!, list)
    }

    const figures: Figures = {
      calls: outcomes.length,
      requests: log.length,
      successes: 0,
      failures: 0,
      retries: 0,
      skewRetries: 0,
      abandonedAttempts: 0,
      outcomeUnknown: 0,
      decodeAfter2xx: 0,
      appliedThenRetried: 0,
      stoppedByEmptyQuota: 0,
      failuresByTag: {},
      serviceErrorCodes: {},
      faultsByKind: {}
    }
    for (const entry of log) {
      if (entry.fault === undefined) continue
      const label = Faults.label(entry.fault)
      figures.faultsByKind[label] = (figures.faultsByKind[label] ?? 0) + 1
    }

    // What each call applied, by target: storage per environment, tokens per app, job statuses.
    const statusesApplied = new Map<string, Set<string>>()
    const storageApplied = new Map<string, number>()
    const tokensApplied = new Map<string, number>()

    for (const { tag, call, result } of outcomes) {
      const entries = (byCall.get(tag) ?? []).sort((a, b) => a.attempt - b.attempt)
      expect(entries.map((e) => e.attempt), tag).toEqual(entries.map((_, i) => i + 1))
      const last = entries[entries.length - 1]
      const key = "env" in call ? `${call.app}/${call.env}` : call.app
      // The client's view: how each attempt ended (a status, an error, or abandoned).
      const attempts = clientSide.get(tag) ?? []
      const abandoned = attempts.filter((a) => a === "interrupted").length
      figures.abandonedAttempts += abandoned
      const story = `${tag} ${JSON.stringify(call)}: client ${JSON.stringify(attempts)}, service ` +
        JSON.stringify(entries.map((e) => [e.fault && Faults.label(e.fault), e.acted, e.status, e.code]))

      // The client's attempts are those the service saw, but for any it abandoned (timed out)
      // before the service read them.
      const reported = Either.isRight(result)
        ? result.right.$metadata
        : (result.left as { $metadata?: ResponseMetadata }).$metadata
      expect(reported?.attempts, `$metadata.attempts of ${story}`).toBe(attempts.length)
      expect(entries.length, story).toBeLessThanOrEqual(attempts.length)
      expect(attempts.length - entries.length, story).toBeLessThanOrEqual(abandoned)

      // Retries only of what may be retried: every attempt but the last met a retryable fault,
      // or was the call's one clock-skew retry, or was abandoned at the attempt timeout (under
      // load the service may answer after the client gave up); at most 3 attempts.
      const earlier = entries.slice(0, -1)
      const skew = earlier.filter((e) => !retryableFault(e) && skewRefusal(e)).length
      const other = earlier.filter((e) => !retryableFault(e) && !skewRefusal(e)).length
      expect(other + Math.max(0, skew - 1), `retried without cause: ${story}`).toBeLessThanOrEqual(abandoned)
      expect(attempts.length, story).toBeLessThanOrEqual(3)
      figures.retries += attempts.length - 1
      figures.skewRetries += Math.min(1, skew)

      const appliedEntries = entries.filter(applied)
      if (call.kind === "CreateBackendStorage") {
        storageApplied.set(key, (storageApplied.get(key) ?? 0) + appliedEntries.length)
      }
      if (call.kind === "CreateToken") tokensApplied.set(key, (tokensApplied.get(key) ?? 0) + appliedEntries.length)
      if (call.kind === "UpdateBackendJob" && appliedEntries.length > 0) {
        statusesApplied.set(key, (statusesApplied.get(key) ?? new Set()).add(call.status))
      }

      if (Either.isRight(result)) {
        figures.successes += 1
        // The answer came from an attempt the service applied, and reached the client whole:
        // no fault, or one that leaves the body intact (a held response can still beat the
        // timeout when the event loop is late for both).
        const answered = abandoned > 0 ? entries.filter(applied) : last === undefined ? [] : [last].filter(applied)
        const intact = answered.some((e) =>
          e.fault === undefined || e.fault.kind === "delay" ||
          (e.fault.kind === "contentType" && e.fault.body === "json")
        )
        expect(intact, `a success with no whole answer: ${story}`).toBe(true)
        continue
      }
      figures.failures += 1
      const error = result.left as {
        readonly _tag: string
        readonly $metadata?: ResponseMetadata
        readonly outcomeUnknown?: boolean
        readonly code?: string
      }
      figures.failuresByTag[error._tag] = (figures.failuresByTag[error._tag] ?? 0) + 1
      if (error._tag === "ServiceError") {
        const code = error.code ?? ""
        figures.serviceErrorCodes[code] = (figures.serviceErrorCodes[code] ?? 0) + 1
      }
      expect(typedErrors.has(error._tag), `${error._tag}: ${story}`).toBe(true)
      if (error.outcomeUnknown === true) figures.outcomeUnknown += 1
      const status = error.$metadata?.httpStatusCode ?? 0
      const decodeAfter2xx = error._tag === "ResponseDecodeError" && status >= 200 && status < 300
      if (decodeAfter2xx) figures.decodeAfter2xx += 1
      if (appliedEntries.length === 0) continue
      if (applied(last!) && abandoned === 0) {
        // The last attempt was applied: the client must say it may have been.
        expect(error.outcomeUnknown === true || decodeAfter2xx, `applied, reported ${error._tag}: ${story}`).toBe(true)
      } else {
        // Applied by an earlier attempt whose answer was lost (a fault, or the client gave up
        // on it); the retry then failed, and the error is the retry's.
        figures.appliedThenRetried += 1
        expect(appliedEntries.every((e) => lostResponseFaults(e.fault)) || abandoned > 0, story).toBe(true)
      }
    }

    // The state agrees with what the client reported.
    const environmentsOf = (app: string) => snapshot.apps.find((a) => a.appId === app)!.environments
    const storageOf = (app: string, env: string) => environmentsOf(app).find((e) => e.name === env)!.storage
    for (const { tag, call, result } of outcomes) {
      if (Either.isLeft(result)) continue
      const output = result.right
      switch (call.kind) {
        case "CreateBackendStorage": {
          expect(storageOf(call.app, call.env)?.bucketName, tag).toBe(bucketOf(call.app, call.env))
          const job = snapshot.jobs.find((j) => j.JobId === output.JobId)
          expect(job, tag).toMatchObject({
            Operation: "CreateBackendStorage",
            AppId: call.app,
            BackendEnvironmentName: call.env
          })
          break
        }
        case "UpdateBackendJob":
          expect(output, tag).toMatchObject({ JobId: jobOf(call.app, call.env), Status: call.status })
          break
        case "CreateToken": {
          const session = yield* backend.handlers.GetToken({ AppId: call.app, SessionId: output.SessionId as string })
          expect(session.ChallengeCode, tag).toBe(output.ChallengeCode)
          break
        }
        case "GetBackendStorage":
          expect(storageOf(call.app, call.env)?.bucketName, tag).toBe(bucketOf(call.app, call.env))
          expect(output.ResourceConfig, tag).toMatchObject({ BucketName: bucketOf(call.app, call.env) })
          break
        case "GetBackendJob": {
          const statuses = statusesApplied.get(`${call.app}/${call.env}`) ?? new Set()
          expect(output.Status === "COMPLETED" || statuses.has(output.Status as string), tag).toBe(true)
          break
        }
        case "GetBackend":
          expect(output, tag).toMatchObject({ AppId: call.app, BackendEnvironmentName: call.env })
          expect(output.BackendEnvironmentList, tag).toHaveLength(environments)
          break
      }
    }
    for (let a = 0; a < apps; a++) {
      const app = `app${a}`
      // Every token the service created is live: one per applied request, lost answers included.
      expect(snapshot.apps.find((s) => s.appId === app)!.liveSessions, app).toBe(tokensApplied.get(app) ?? 0)
      for (let e = 0; e < environments; e++) {
        const env = `env${e}`
        const key = `${app}/${env}`
        // A second creation is refused: at most one applied, and the state has it iff one was.
        expect(storageApplied.get(key) ?? 0, key).toBeLessThanOrEqual(1)
        expect(storageOf(app, env) === undefined, key).toBe((storageApplied.get(key) ?? 0) === 0)
        const job = snapshot.jobs.find((j) => j.JobId === jobOf(app, env) && j.BackendEnvironmentName === env)!
        const statuses = statusesApplied.get(key)
        expect(statuses === undefined ? job.Status === "COMPLETED" : statuses.has(job.Status!), key).toBe(true)
      }
    }

    // Retries within the quota: a failure the client itself deems retryable stops before the
    // third attempt only when the quota cannot pay for the retry (10 tokens after a timeout, 5
    // otherwise); the quota read right after such a call shows it.
    expect(quota).toBeGreaterThanOrEqual(0)
    expect(quota).toBeLessThanOrEqual(500)
    for (const { tag, result, quotaAfter } of outcomes) {
      if (Either.isRight(result)) continue
      const kind = classify(result.left as Classifiable)
      if (kind === undefined || (result.left as { $metadata: ResponseMetadata }).$metadata.attempts >= 3) continue
      figures.stoppedByEmptyQuota += 1
      expect(quotaAfter, `${tag} stopped after a ${kind} failure with the quota at ${quotaAfter}`).toBeLessThan(
        kind === "timeout" ? 10 : 5
      )
    }

    return { figures, quota, heapBefore, runMillis, stats, fibersPeak }
  })

const httpClients = [
  ["NodeHttpClient.layerUndici (the default)", NodeHttpClient.layerUndici],
  ["LeanHttpClient", LeanHttpClient.layer()]
] as const

describe.each(httpClients)("stress over real loopback HTTP, %s", (_name, base) => {
  it.scopedLive(`${calls} calls at concurrency ${concurrency} with ${faultRate * 100} % injected faults`, () =>
    Effect.gen(function*() {
      const started = Date.now()
      const server = yield* Local.serve({
        jobDurationMillis: 0,
        seed: 42,
        maxSessionsPerApp: 100_000,
        faults: {
          seed: 7,
          maxLogEntries: 1_000_000,
          rules: [{ fault: Faults.everyKind({ delayMillis }), rate: faultRate }]
        }
      })
      const gc = collector()
      const lag = monitorEventLoopDelay({ resolution: 10 })
      lag.enable()
      const { figures, quota, heapBefore, runMillis, stats, fibersPeak } = yield* runAndCheck(server, gc, base)
      lag.disable()
      const heapAfter = yield* heapUsed(gc)
      const heapDelta = heapAfter - heapBefore
      const duration = Date.now() - started
      console.log(JSON.stringify(
        {
          ...figures,
          concurrency,
          faultRate,
          attemptTimeoutMillis,
          mainRunMillis: runMillis,
          totalMillis: duration,
          finalQuota: quota,
          fibersPeak,
          serverConnections: stats.connections,
          abortedByClient: stats.abortedByClient,
          heapAfterWarmUpMB: +(heapBefore / 2 ** 20).toFixed(1),
          heapAfterRunMB: +(heapAfter / 2 ** 20).toFixed(1),
          heapDeltaMB: +(heapDelta / 2 ** 20).toFixed(1),
          gc: gc !== undefined,
          eventLoopDelayP99Ms: Math.round(lag.percentile(99) / 1e6),
          eventLoopDelayMaxMs: Math.round(lag.max / 1e6)
        },
        null,
        2
      ))
      expect(heapDelta).toBeLessThan(heapBoundBytes)
      expect(duration).toBeLessThan(60_000)
    }), 60_000)
})
