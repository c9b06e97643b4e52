/**
 * The bench report: every figure for our client, the official SDK and the floor side by side,
 * with ratios to the SDK and to the floor from the same run, the targets and whether they are
 * met, and where our client's time goes. Markdown.
 */
import type { BundleReport } from "./bundles.js"
import type { ProfileSummary } from "./profile.js"
import type { SectionsReport } from "./sections.js"
import type { SignReport, SignResult } from "./sign.js"
import type { Peaks, Round } from "./worker.js"
import type { ClientKind, Op } from "./workload.js"

export interface ThroughputFigure {
  readonly op: Op
  readonly concurrency: 1 | 32
  readonly client: ClientKind
  readonly rounds: ReadonlyArray<Round>
}

export interface ColdRuns {
  readonly wallMs: ReadonlyArray<number>
  readonly inProcessMs: ReadonlyArray<number>
}

export interface Results {
  readonly machine: {
    readonly cpu: string
    readonly cores: number
    readonly node: string
    readonly platform: string
    readonly memoryGiB: number
    readonly loadStart: ReadonlyArray<number>
    readonly loadEnd: ReadonlyArray<number>
    readonly date: string
    readonly elapsedSeconds: number
  }
  readonly plan: {
    /** `BENCH_SCALE`: 1 for a real run. */
    readonly scale: number
    readonly rounds: number
    readonly callsPerRound: Readonly<Record<1 | 32, number>>
    readonly warmup: Readonly<Record<1 | 32, number>>
    readonly memory: {
      readonly concurrency: number
      readonly warmup: number
      readonly chunk: number
      readonly chunks: number
    }
    readonly coldRuns: number
    readonly profileCalls: number
  }
  readonly throughput: ReadonlyArray<ThroughputFigure>
  readonly peaks: Readonly<Record<ClientKind, Peaks>>
  readonly memory: {
    readonly heaps: Readonly<Record<ClientKind, ReadonlyArray<number>>>
    readonly calls: number
    readonly warmup: number
  }
  /** By program: `ours`, `sdk`, `floor`, and the same bundled (`oursBundled`, ...). */
  readonly cold: Readonly<Record<string, ColdRuns>>
  /** Ours, by phase: medians. */
  readonly coldPhases: ReadonlyArray<{ readonly phase: string; readonly ms: number }>
  readonly sign: SignReport
  readonly bundles: BundleReport
  readonly sections: SectionsReport
  readonly profiles: Readonly<Record<Op, ProfileSummary>>
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const num = (value: number, digits?: number): string => {
  if (!Number.isFinite(value)) return "—"
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2)
  return value.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d })
}

const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) && b !== 0 ? `${num(a / b, 2)}×` : "—"
const mb = (bytes: number) => num(bytes / 1e6, 1)
const kb = (bytes: number) => num(bytes / 1000, 1)

interface Row {
  readonly figure: string
  readonly ours: number
  readonly sdk: number
  readonly floor: number
  readonly format: (value: number) => string
  readonly target?: string
  readonly status?: string
}

const table = (rows: ReadonlyArray<Row>): string => {
  const lines = [
    "| Figure | Ours | SDK | Floor | Ours ÷ SDK | Ours ÷ floor | Target | Status |",
    "|---|---:|---:|---:|---:|---:|---|---|"
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.figure} | ${r.format(r.ours)} | ${r.format(r.sdk)} | ${r.format(r.floor)} | ` +
        `${ratio(r.ours, r.sdk)} | ${ratio(r.ours, r.floor)} | ${r.target ?? ""} | ${r.status ?? ""} |`
    )
  }
  return lines.join("\n")
}

/** "met" or "missed by …" for a figure that should be at most `limit`. */
const atMost = (value: number, limit: number, unit: string, digits = 1): string =>
  value <= limit
    ? `**met** (${num(value, digits)}${unit} ≤ ${num(limit, digits)}${unit})`
    : `**missed** by ${num(value - limit, digits)}${unit} (${num((value / limit - 1) * 100, 0)}% over)`

const perCall = (figures: ReadonlyArray<ThroughputFigure>, op: Op, c: 1 | 32, client: ClientKind) => {
  const f = figures.find((x) => x.op === op && x.concurrency === c && x.client === client)
  const rounds = f?.rounds ?? []
  return {
    wall: median(rounds.map((r) => (r.wallMs * 1000) / r.calls)),
    cpu: median(rounds.map((r) => (r.cpuMs * 1000) / r.calls))
  }
}

/** Our two Node set-ups, as the tables name them. */
const ourClients = [
  { client: "ours", label: "" },
  { client: "oursLean", label: ", `LeanHttpClient`" }
] as const

const perCallRows = (results: Results): ReadonlyArray<Row> => {
  const rows: Array<Row> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    for (const c of [1, 32] as const) {
      const sdk = perCall(results.throughput, op, c, "sdk")
      const floor = perCall(results.throughput, op, c, "floor")
      const metrics = [
        { name: "µs per call (wall)", of: (x: typeof sdk) => x.wall, target: true },
        { name: "calls per second", of: (x: typeof sdk) => 1e6 / x.wall, target: false },
        { name: "client CPU µs per call", of: (x: typeof sdk) => x.cpu, target: false }
      ]
      for (const metric of metrics) {
        for (const { client, label } of ourClients) {
          const ours = perCall(results.throughput, op, c, client)
          const r = ours.wall / sdk.wall
          rows.push({
            figure: `${op}, c=${c}: ${metric.name}${label}`,
            ours: metric.of(ours),
            sdk: metric.of(sdk),
            floor: metric.of(floor),
            format: (v) => num(v, 0),
            ...(metric.target
              ? {
                target: "≤ 0.5× SDK",
                status: (r <= 0.5
                  ? `**met** (${num(r, 2)}×)`
                  : `**missed**: ${num(r, 2)}× SDK; needs ${num((1 - 0.5 / r) * 100, 0)}% less time`) +
                  ` (client CPU: ${num(ours.cpu / sdk.cpu, 2)}× SDK)`
              }
              : {})
          })
        }
      }
    }
  }
  const p = results.peaks
  const peaks = [
    { name: "Peak RSS over all rounds (MB)", of: (x: Peaks) => Math.max(x.rssBytes, x.maxRssBytes) },
    { name: "Peak heap used over all rounds (MB, sampled every 100 ms)", of: (x: Peaks) => x.heapUsedBytes }
  ]
  for (const peak of peaks) {
    for (const { client, label } of ourClients) {
      rows.push({
        figure: `${peak.name}${label}`,
        ours: peak.of(p[client]),
        sdk: peak.of(p.sdk),
        floor: peak.of(p.floor),
        format: mb
      })
    }
  }
  return rows
}

const flatLimitBytes = 1024 * 1024

const memoryRows = (results: Results): ReadonlyArray<Row> => {
  const h = results.memory.heaps
  const first = (c: ClientKind) => h[c][0] ?? Number.NaN
  const last = (c: ClientKind) => h[c][h[c].length - 1] ?? Number.NaN
  const growth = (c: ClientKind) => last(c) - first(c)
  const verdict = (c: ClientKind) => (growth(c) < flatLimitBytes ? "flat" : "grows")
  const rows: Array<Row> = []
  for (const { client, label } of ourClients) {
    rows.push(
      {
        figure: `Heap after warm-up, after full GC (MB)${label}`,
        ours: first(client),
        sdk: first("sdk"),
        floor: first("floor"),
        format: mb
      },
      {
        figure: `Heap at the end, after full GC (MB)${label}`,
        ours: last(client),
        sdk: last("sdk"),
        floor: last("floor"),
        format: mb
      },
      {
        figure: `Heap growth per call (bytes)${label}`,
        ours: growth(client) / results.memory.calls,
        sdk: growth("sdk") / results.memory.calls,
        floor: growth("floor") / results.memory.calls,
        format: (v) => num(v, 1),
        target: "flat (< 1 MiB over the stream)",
        status: `ours ${verdict(client)}, SDK ${verdict("sdk")}, floor ${verdict("floor")}` +
          (growth(client) < flatLimitBytes ? " — **met**" : " — **missed**")
      }
    )
  }
  return rows
}

const coldRows = (results: Results): ReadonlyArray<Row> => {
  const c = results.cold
  const wall = (k: string) => median(c[k]?.wallMs ?? [])
  const inside = (k: string) => median(c[k]?.inProcessMs ?? [])
  const status = (ours: number, sdk: number) =>
    ours <= sdk
      ? `**met** (${num(ours / sdk, 2)}×)`
      : `**missed** by ${num(ours - sdk, 0)} ms (${num((ours / sdk - 1) * 100, 0)}% slower)`
  return [
    {
      figure: `Cold start: spawn → first output, median of ${c.ours?.wallMs.length ?? 0} (ms)`,
      ours: wall("ours"),
      sdk: wall("sdk"),
      floor: wall("floor"),
      format: (v) => num(v, 0),
      target: "≤ SDK",
      status: status(wall("ours"), wall("sdk"))
    },
    {
      figure: "Cold start: process uptime at first output, median (ms)",
      ours: inside("ours"),
      sdk: inside("sdk"),
      floor: inside("floor"),
      format: (v) => num(v, 0)
    },
    {
      figure: "Cold start, each program bundled into one file: spawn → first output, median (ms)",
      ours: wall("oursBundled"),
      sdk: wall("sdkBundled"),
      floor: wall("floorBundled"),
      format: (v) => num(v, 0),
      target: "(≤ SDK)",
      status: status(wall("oursBundled"), wall("sdkBundled"))
    }
  ]
}

const signRows = (sign: SignReport): ReadonlyArray<Row> => {
  const get = (op: Op, signer: SignResult["signer"]) =>
    sign.results.find((r) => r.op === op && r.signer === signer)?.micros ?? Number.NaN
  const rows: Array<Row> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const bytes = sign.results.find((r) => r.op === op)?.bodyBytes ?? 0
    for (const signer of ["SignerNode", "SignerAws4fetch"] as const) {
      const value = get(op, signer)
      rows.push({
        figure: `${signer}, ${op} request (${num(bytes, 0)} B body): µs per request`,
        ours: value,
        sdk: get(op, "sdk"),
        floor: get(op, "floor"),
        format: (v) => num(v, 1),
        ...(signer === "SignerNode" ? { target: "< 20 µs", status: atMost(value, 20, " µs") } : {})
      })
    }
  }
  return rows
}

const bundleRows = (b: BundleReport): ReadonlyArray<Row> => {
  const extra = (x: "minified" | "gzipped") =>
    (b.allOps[x] - b.oneOp[x] - (b.schemasAllOps[x] - b.schemasOneOp[x])) / 30
  const rows: Array<Row> = []
  for (const x of ["gzipped", "minified"] as const) {
    const unit = x === "gzipped" ? "KB gzipped" : "KB minified"
    const sdk = b.sdkOneOp[x]
    const floor = b.floor[x]
    const over = b.oneOp[x] - b.effectOnly[x]
    rows.push(
      { figure: `(a) one operation (${unit})`, ours: b.oneOp[x], sdk, floor, format: kb },
      {
        figure: `(b) Effect's own cost, same Effect modules (${unit})`,
        ours: b.effectOnly[x],
        sdk,
        floor,
        format: kb
      },
      {
        figure: `(a − b) ours over Effect (${unit})`,
        ours: over,
        sdk,
        floor,
        format: kb,
        ...(x === "gzipped" ? { target: "< 15 KB gzipped", status: atMost(over / 1000, 15, " KB") } : {})
      },
      {
        figure: `(c) all 31 operations, AmplifyBackend service (${unit})`,
        ours: b.allOps[x],
        sdk,
        floor,
        format: kb
      },
      {
        figure: `(c − a) 30 more operations (${unit})`,
        ours: b.allOps[x] - b.oneOp[x],
        sdk,
        floor,
        format: kb
      },
      {
        figure: `… of which their schemas (${unit})`,
        ours: b.schemasAllOps[x] - b.schemasOneOp[x],
        sdk,
        floor,
        format: kb
      },
      {
        figure: `… beyond schemas, per extra operation (bytes, ${x})`,
        ours: extra(x),
        sdk,
        floor,
        format: (v) => num(v, 0),
        ...(x === "gzipped"
          ? {
            target: "only schemas (≤ 100 B gzipped per operation beyond them)",
            status: atMost(extra(x), 100, " B", 0)
          }
          : {})
      }
    )
  }
  return rows
}

const sectionsTable = (results: Results): string => {
  const lines: Array<string> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const rows = results.sections.sections.filter((s) => s.op === op)
    const whole = rows.find((s) => s.name === "whole call, default layers")
    lines.push(`**${op}** (concurrency 1; share = share of the whole call's client CPU)`, "")
    lines.push("| Section | client CPU µs per call | share | wall µs per call |", "|---|---:|---:|---:|")
    for (const s of rows) {
      const share = whole === undefined ? Number.NaN : (s.cpuMicros / whole.cpuMicros) * 100
      lines.push(`| ${s.name} | ${num(s.cpuMicros, 1)} | ${num(share, 0)}% | ${num(s.wallMicros, 0)} |`)
    }
    lines.push("")
  }
  return lines.join("\n")
}

const equivalenceText = (results: Results): string => {
  const e = results.sections.equivalence
  return [
    "The compiled encoder (`src/internal/fastEncode.ts`) against the Schema on random inputs of all 31",
    `operations (effect/Arbitrary, seed 42): ${e.identical} of ${e.valid} valid inputs encoded to the`,
    `same bytes (${e.fellBack} left to the Schema); ${e.invalidAccepted} of ${e.invalid} inputs broken at`,
    "one random place (a member added, changed or removed) accepted."
  ].join("\n")
}

/** The top costs, with the figures of this run, and what would remove them. */
const findings = (results: Results): string => {
  const cpu = (op: Op, prefix: string) =>
    results.sections.sections.find((x) => x.op === op && x.name.startsWith(prefix))?.cpuMicros ?? Number.NaN
  const whole = (op: Op) => cpu(op, "whole call, default layers")
  const encode = cpu("CreateBackendAuth", "encodeRequest")
  const compiled = cpu("CreateBackendAuth", "… of which the compiled encoder")
  const e = results.sections.equivalence
  const lines: Array<string> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const platform = cpu(op, "transport: @effect/platform")
    const leanTransport = cpu(op, "transport: LeanHttpClient")
    const undici = cpu(op, "transport: undici request")
    const [enc, sig, dec] = [cpu(op, "encodeRequest"), cpu(op, "SigV4"), cpu(op, "decodeResponse")]
    const rest = whole(op) - platform - enc - sig - dec
    lines.push(
      `- ${op}: whole call ${num(whole(op), 0)} µs of client CPU = @effect/platform undici transport ` +
        `${num(platform, 0)} µs (undici alone: ${num(undici, 0)} µs) + encode ${num(enc, 0)} + sign ` +
        `${num(sig, 0)} + decode ${num(dec, 0)} + the rest of \`Client.ts\` and its Effect steps ≈ ` +
        (rest > 0 ? `${num(rest, 0)} µs` : "0 µs (the parts, timed apart, add up to more: noise)") +
        `. With \`LeanHttpClient\`: ${num(cpu(op, "whole call, LeanHttpClient"), 0)} µs (its transport: ` +
        `${num(leanTransport, 0)} µs); retries off: ` +
        `${num(cpu(op, "whole call, Retry.layerOff"), 0)} µs.`
    )
  }
  const phases = results.coldPhases
  const imports = phases.filter((p) => p.phase.startsWith("import")).reduce((sum, p) => sum + p.ms, 0)
  const effectImports = phases
    .filter((p) => p.phase.startsWith("import effect") || p.phase.startsWith("import @effect"))
    .reduce((sum, p) => sum + p.ms, 0)
  return [
    "### Top costs, from this run",
    "",
    ...lines,
    `- Input encoding of a large input: \`encodeRequest\` takes ${num(encode, 0)} µs of CreateBackendAuth's ` +
      `${num(whole("CreateBackendAuth"), 0)} µs, ${num(compiled, 1)} µs of it in the compiled encoder, which gives ` +
      `the Schema's bytes on ${e.identical} of ` +
      `${e.valid} random valid inputs and accepts none of ${e.invalid} broken inputs.`,
    `- Cold start: imports take ${num(imports, 0)} ms of ours, ${num(effectImports, 0)} ms of it Effect, ` +
      "@effect/platform and undici (table above).",
    ""
  ].join("\n")
}

const profileTables = (results: Results): string => {
  const lines: Array<string> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const p = results.profiles[op]
    lines.push(
      `**${op}**, ${results.plan.profileCalls} calls at concurrency 32, sampled every 100 µs; the samples`,
      `apportion the ${num(p.busyMicrosPerCall, 0)} µs of CPU per call measured over the same calls`,
      "(profiler overhead included).",
      "",
      "| Self time by component | µs per call | share |",
      "|---|---:|---:|"
    )
    for (const c of p.components) lines.push(`| ${c.name} | ${num(c.micros, 1)} | ${num(c.share * 100, 1)}% |`)
    lines.push("", "| Time under (inclusive) | µs per call | share |", "|---|---:|---:|")
    for (const c of p.inclusive) lines.push(`| ${c.name} | ${num(c.micros, 1)} | ${num(c.share * 100, 1)}% |`)
    lines.push("", "| Top functions by self time | µs per call | share |", "|---|---:|---:|")
    for (const c of p.functions.slice(0, 12)) {
      lines.push(`| \`${c.name.replace(/\|/g, "\\|")}\` | ${num(c.micros, 1)} | ${num(c.share * 100, 1)}% |`)
    }
    lines.push("")
  }
  return lines.join("\n")
}

export const render = (results: Results): string => {
  const m = results.machine
  const p = results.plan
  const load = (l: ReadonlyArray<number>) => l.map((x) => num(x, 2)).join(" / ")
  return [
    "# Benchmark: amplifybackend-effect vs the official SDK vs a floor",
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${num(m.memoryGiB, 1)} GiB, Node ${m.node}, ${m.platform}. ` +
      `Load average (1 / 5 / 15 min) at start ${load(m.loadStart)}, at end ${load(m.loadEnd)}. ` +
      `Run ${m.date}, ${num(m.elapsedSeconds, 0)} s in all.`,
    "",
    "Generated by `npm run bench` (`bench/main.ts`); every figure and ratio below comes from this one run.",
    ...(p.scale === 1 ? [] : ["", `**A trial run**: \`BENCH_SCALE=${p.scale}\` scaled every call count down.`]),
    ...(m.loadStart[0]! > m.cores || m.loadEnd[0]! > m.cores
      ? [
        "",
        `**The machine was busy** (load average above its ${m.cores} cores): other processes competed for`,
        "the CPUs, the client and the server included. Wall-clock figures include waiting for a CPU, and",
        "more so at c=32, where client and server compete for the same cores; client CPU per call is the",
        "steadier measure of each client's own cost."
      ]
      : []),
    "",
    "- **Ours**: this client with its default Node layers (`Node.layer`: `@effect/platform-node`'s undici",
    "  HttpClient, node:crypto signer, AWS standard retry policy), through the `AmplifyBackend` service.",
    "  Rows marked `LeanHttpClient`: the same, with `httpClient: LeanHttpClient.layer()` (this package's",
    "  buffered client on undici's `dispatch`) in place of the default HTTP client; the Ours column",
    "  then holds that set-up's figure.",
    "- **SDK**: `@aws-sdk/client-amplifybackend` with `maxAttempts: 1` (one attempt per call, as ours makes",
    "  when nothing fails; its retry middleware still runs), fixed credentials, region and loopback endpoint,",
    "  `defaultsMode: \"legacy\"` (its default, set so that no defaults-mode detection can run).",
    "- **Floor**: `node:http` with a keep-alive agent replaying the exact requests our client signs (same",
    "  method, path, headers and body bytes, signed beforehand): no encoding, signing or decoding.",
    "- Server: the local AmplifyBackend (signature checks on) in its own process on 127.0.0.1; a successful",
    "  `CreateBackendAuth` is undone in that process before it answers, so every measured call is a 200.",
    "- Every measured process is plain `node` on JavaScript compiled by esbuild (no tsx loader).",
    "",
    "## Per call",
    "",
    `Each client runs in its own process; the four stay alive together and their rounds are interleaved`,
    `(order rotated each round). Per figure: warm-up (${p.warmup[1]} calls at c=1, ${p.warmup[32]} at c=32),`,
    `then ${p.rounds} rounds of ${p.callsPerRound[1]} (c=1) or ${p.callsPerRound[32]} (c=32) calls; the median`,
    "round is reported. c=32 means 32 closed-loop workers (each waits for its answer before its next",
    "call).",
    "µs per call = round wall time ÷ calls; calls per second = its inverse; client CPU = the client",
    "process's user + system CPU time ÷ calls (the server's CPU is not counted).",
    "",
    table(perCallRows(results)),
    "",
    `## Memory: ${num(results.memory.calls, 0)} GetBackend calls at concurrency ${p.memory.concurrency}`,
    "",
    `A fresh process per client: ${p.memory.warmup} calls of warm-up, then ${p.memory.chunks} chunks of`,
    `${p.memory.chunk} calls; heap used read after a full GC (\`--expose-gc\`, twice) after the warm-up`,
    "and after every chunk.",
    "",
    table(memoryRows(results)),
    "",
    "Heap after each chunk (MB): " +
      (["ours", "oursLean", "sdk", "floor"] as const)
        .map((c) => `${c} ${results.memory.heaps[c].map((x) => num(x / 1e6, 2)).join(", ")}`)
        .join("; ") + ".",
    "",
    "## Cold start",
    "",
    `A new \`node\` process that imports the client, builds it, makes its first \`GetBackend\` call and exits`,
    "when it has the output (ours: the `AmplifyBackend` service with all 31 operations and `Node.layer`,",
    "compiled ESM; the SDK: its package as Node loads it, `dist-cjs`; the floor: `node:http` and a pre-signed",
    "request). Each program also bundled into one file by esbuild (platform node), as a bundled deployment",
    `ships it. ${p.coldRuns} runs per program, interleaved, after one unmeasured run each; median.`,
    "(`LeanHttpClient` is not timed apart here: it loads the same packages, and undici is most of their cost.)",
    "",
    table(coldRows(results)),
    "",
    "Ours by phase (`bench/cold/phases.ts`: the same program, loading one package at a time; medians):",
    "",
    "| Phase | ms |",
    "|---|---:|",
    ...results.coldPhases.map((p) => `| ${p.phase} | ${num(p.ms, 0)} |`),
    "",
    "## Signing cost per request",
    "",
    "The same request for every signer (method, URL, `content-type`, the JSON body our client sends), a",
    "fresh `Date` per request, each signer called as its client calls it (ours: the `Signer` service's",
    "Effect in an Effect loop; the SDK: `SignatureV4.sign` from `@smithy/signature-v4` as the SDK",
    "configures it, which also signs `x-amz-content-sha256`). Floor: the crypto any SigV4 signer must do",
    "(two SHA-256, one HMAC with a cached key) on node:crypto. Time-boxed rounds, interleaved.",
    "All three signers give the same signature for the same request and date: " +
    `${results.sign.agree ? "yes" : "**no**"}.`,
    "",
    table(signRows(results.sign)),
    "",
    "## Browser bundle size",
    "",
    "esbuild: bundle, minify, tree-shaking, `platform: browser`, ESM; gzip level 9. Ours uses",
    "`@effect/platform/FetchHttpClient` and `SignerAws4fetch`. (b) is generated: it keeps exactly the",
    `${results.bundles.effectExports} Effect / @effect/platform exports that (a)'s modules use as values,`,
    "read from their TypeScript, so a − b is our code, our schemas and aws4fetch. The schema rows come",
    "from two more generated programs that keep only the schemas (inputs, outputs, errors) of one",
    "operation and of all 31.",
    "SDK: its client and one command. Floor: aws4fetch + `fetch` + `JSON.parse`.",
    "",
    table(bundleRows(results.bundles)),
    "",
    "Minified bytes by origin (esbuild metafile): " +
      (["oneOp", "effectOnly", "allOps"] as const)
        .map((k) =>
          `${k} ${
            Object.entries(results.bundles[k].origins)
              .map(([o, bytes]) => `${o} ${kb(bytes)} KB`)
              .join(", ")
          }`
        )
        .join("; ") + ".",
    "",
    "## Where our client's time goes",
    "",
    "### Timed sections",
    "",
    "Each part timed on its own in one process, calls one after another; in-memory steps in time-boxed",
    "batches, I/O parts in 3 interleaved rounds (the round with the median CPU per call is kept). The",
    "whole-call variants change one layer each. On a busy machine these c=1 figures move by ±20–30% from",
    "run to run, and parts timed apart need not add up exactly; the CPU profile below, which apportions",
    "CPU time measured over one run of calls, is the steadier breakdown.",
    "",
    sectionsTable(results),
    equivalenceText(results),
    "",
    findings(results),
    "### CPU profile",
    "",
    "`node:inspector` CPU profile of our client's worker during one extra round after the measured ones.",
    "",
    profileTables(results)
  ].join("\n")
}
