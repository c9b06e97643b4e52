/**
 * One measuring process for one client, driven by the orchestrator one command at a time: a
 * JSON line on stdin, a JSON line back on stdout. The orchestrator keeps one worker per client
 * alive and interleaves their rounds, so a burst of load from elsewhere on the machine falls
 * on every client alike.
 *
 * Reads `WorkerConfig` from `BENCH_CONFIG` and loads only that client's driver. Needs
 * `--expose-gc` for the memory readings.
 */
import * as fs from "node:fs"
import * as inspector from "node:inspector/promises"
import * as readline from "node:readline"
import type { Driver } from "./drivers/driver.js"
import type { ClientKind, Op, Target } from "./workload.js"

export interface WorkerConfig {
  readonly client: ClientKind
  readonly target: Target
  /** For the floor: the file holding the signed requests it replays. */
  readonly requestsFile?: string
}

export type Command =
  /** Calls that are not measured. */
  | { readonly cmd: "warmup"; readonly op: Op; readonly concurrency: number; readonly calls: number }
  /** Timed calls: wall time, this process's CPU time, peak RSS and heap (sampled every 100 ms). */
  | { readonly cmd: "round"; readonly op: Op; readonly concurrency: number; readonly calls: number }
  /** A timed round under the CPU profiler (in process, `node:inspector`), written to `file`. */
  | {
    readonly cmd: "profile"
    readonly op: Op
    readonly concurrency: number
    readonly calls: number
    readonly file: string
  }
  /** A full GC, then the heap in use. */
  | { readonly cmd: "heap" }
  /** The peaks seen so far, over every round. */
  | { readonly cmd: "peaks" }
  | { readonly cmd: "exit" }

export interface Round {
  readonly calls: number
  readonly wallMs: number
  readonly cpuMs: number
}

export interface Peaks {
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly maxRssBytes: number
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? "{}") as WorkerConfig

const loadDriver = async (): Promise<Driver> => {
  switch (config.client) {
    case "ours":
      return (await import("./drivers/ours.js")).make(config.target)
    case "oursLean": {
      const { layer } = await import("../src/Layer/LeanHttpClient.js")
      return (await import("./drivers/ours.js")).make(config.target, { httpClient: layer() })
    }
    case "sdk":
      return (await import("./drivers/sdk.js")).make(config.target)
    case "floor":
      return (await import("./drivers/floor.js")).make(config.target, config.requestsFile ?? "")
  }
}

let peakRss = 0
let peakHeap = 0
const sample = () => {
  const usage = process.memoryUsage()
  if (usage.rss > peakRss) peakRss = usage.rss
  if (usage.heapUsed > peakHeap) peakHeap = usage.heapUsed
}

const heapAfterGc = (): number => {
  if (globalThis.gc === undefined) throw new Error("run the worker with --expose-gc")
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

const round = async (driver: Driver, op: Op, concurrency: number, calls: number): Promise<Round> => {
  const sampler = setInterval(sample, 100)
  const cpu = process.cpuUsage()
  const start = performance.now()
  await driver.run(op, concurrency, calls)
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  clearInterval(sampler)
  sample()
  return { calls, wallMs, cpuMs: (used.user + used.system) / 1000 }
}

const profiled = async (command: Extract<Command, { cmd: "profile" }>, driver: Driver): Promise<Round> => {
  const session = new inspector.Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 100 })
  await session.post("Profiler.start")
  const result = await round(driver, command.op, command.concurrency, command.calls)
  const { profile } = await session.post("Profiler.stop")
  session.disconnect()
  fs.writeFileSync(command.file, JSON.stringify(profile))
  return result
}

const answer = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n")

const main = async () => {
  const driver = await loadDriver()
  answer({ ready: config.client })
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command
    switch (command.cmd) {
      case "warmup":
        await driver.run(command.op, command.concurrency, command.calls)
        answer({ done: true })
        break
      case "round":
        answer(await round(driver, command.op, command.concurrency, command.calls))
        break
      case "profile":
        answer(await profiled(command, driver))
        break
      case "heap":
        answer({ heapUsedBytes: heapAfterGc() })
        break
      case "peaks":
        sample()
        answer({
          rssBytes: peakRss,
          heapUsedBytes: peakHeap,
          maxRssBytes: process.resourceUsage().maxRSS * 1024
        } satisfies Peaks)
        break
      case "exit":
        await driver.close()
        return
    }
  }
}

// The orchestrator gone (its end of the pipe closed): stop, even in the middle of a command.
process.stdin.on("end", () => process.exit(0))

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker ${config.client} failed: ${String(error)}\n`)
    process.exit(1)
  }
)
