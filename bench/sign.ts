/**
 * Signing cost per request, on the same requests (the `GetBackend` and `CreateBackendAuth`
 * requests our client sends: method, URL, `content-type`, JSON body), each signer called the
 * way its client calls it:
 *
 * - `SignerNode` and `SignerAws4fetch`: the `Signer` service's `sign` Effect, in an Effect loop
 *   (synchronous for SignerNode; a promise per request for aws4fetch's WebCrypto);
 * - the SDK's `SignatureV4` (`@smithy/signature-v4` with the SDK's Node SHA-256), configured
 *   as the SDK client configures it (it adds and signs `x-amz-content-sha256`): `await sign`;
 * - the floor: the crypto any SigV4 signer must do, on `node:crypto` with a cached signing
 *   key: SHA-256 of the body, SHA-256 of a canonical request of the same size, one HMAC.
 *
 * A fresh `Date` per request, as clients sign. Before timing, all three signers must produce
 * the same `authorization` for the same date
 * (the SDK's without `x-amz-content-sha256` for that check). Rounds are time-boxed and interleaved.
 */
import { Sha256 } from "@smithy/core/checksum"
import { HttpRequest } from "@smithy/core/protocols"
import { SignatureV4 } from "@smithy/signature-v4"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as crypto from "node:crypto"
import type { Spec } from "../src/internal/operation.js"
import { encodeRequest } from "../src/internal/restJson1.js"
import type { SignerService } from "../src/Layer/Signer.js"
import * as SignerAws4fetch from "../src/Layer/SignerAws4fetch.js"
import * as SignerNode from "../src/Layer/SignerNode.js"
import { createBackendAuth } from "../src/Operations/CreateBackendAuth.js"
import { getBackend } from "../src/Operations/GetBackend.js"
import { createBackendAuthInput, getBackendInput, type Op } from "./workload.js"

export interface SignResult {
  readonly op: Op
  readonly signer: "SignerNode" | "SignerAws4fetch" | "sdk" | "floor"
  readonly micros: number
  readonly bodyBytes: number
}

export interface SignReport {
  readonly results: ReadonlyArray<SignResult>
  /** Whether SignerNode, SignerAws4fetch and the SDK signed each request identically. */
  readonly agree: boolean
}

const endpoint = "http://127.0.0.1:4566"
const scope = { region: "us-east-1", service: "amplifybackend" }
const keys = { accessKeyId: "AKIDEXAMPLEBENCH", secretAccessKey: "bench/secret/access/key/0123456789abcdef" }
const credentials = { accessKeyId: keys.accessKeyId, secretAccessKey: Redacted.make(keys.secretAccessKey) }

const request = (spec: Spec, input: unknown) => {
  const encoded = Effect.runSync(encodeRequest(spec, input as never))
  return {
    method: encoded.method,
    url: endpoint + encoded.path,
    path: encoded.path,
    headers: { "content-type": "application/json" } as Record<string, string>,
    body: encoded.body ?? ""
  }
}

const requests = {
  GetBackend: request(getBackend.spec, getBackendInput),
  CreateBackendAuth: request(createBackendAuth.spec, createBackendAuthInput(0))
}

/** As the SDK client builds it (it also sends `x-amz-content-sha256`: `applyChecksum` defaults on). */
const sdkSigner = new SignatureV4({
  credentials: keys,
  region: scope.region,
  service: scope.service,
  sha256: Sha256
})
/** The same without `x-amz-content-sha256`, to check it canonicalizes as ours do. */
const sdkPlain = new SignatureV4({
  credentials: keys,
  region: scope.region,
  service: scope.service,
  sha256: Sha256,
  applyChecksum: false
})

const sdkRequest = (r: (typeof requests)[Op]) =>
  new HttpRequest({
    method: r.method,
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4566,
    path: r.path,
    headers: { ...r.headers, host: "127.0.0.1:4566" },
    body: r.body
  })

const viaService = (signer: SignerService, r: (typeof requests)[Op], date: Date) =>
  signer.sign({ method: r.method, url: r.url, headers: r.headers, body: r.body }, credentials, scope, date)

/** The crypto every SigV4 signature needs, with the signing key derived once. */
const floorKey = crypto.createHmac("sha256", "AWS4" + keys.secretAccessKey).update("20250101").digest()
const floorSign = (r: (typeof requests)[Op]) => {
  const payload = crypto.createHash("sha256").update(r.body).digest("hex")
  const canonical = r.method + "\n" + r.path + "\n\ncontent-type:application/json\nhost:127.0.0.1:4566\n" +
    "x-amz-date:20250101T000000Z\n\ncontent-type;host;x-amz-date\n" + payload
  const hashed = crypto.createHash("sha256").update(canonical).digest("hex")
  return crypto.createHmac("sha256", floorKey).update("AWS4-HMAC-SHA256\n" + hashed).digest("hex")
}

type Runner = (n: number) => Promise<void>

const runners = (op: Op): Record<SignResult["signer"], Runner> => {
  const r = requests[op]
  const sdkInput = sdkRequest(r)
  return {
    SignerNode: async (n) =>
      Effect.runSync(Effect.gen(function*() {
        for (let i = 0; i < n; i++) yield* viaService(SignerNode.make, r, new Date())
      })),
    SignerAws4fetch: (n) =>
      Effect.runPromise(Effect.gen(function*() {
        for (let i = 0; i < n; i++) yield* viaService(SignerAws4fetch.make, r, new Date())
      })),
    sdk: async (n) => {
      for (let i = 0; i < n; i++) await sdkSigner.sign(sdkInput, { signingDate: new Date() })
    },
    floor: async (n) => {
      for (let i = 0; i < n; i++) floorSign(r)
    }
  }
}

const agreement = async (): Promise<boolean> => {
  const date = new Date("2025-01-01T12:00:00Z")
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const r = requests[op]
    const node = Effect.runSync(viaService(SignerNode.make, r, date)).authorization
    const portable = (await Effect.runPromise(viaService(SignerAws4fetch.make, r, date))).authorization
    const sdk = (await sdkPlain.sign(sdkRequest(r), { signingDate: date })).headers["authorization"]
    if (node !== portable || node !== sdk) return false
  }
  return true
}

const main = async () => {
  const agree = await agreement()
  const budgetMs = Number(process.env.BENCH_SIGN_MS ?? 250)
  const results: Array<SignResult> = []
  for (const op of ["GetBackend", "CreateBackendAuth"] as const) {
    const all = Object.entries(runners(op)) as Array<[SignResult["signer"], Runner]>
    const totals = all.map(() => ({ calls: 0, ms: 0 }))
    for (const [, run] of all) await run(500)
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < all.length; i++) {
        const k = (i + round) % all.length
        const run = all[k]![1]
        const total = totals[k]!
        const until = performance.now() + budgetMs
        while (performance.now() < until) {
          const start = performance.now()
          await run(100)
          total.ms += performance.now() - start
          total.calls += 100
        }
      }
    }
    all.forEach(([signer], i) =>
      results.push({
        op,
        signer,
        micros: (totals[i]!.ms * 1000) / totals[i]!.calls,
        bodyBytes: Buffer.byteLength(requests[op].body)
      })
    )
  }
  process.stdout.write(JSON.stringify({ results, agree } satisfies SignReport) + "\n")
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`sign failed: ${String(error)}\n`)
    process.exit(1)
  }
)
