/**
 * Reads a V8 CPU profile (`Profiler.stop` / `node --cpu-prof`) and says where the time went:
 * self time by component (our modules one by one, Effect's core, Effect's Schema,
 * @effect/platform, undici, Node's own JavaScript, GC; a native function counts for the script
 * that called it), time spent under a few entry points of ours, and the functions with the most
 * self time. Times are per call.
 */
import * as fs from "node:fs"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

export interface Share {
  readonly name: string
  /** µs per call (or µs in all when no call count is given). */
  readonly micros: number
  /** Share of the busy (non-idle) time. */
  readonly share: number
}

export interface ProfileSummary {
  /** µs per call the busy samples stand for (the measured CPU time, when given). */
  readonly busyMicrosPerCall: number
  readonly components: ReadonlyArray<Share>
  readonly inclusive: ReadonlyArray<Share>
  readonly functions: ReadonlyArray<Share>
}

/** The component a function belongs to, from its script URL. */
export const component = (frame: CallFrame): string => {
  const { url, functionName } = frame
  if (url === "") {
    if (functionName === "(garbage collector)") return "GC"
    if (functionName === "(idle)") return "(idle)"
    return "V8 / native, no script"
  }
  const ours = /\/\.bench\/js\/src\/(.+)\.js$/.exec(url)
  if (ours !== null) return `ours: src/${ours[1]}.ts`
  if (url.includes("/.bench/js/bench/")) return "bench harness"
  if (url.includes("/node_modules/effect/")) {
    return /\/(Schema|SchemaAST|ParseResult|schema\/)/.test(url)
      ? "effect: Schema / ParseResult"
      : "effect: core runtime"
  }
  if (url.includes("/node_modules/@effect/platform")) return "@effect/platform(-node)"
  if (url.includes("/node_modules/undici/")) return "undici"
  if (url.startsWith("node:")) return "Node.js internals (http, net, streams)"
  return "other"
}

const anyFunction = /./
const restJson1 = /\/src\/internal\/restJson1\.js$/
const platform = "@effect/platform"

/** Entry points whose inclusive time is reported: label, script URL, function name. */
const entryPoints: ReadonlyArray<readonly [string, RegExp, RegExp]> = [
  ["encodeRequest (Schema encode + JSON.stringify)", restJson1, /^(encodeRequest|encodeNow)$/],
  ["decodeResponse (JSON.parse + Schema decode)", restJson1, /^(decodeResponse|decodeSuccess)$/],
  ["SigV4 sign (SignerNode)", /\/src\/internal\/sigv4\.js$/, /^sign$/],
  ["responseMetadata", restJson1, /^responseMetadata$/],
  [
    "HttpClientRequest / setHeaders / bodyText",
    new RegExp(`${platform}/dist/esm/internal/httpClientRequest\\.js$`),
    anyFunction
  ],
  ["undici (all)", /\/node_modules\/undici\//, anyFunction],
  [
    "@effect/platform-node undici client",
    new RegExp(`${platform}-node/dist/esm/internal/httpClientUndici\\.js$`),
    anyFunction
  ]
]

/**
 * Summarizes a profile of `calls` calls. Sample times are wall-clock gaps, which a busy machine
 * stretches whenever the process waits for a CPU; with `cpuMicrosPerCall` (the process's CPU
 * time per call, measured over the same calls) every figure is scaled so that the busy samples
 * add up to it: the profile then apportions measured CPU time.
 */
export const summarize = (file: string, calls: number, cpuMicrosPerCall?: number, top = 15): ProfileSummary => {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile
  const byId = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    byId.set(node.id, node)
    for (const child of node.children ?? []) parent.set(child, node.id)
  }
  // A sample stands for the time until the next one (`timeDeltas[i + 1]`), as DevTools reads it.
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  }
  /** Whether a node runs under the inspector session itself (`Profiler.stop`). */
  const underInspector = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.url === "node:inspector") return true
    }
    return false
  }

  const components = new Map<string, number>()
  const functions = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let busy = 0
  /** The nearest frame with a script: who called a native function (`writev`, a hash). */
  const caller = (id: number): CallFrame | undefined => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame
      if (f.url !== "") return f
    }
    return undefined
  }
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame
    const native = frame.url === "" && !frame.functionName.startsWith("(")
    const owner = native ? caller(id) : undefined
    const name = component(owner ?? frame)
    if (name === "(idle)" || underInspector(id)) continue
    busy += micros
    components.set(name, (components.get(name) ?? 0) + micros)
    const where = owner !== undefined
      ? ` (native, from ${shortUrl(owner.url)}:${owner.lineNumber + 1})`
      : frame.url === ""
      ? ""
      : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const key = `${frame.functionName || "(anonymous)"}${where}`
    functions.set(key, (functions.get(key) ?? 0) + micros)
    // Inclusive time: each entry point counted once per sample, however deep it recurses.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame
      for (const [label, url, fn] of entryPoints) {
        if (!seen.has(label) && url.test(f.url) && fn.test(f.functionName)) seen.add(label)
      }
    }
    for (const label of seen) inclusive.set(label, (inclusive.get(label) ?? 0) + micros)
  }
  const perCall = Math.max(1, calls)
  const scale = cpuMicrosPerCall === undefined || busy === 0 ? 1 : (cpuMicrosPerCall * perCall) / busy
  const shares = (m: Map<string, number>, limit: number): ReadonlyArray<Share> =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, micros]) => ({
        name,
        micros: (micros * scale) / perCall,
        share: busy === 0 ? 0 : micros / busy
      }))
  return {
    busyMicrosPerCall: (busy * scale) / perCall,
    components: shares(components, 20),
    inclusive: shares(inclusive, entryPoints.length),
    functions: shares(functions, top)
  }
}

const shortUrl = (url: string): string =>
  url
    .replace(/^.*\/\.bench\/js\//, "")
    .replace(/^.*\/node_modules\//, "")
    .replace(/^file:\/\//, "")
