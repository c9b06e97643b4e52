/**
 * Where our client's time goes, by timing its parts on their own in one process (plain node
 * on compiled JavaScript, against the bench server):
 *
 * - the in-memory steps of a call: input encoding (`encodeRequest`, and the compiled encoder of
 *   `src/internal/fastEncode.ts` alone), SigV4 signing (`SignerNode`), response decoding
 *   (`decodeResponse` on a response captured beforehand);
 * - the transport alone, with the pre-signed request (no encoding, signing or decoding): undici's
 *   own `request` (no Effect), the `@effect/platform` undici client as `Client.ts` builds the
 *   request, `LeanHttpClient` the same way, and `node:http` (the floor);
 * - the whole call with the default layers, and with one layer changed at a time: retries off,
 *   `FetchHttpClient` (Node's global fetch),
 *   `NodeHttpClient.layer` (node:http) instead of undici, and `LeanHttpClient`.
 *
 * Also checks the compiled encoder against the Schema on random inputs of all 31
 * operations (`checkEquivalence`).
 *
 * Every part runs calls one after another (concurrency 1); the I/O parts run in 3 interleaved
 * rounds (order rotated each round), and the round with the median CPU time per call is kept.
 * (A full GC before each round would be worse: forced GCs flush compiled code, and the round
 * after pays for compiling it again.) Reports CPU µs per call of this process (the client's own
 * cost; the server runs elsewhere) and wall µs per call. Reads `{ target, requestsFile }` from
 * `BENCH_CONFIG`.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as http from "node:http"
import * as Undici from "undici"
import { AmplifyBackend, operations } from "../src/AmplifyBackend.js"
import type { Spec } from "../src/internal/operation.js"
import { decodeResponse, encodeRequest, type RawResponse } from "../src/internal/restJson1.js"
import type { ConfigurationError } from "../src/ClientErrors.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"
import * as Retry from "../src/Layer/Retry.js"
import * as SignerNode from "../src/Layer/SignerNode.js"
import { createBackendAuth } from "../src/Operations/CreateBackendAuth.js"
import { getBackend } from "../src/Operations/GetBackend.js"
import { type FloorRequests, makeWith, send } from "./drivers/floor.js"
import { checkEquivalence, compileEncoder, type EquivalenceCheck } from "./fastEncode.js"

import { createBackendAuthInput, getBackendInput, type Op, type RawRequest, type Target } from "./workload.js"

export interface Section {
  readonly op: Op
  readonly name: string
  readonly cpuMicros: number
  readonly wallMicros: number
}

export interface SectionsReport {
  readonly sections: ReadonlyArray<Section>
  readonly equivalence: EquivalenceCheck
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? "{}") as { target: Target; requestsFile: string }
const target = config.target
const requests = JSON.parse(fs.readFileSync(config.requestsFile, "utf8")) as FloorRequests
const specs: Record<Op, Spec> = { GetBackend: getBackend.spec, CreateBackendAuth: createBackendAuth.spec }
const inputs: Record<Op, unknown> = {
  GetBackend: getBackendInput,
  CreateBackendAuth: createBackendAuthInput(0)
}
const raw: Record<Op, RawRequest> = {
  GetBackend: requests.GetBackend,
  CreateBackendAuth: requests.CreateBackendAuth[0]!
}
const credentials = { accessKeyId: target.accessKeyId, secretAccessKey: Redacted.make(target.secretAccessKey) }

interface Sample {
  calls: number
  cpuMs: number
  wallMs: number
}

const measure = async (sample: Sample, calls: number, run: () => Promise<void>) => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run()
  sample.wallMs += performance.now() - start
  const used = process.cpuUsage(cpu)
  sample.cpuMs += (used.user + used.system) / 1000
  sample.calls += calls
}

/** Rounds of each I/O part; the round with the median CPU time per call is kept. */
const ioRounds = 3

const medianRound = (rounds: ReadonlyArray<Sample>): Sample => {
  const sorted = [...rounds].sort((a, b) => a.cpuMs / a.calls - b.cpuMs / b.calls)
  return sorted[sorted.length >> 1]!
}

/** Runs an in-memory step in batches until `budgetMs` have passed; one warm-up batch first. */
const inMemory = async (step: (n: number) => void, budgetMs: number): Promise<Sample> => {
  const batch = 200
  step(batch)
  const sample: Sample = { calls: 0, cpuMs: 0, wallMs: 0 }
  while (sample.wallMs < budgetMs) await measure(sample, batch, async () => step(batch))
  return sample
}

const loopSync = (effect: () => Effect.Effect<unknown, unknown>) => (n: number) =>
  Effect.runSync(Effect.gen(function*() {
    for (let i = 0; i < n; i++) yield* effect()
  }).pipe(Effect.orDie))

/** Captures the response the server gives the pre-signed request. */
const capture = (op: Op): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(target.url)
    const body = Buffer.from(raw[op].body, "utf8")
    const request = http.request({
      host: url.hostname,
      port: Number(url.port),
      method: raw[op].method,
      path: raw[op].path,
      headers: { ...raw[op].headers, "content-length": String(body.length) }
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (c: Buffer) => chunks.push(c))
      response.on("end", () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value
        }
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") })
      })
    })
    request.on("error", reject)
    request.end(body)
  })

const layerOptions = {
  endpoint: target.url,
  region: target.region,
  credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
}

const withHttp = (httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>) => Node.layer({ ...layerOptions, httpClient })

const variants = {
  "whole call, default layers": Node.layer(layerOptions),
  "whole call, Retry.layerOff": Node.layer(layerOptions).pipe(Layer.provide(Retry.layerOff)),
  "whole call, FetchHttpClient (Node's fetch)": withHttp(FetchHttpClient.layer),
  "whole call, NodeHttpClient.layer (node:http)": withHttp(NodeHttpClient.layer),
  "whole call, LeanHttpClient": withHttp(LeanHttpClient.layer())
}

/** The compiled encoder against the Schema, on random inputs of every operation. */
const equivalence = (): EquivalenceCheck =>
  checkEquivalence(Object.values(operations).map((op) => {
    const schema = op.spec.input as Schema.Schema<unknown, unknown>
    const fast = compileEncoder(schema)
    return {
      fast: fast ?? (() => undefined),
      slow: Schema.encodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" }),
      samples: FastCheck.sample(Arbitrary.make(schema), { numRuns: 100, seed: 42 })
    }
  }))

const main = async () => {
  const sections: Array<Section> = []
  const add = (op: Op, name: string, s: Sample) =>
    sections.push({ op, name, cpuMicros: (s.cpuMs * 1000) / s.calls, wallMicros: (s.wallMs * 1000) / s.calls })

  // In-memory steps.
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const spec = specs[op]
    const input = inputs[op]
    const encode = loopSync(() => encodeRequest(spec, input as never))
    add(op, "encodeRequest (validate + encode input)", await inMemory(encode, 400))
    const compiled = compileEncoder(spec.input)
    if (compiled !== undefined) {
      add(op, "… of which the compiled encoder alone (src/internal/fastEncode.ts)", await inMemory((n) => {
        for (let i = 0; i < n; i++) JSON.stringify(compiled(input))
      }, 400))
    }
    const request = raw[op]
    const headers: Record<string, string> = { "content-type": "application/json" }
    add(op, "SigV4 sign (SignerNode)", await inMemory(loopSync(() =>
      SignerNode.make.sign(
        { method: request.method, url: target.url + request.path, headers, body: request.body },
        credentials,
        { region: target.region, service: "amplifybackend" },
        new Date()
      )), 400))
    const response = await capture(op)
    const metadata = { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 }
    add(op, "decodeResponse (JSON.parse + decode output)", await inMemory(loopSync(() =>
      decodeResponse(spec, response, metadata)), 400))
  }

  // I/O: transport alone, and whole calls, rounds interleaved.
  const undici = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const lean = ManagedRuntime.make(LeanHttpClient.layer())
  /** `n` requests through the platform client, built as `Client.ts` builds its own, once. */
  const transport = (op: Op, n: number) => {
    const request = raw[op]
    const url = target.url + request.path
    return Effect.gen(function*() {
      const client = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
      for (let i = 0; i < n; i++) {
        const r = HttpClientRequest.bodyText(
          HttpClientRequest.make(request.method as "POST")(url).pipe(
            HttpClientRequest.setHeaders(request.headers)
          ),
          request.body,
          "application/json"
        )
        const response = yield* client.execute(r)
        yield* response.text
      }
    })
  }
  const floor = makeWith(target, requests)
  const dispatcher = new Undici.Agent()
  const undiciDirect = async (op: Op) => {
    const request = raw[op]
    const response = await dispatcher.request({
      origin: target.url,
      path: request.path,
      method: request.method as "POST",
      headers: request.headers,
      body: request.body
    })
    await response.body.text()
  }
  const runtimes = Object.entries(variants).map(([name, layer]) => [name, ManagedRuntime.make(layer)] as const)
  const services = await Promise.all(runtimes.map(([, runtime]) => runtime.runPromise(AmplifyBackend)))
  const calls = Number(process.env.BENCH_SECTION_CALLS ?? 300)
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const parts: Array<readonly [string, (n: number) => Promise<void>]> = [
      ["transport: undici request, no Effect, pre-signed", async (n) => {
        for (let i = 0; i < n; i++) await undiciDirect(op)
      }],
      ["transport: @effect/platform undici client, pre-signed", (n) => undici.runPromise(transport(op, n))],
      ["transport: LeanHttpClient, pre-signed", (n) => lean.runPromise(transport(op, n))],
      ["transport: node:http, pre-signed (floor)", async (n) => {
        for (let i = 0; i < n; i++) await send(floor.byOp[op](0))
      }],
      ...runtimes.map(([name, runtime], i) =>
        [name, (n: number) =>
          runtime.runPromise(Effect.gen(function*() {
            const amplify = services[i]!
            for (let k = 0; k < n; k++) {
              if (op === "GetBackend") yield* amplify.getBackend(getBackendInput)
              else yield* amplify.createBackendAuth(createBackendAuthInput(0))
            }
          }))] as const
      )
    ]
    const rounds: Array<Array<Sample>> = parts.map(() => [])
    for (const [, run] of parts) await run(Math.ceil(calls / 3))
    for (let round = 0; round < ioRounds; round++) {
      for (let i = 0; i < parts.length; i++) {
        const k = (i + round) % parts.length
        const sample = { calls: 0, cpuMs: 0, wallMs: 0 }
        await measure(sample, calls, () => parts[k]![1](calls))
        rounds[k]!.push(sample)
      }
    }
    parts.forEach(([name], i) => add(op, name, medianRound(rounds[i]!)))
  }
  floor.agent.destroy()
  await dispatcher.close()
  await undici.dispose()
  await lean.dispose()
  for (const [, runtime] of runtimes) await runtime.dispose()
  const report: SectionsReport = { sections, equivalence: equivalence() }
  process.stdout.write(JSON.stringify(report) + "\n")
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`sections failed: ${String(error)}\n`)
    process.exit(1)
  }
)
