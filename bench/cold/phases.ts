/**
 * Cold start of ours, by phase: a new process that loads what `cold/ours.ts` loads, one
 * package at a time (dynamic imports, in dependency order, so each phase adds only its own
 * modules), then builds the layer and makes the first call. Prints the ms of each phase.
 */
import type { Target } from "../workload.js"

const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target
const marks: Array<readonly [string, number]> = [["node start → script", performance.now()]]
const mark = (phase: string, since: number) => {
  marks.push([phase, performance.now() - since])
}

const main = async () => {
  let t = performance.now()
  const Effect = await import("effect/Effect")
  mark("import effect/Effect", t)
  t = performance.now()
  await import("effect/Schema")
  mark("import effect/Schema", t)
  t = performance.now()
  await import("@effect/platform-node/NodeHttpClient")
  mark("import @effect/platform-node/NodeHttpClient (with @effect/platform, undici)", t)
  t = performance.now()
  const { AmplifyBackend } = await import("../../src/AmplifyBackend.js")
  const Node = await import("../../src/Layer/Node.js")
  mark("import ours (AmplifyBackend: schemas, 31 operations, Client; Node)", t)
  t = performance.now()
  const layer = Node.layer({
    endpoint: target.url,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
  })
  let built = 0
  let done = 0
  const program = Effect.flatMap(AmplifyBackend, (amplify) => {
    built = performance.now()
    return amplify.getBackend({ AppId: "benchget", BackendEnvironmentName: "dev" })
  }).pipe(Effect.tap(() => Effect.sync(() => (done = performance.now()))))
  await Effect.runPromise(Effect.provide(program, layer))
  marks.push(["build the layer", built - t], ["first call", done - built])
  process.stdout.write(JSON.stringify(marks) + "\n")
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`cold start phases failed: ${String(error)}\n`)
    process.exit(1)
  }
)
