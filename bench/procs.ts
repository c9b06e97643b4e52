/**
 * The orchestrator's process plumbing: compiling the sources the bench runs, starting and
 * stopping the loopback server, and running one measuring process.
 *
 * Every measured process runs plain `node` on JavaScript compiled here (esbuild, one file in,
 * one file out, no bundling), never through the tsx loader: what is measured is the client's
 * code, not an on-the-fly TypeScript compiler.
 */
import * as ChildProcess from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import * as esbuild from "esbuild"
import { childEnvironment, type Target } from "./workload.js"

export const root = path.resolve(import.meta.dirname, "..")
/** Everything the bench writes besides its results: ignored by git (`/.bench/`). */
export const work = path.join(root, ".bench")
export const compiled = path.join(work, "js")

const tsFiles = (dir: string): Array<string> =>
  fs.readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.join(root, dir, f))

/** Transpiles `src/` and `bench/` to `.bench/js/`, keeping the layout (and so the imports). */
export const compile = async (): Promise<void> => {
  fs.rmSync(compiled, { recursive: true, force: true })
  await esbuild.build({
    entryPoints: [...tsFiles("src"), ...tsFiles("bench")],
    outdir: compiled,
    outbase: root,
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "warning"
  })
}

/** The compiled form of a source file, e.g. `bench/worker.ts`. */
export const js = (source: string): string => path.join(compiled, source.replace(/\.ts$/, ".js"))

/** The environment of every child: see `childEnvironment`. */
export const env = (extra: Record<string, string> = {}) => childEnvironment(extra, work)

export interface RunningServer {
  readonly target: Target
  readonly stop: () => Promise<void>
}

/** Starts `bench/server.ts` in its own process and waits for its address. */
export const startServer = (): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, [js("bench/server.ts")], {
      cwd: root,
      env: env(),
      stdio: ["pipe", "pipe", "inherit"]
    })
    let buffered = ""
    const timer = setTimeout(() => {
      child.kill("SIGTERM")
      reject(new Error("the bench server did not start within 20 s"))
    }, 20_000)
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", reject)
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8")
      const newline = buffered.indexOf("\n")
      if (newline < 0) return
      clearTimeout(timer)
      const target = JSON.parse(buffered.slice(0, newline)) as Target
      resolve({
        target,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM")
          await exited
        }
      })
    })
  })

export interface Finished {
  readonly stdout: string
  readonly wallMs: number
}

/** Runs `node [flags] script`, bounded by `timeoutMs`; fails on a non-zero exit. */
export const runNode = (
  script: string,
  options: { flags?: ReadonlyArray<string>; env?: Record<string, string>; timeoutMs?: number } = {}
): Promise<Finished> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = ChildProcess.spawn(process.execPath, [...(options.flags ?? []), script], {
      cwd: root,
      env: env(options.env),
      stdio: ["ignore", "pipe", "inherit"]
    })
    const chunks: Array<Buffer> = []
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000)
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      const wallMs = performance.now() - start
      clearTimeout(timer)
      const stdout = Buffer.concat(chunks).toString("utf8")
      if (code === 0) resolve({ stdout, wallMs })
      else reject(new Error(`${path.relative(root, script)} exited with ${String(code ?? signal)}`))
    })
  })

/** The last line of a child's output, as JSON. */
export const lastJson = <A>(stdout: string): A => {
  const lines = stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1]!) as A
}

export interface Worker {
  /** Sends one command and waits for its answer. */
  readonly send: <A>(command: object) => Promise<A>
  /** Asks the worker to close its client and exit, and waits until it has. */
  readonly exit: () => Promise<void>
}

/** Starts a command-driven process (`bench/worker.ts`) and waits until it is ready. */
export const startWorker = (
  script: string,
  options: { flags?: ReadonlyArray<string>; env?: Record<string, string> } = {}
): Promise<Worker> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, [...(options.flags ?? []), script], {
      cwd: root,
      env: env(options.env),
      stdio: ["pipe", "pipe", "inherit"]
    })
    const waiting: Array<{ ok: (line: string) => void; fail: (error: Error) => void }> = []
    let buffered = ""
    let failure: Error | undefined
    const exited = new Promise<void>((done) =>
      child.once("exit", (code, signal) => {
        failure = new Error(`${path.relative(root, script)} exited with ${String(code ?? signal)}`)
        for (const w of waiting.splice(0)) w.fail(failure)
        done()
      })
    )
    child.once("error", reject)
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8")
      let newline = buffered.indexOf("\n")
      while (newline >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        waiting.shift()?.ok(line)
        newline = buffered.indexOf("\n")
      }
    })
    const next = () =>
      new Promise<string>((ok, fail) => {
        if (failure !== undefined) fail(failure)
        else waiting.push({ ok, fail })
      })
    const worker: Worker = {
      send: async <A>(command: object) => {
        const answer = next()
        child.stdin.write(JSON.stringify(command) + "\n")
        return JSON.parse(await answer) as A
      },
      exit: async () => {
        if (child.exitCode === null) child.stdin.write(JSON.stringify({ cmd: "exit" }) + "\n")
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
        await exited
        clearTimeout(timer)
      }
    }
    next().then(() => resolve(worker), reject)
  })

/**
 * Bundles `source` and everything it imports into one ESM file for Node (esbuild, no
 * minification), as a deployment that bundles (a Lambda function, say) would ship it.
 */
export const bundleForNode = async (source: string, outfile: string): Promise<void> => {
  await esbuild.build({
    entryPoints: [path.join(root, source)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // CommonJS dependencies (undici, the SDK's dist-cjs parts) call `require` for Node built-ins.
    banner: {
      js: `import { createRequire as __createRequire } from "node:module"; ` +
        "const require = __createRequire(import.meta.url);"
    },
    logLevel: "warning"
  })
}
