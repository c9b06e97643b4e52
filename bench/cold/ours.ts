/**
 * Cold start, ours: a new process that imports the client (the `AmplifyBackend` service with
 * all 31 operations, and `Node.layer`), makes its first call and exits as soon as it has the
 * output. Prints the process's own uptime at that moment.
 */
import * as Effect from "effect/Effect"
import { AmplifyBackend } from "../../src/AmplifyBackend.js"
import * as Node from "../../src/Layer/Node.js"
import { getBackendInput, type Target } from "../workload.js"

const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target
const answer = (ok: boolean) => JSON.stringify({ ms: performance.now(), ok }) + "\n"

const program = Effect.flatMap(AmplifyBackend, (amplify) => amplify.getBackend(getBackendInput)).pipe(
  Effect.tap((output) =>
    Effect.sync(() => {
      process.stdout.write(answer(output.AppId === getBackendInput.AppId))
      process.exit(0)
    })
  ),
  Effect.provide(
    Node.layer({
      endpoint: target.url,
      region: target.region,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
    })
  )
)

Effect.runPromise(program).catch((error: unknown) => {
  process.stderr.write(`cold start (ours) failed: ${String(error)}\n`)
  process.exit(1)
})
