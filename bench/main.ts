/**
 * `npm run bench`: our client against the official `@aws-sdk/client-amplifybackend` and a
 * floor (plain `node:http`, pre-signed bytes), all against the local AmplifyBackend served on
 * loopback by a separate process (signature checks on). Writes a Markdown report to stdout and
 * to `bench/results.md`; progress goes to stderr.
 *
 * This file only orchestrates (it runs under tsx); everything measured runs as plain `node` on
 * JavaScript compiled first (see `procs.ts`). Stages, each bounded:
 *
 * 1. per-call cost: one worker process per client, alive together, rounds interleaved;
 * 2. memory: a fresh worker per client, a steady stream of calls, heap after GC per chunk;
 * 3. cold start: new processes, interleaved, median;
 * 4. signing cost; 5. browser bundle sizes; 6. where our client's time goes (timed sections
 *    and CPU profiles).
 *
 * `npm run bench` stays `tsx bench/main.ts`: compiling first is done here, for exactly what is
 * measured, so the script needs no build step of its own.
 *
 * `BENCH_SCALE` (default 1) scales every call count, for a quick trial run.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type BundleReport, measureBundles } from "./bundles.js"
import { floorRequests } from "./prepare.js"
import {
  bundleForNode,
  compile,
  js,
  lastJson,
  root,
  runNode,
  startServer,
  startWorker,
  work,
  type Worker
} from "./procs.js"
import { type ProfileSummary, summarize } from "./profile.js"
import { median, type Results, render, type ThroughputFigure } from "./report.js"
import type { SectionsReport } from "./sections.js"
import type { SignReport } from "./sign.js"
import type { Peaks, Round, WorkerConfig } from "./worker.js"
import { type ClientKind, clients, type Op, ops, type Target } from "./workload.js"

const scale = Number(process.env.BENCH_SCALE ?? 1)
const n = (count: number) => Math.max(32, Math.round(count * scale))

const plan = {
  rounds: 5,
  byConcurrency: { 1: { warmup: n(200), calls: n(400) }, 32: { warmup: n(480), calls: n(960) } },
  memory: { concurrency: 32, warmup: n(2000), chunk: n(2000), chunks: 5 },
  coldRuns: 7,
  profileCalls: n(960)
} as const

const concurrencies = [1, 32] as const
const started = performance.now()
const loadStart = os.loadavg()
const progress = (message: string) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(3)
  process.stderr.write(`[bench ${seconds} s] ${message}\n`)
}

const workerFlags = ["--expose-gc", "--no-warnings"]

/** Starts one worker per client against `target`; the floor gets freshly signed requests. */
const startWorkers = async (target: Target, tag: string): Promise<Record<ClientKind, Worker>> => {
  const requestsFile = path.join(work, `floor-requests-${tag}.json`)
  fs.writeFileSync(requestsFile, JSON.stringify(floorRequests(target)))
  const workers: Partial<Record<ClientKind, Worker>> = {}
  for (const client of clients) {
    const config: WorkerConfig = { client, target, requestsFile }
    workers[client] = await startWorker(js("bench/worker.ts"), {
      flags: workerFlags,
      env: { BENCH_CONFIG: JSON.stringify(config) }
    })
  }
  return workers as Record<ClientKind, Worker>
}

/** Client order for round `r`: rotated, so no client always goes first. */
const rotation = (r: number): ReadonlyArray<ClientKind> =>
  clients.map((_, i) => clients[(i + r) % clients.length]!)

const throughput = async () => {
  const server = await startServer()
  const workers = await startWorkers(server.target, "throughput")
  const figures: Array<ThroughputFigure> = []
  const profiles: Partial<Record<Op, ProfileSummary>> = {}
  try {
    for (const op of ops) {
      for (const concurrency of concurrencies) {
        const { warmup, calls } = plan.byConcurrency[concurrency]
        progress(`${op} at concurrency ${concurrency}: warm-up, then ${plan.rounds} rounds of ${calls} calls`)
        for (const client of clients) {
          await workers[client].send({ cmd: "warmup", op, concurrency, calls: warmup })
        }
        const rounds: Record<ClientKind, Array<Round>> = { ours: [], oursLean: [], sdk: [], floor: [] }
        for (let r = 0; r < plan.rounds; r++) {
          for (const client of rotation(r)) {
            rounds[client].push(await workers[client].send<Round>({ cmd: "round", op, concurrency, calls }))
          }
        }
        for (const client of clients) figures.push({ op, concurrency, client, rounds: rounds[client] })
      }
    }
    const peaks = {} as Record<ClientKind, Peaks>
    for (const client of clients) peaks[client] = await workers[client].send<Peaks>({ cmd: "peaks" })
    // Our client's CPU profile, on the worker that is warm from the rounds above.
    fs.mkdirSync(path.join(work, "prof"), { recursive: true })
    for (const op of ops) {
      progress(`CPU profile of our client: ${op}, ${plan.profileCalls} calls at concurrency 32`)
      const file = path.join(work, "prof", `ours-${op}.cpuprofile`)
      const round = await workers.ours.send<Round>({
        cmd: "profile",
        op,
        concurrency: 32,
        calls: plan.profileCalls,
        file
      })
      profiles[op] = summarize(file, round.calls, (round.cpuMs * 1000) / round.calls)
    }
    return { figures, peaks, profiles: profiles as Record<Op, ProfileSummary> }
  } finally {
    for (const client of clients) await workers[client].exit()
    await server.stop()
  }
}

const heapAfterGc = async (worker: Worker): Promise<number> =>
  (await worker.send<{ heapUsedBytes: number }>({ cmd: "heap" })).heapUsedBytes

const memory = async () => {
  const server = await startServer()
  const workers = await startWorkers(server.target, "memory")
  const { concurrency, warmup, chunk, chunks } = plan.memory
  progress(`memory: ${chunks} x ${chunk} GetBackend calls at concurrency ${concurrency} per client`)
  const heaps: Record<ClientKind, Array<number>> = { ours: [], oursLean: [], sdk: [], floor: [] }
  try {
    for (const client of clients) {
      await workers[client].send({ cmd: "warmup", op: "GetBackend", concurrency, calls: warmup })
      heaps[client].push(await heapAfterGc(workers[client]))
    }
    for (let i = 0; i < chunks; i++) {
      for (const client of rotation(i)) {
        await workers[client].send({ cmd: "round", op: "GetBackend", concurrency, calls: chunk })
        heaps[client].push(await heapAfterGc(workers[client]))
      }
    }
    return { heaps, calls: chunk * chunks, warmup }
  } finally {
    for (const client of clients) await workers[client].exit()
    await server.stop()
  }
}

/** Cold start: `LeanHttpClient` loads the same packages as the default (undici is most of it). */
const coldClients = ["ours", "sdk", "floor"] as const

const coldScripts: Record<(typeof coldClients)[number], string> = {
  ours: "bench/cold/ours.ts",
  sdk: "bench/cold/sdk.ts",
  floor: "bench/cold/floor.ts"
}

/** The cold-start programs, each also bundled into one file. */
const coldPrograms = async (): Promise<Record<string, string>> => {
  const programs: Record<string, string> = {}
  for (const client of coldClients) {
    programs[client] = js(coldScripts[client])
    const bundled = path.join(work, "cold", `${client}.mjs`)
    await bundleForNode(coldScripts[client], bundled)
    programs[`${client}Bundled`] = bundled
  }
  return programs
}

const coldStart = async () => {
  const programs = await coldPrograms()
  const server = await startServer()
  progress(`cold start: ${plan.coldRuns} new processes per client and form, interleaved`)
  const results: Record<string, { wallMs: Array<number>; inProcessMs: Array<number> }> = {}
  for (const name of Object.keys(programs)) results[name] = { wallMs: [], inProcessMs: [] }
  try {
    const env = {
      BENCH_TARGET: JSON.stringify(server.target),
      BENCH_REQUEST: JSON.stringify(floorRequests(server.target).GetBackend)
    }
    const names = Object.keys(programs)
    // One unmeasured run each first: the file system cache, not the client, would be timed.
    for (const name of names) await runNode(programs[name]!, { flags: ["--no-warnings"], env })
    for (let r = 0; r < plan.coldRuns; r++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length]!
        const run = await runNode(programs[name]!, { flags: ["--no-warnings"], env, timeoutMs: 30_000 })
        const out = lastJson<{ ms: number; ok: boolean }>(run.stdout)
        if (!out.ok) throw new Error(`cold start (${name}) got an unexpected answer`)
        results[name]!.wallMs.push(run.wallMs)
        results[name]!.inProcessMs.push(out.ms)
      }
    }
    progress(`cold start of ours by phase: ${plan.coldRuns} runs`)
    const phases: Array<ReadonlyArray<readonly [string, number]>> = []
    for (let r = 0; r < plan.coldRuns; r++) {
      const run = await runNode(js("bench/cold/phases.ts"), {
        flags: ["--no-warnings"],
        env,
        timeoutMs: 30_000
      })
      phases.push(lastJson<ReadonlyArray<readonly [string, number]>>(run.stdout))
    }
    return { runs: results, phases }
  } finally {
    await server.stop()
  }
}

const signing = async (): Promise<SignReport> => {
  progress("signing cost per request")
  return lastJson<SignReport>((await runNode(js("bench/sign.ts"), { flags: ["--no-warnings"] })).stdout)
}

const sections = async (): Promise<SectionsReport> => {
  const server = await startServer()
  progress("timed sections of our client")
  try {
    const requestsFile = path.join(work, "floor-requests-sections.json")
    fs.writeFileSync(requestsFile, JSON.stringify(floorRequests(server.target)))
    const run = await runNode(js("bench/sections.ts"), {
      flags: ["--no-warnings"],
      env: {
        BENCH_CONFIG: JSON.stringify({ target: server.target, requestsFile }),
        BENCH_SECTION_CALLS: String(n(300))
      },
      timeoutMs: 180_000
    })
    return lastJson<SectionsReport>(run.stdout)
  } finally {
    await server.stop()
  }
}

/** The whole run is bounded: past this, give up (workers and servers exit when our pipes close). */
const watchdogMinutes = 12

const main = async () => {
  const watchdog = setTimeout(() => {
    progress(`still running after ${watchdogMinutes} minutes: giving up`)
    process.exit(2)
  }, watchdogMinutes * 60_000)
  watchdog.unref()
  fs.mkdirSync(work, { recursive: true })
  progress("compiling src/ and bench/ to .bench/js (esbuild, no bundling)")
  await compile()
  const measured = await throughput()
  const mem = await memory()
  const cold = await coldStart()
  const sign = await signing()
  progress("browser bundles (esbuild)")
  const bundles: BundleReport = await measureBundles()
  const timed = await sections()
  const cpus = os.cpus()
  const results: Results = {
    machine: {
      cpu: cpus[0]?.model ?? "unknown",
      cores: cpus.length,
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      memoryGiB: os.totalmem() / 2 ** 30,
      loadStart,
      loadEnd: os.loadavg(),
      date: new Date().toISOString(),
      elapsedSeconds: (performance.now() - started) / 1000
    },
    plan: {
      scale,
      rounds: plan.rounds,
      callsPerRound: { 1: plan.byConcurrency[1].calls, 32: plan.byConcurrency[32].calls },
      warmup: { 1: plan.byConcurrency[1].warmup, 32: plan.byConcurrency[32].warmup },
      memory: plan.memory,
      coldRuns: plan.coldRuns,
      profileCalls: plan.profileCalls
    },
    throughput: measured.figures,
    peaks: measured.peaks,
    memory: mem,
    cold: cold.runs,
    coldPhases: (cold.phases[0] ?? []).map(([phase], i) => ({
      phase,
      ms: median(cold.phases.map((run) => run[i]?.[1] ?? Number.NaN))
    })),
    sign,
    bundles,
    sections: timed,
    profiles: measured.profiles
  }
  fs.writeFileSync(path.join(work, "results.json"), JSON.stringify(results, null, 2))
  const markdown = render(results)
  fs.writeFileSync(path.join(root, "bench", "results.md"), markdown)
  process.stdout.write(markdown)
  progress(`done in ${results.machine.elapsedSeconds.toFixed(0)} s; report in bench/results.md`)
}

main().catch((error: unknown) => {
  const detail = error instanceof Error ? error.stack ?? error.message : String(error)
  process.stderr.write(`bench failed: ${detail}\n`)
  process.exit(1)
})
