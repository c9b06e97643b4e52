/**
 * Cold start, the floor: a new process that sends the pre-signed `GetBackend` request with
 * `node:http` and exits as soon as it has the body: Node's own start-up plus one request.
 */
import { makeWith, send } from "../drivers/floor.js"
import type { RawRequest, Target } from "../workload.js"

const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target
const request = JSON.parse(process.env.BENCH_REQUEST ?? "{}") as RawRequest
const { byOp } = makeWith(target, { GetBackend: request, CreateBackendAuth: [] })

send(byOp.GetBackend(0)).then(
  (body) => {
    const output = JSON.parse(body) as { appId?: string }
    process.stdout.write(JSON.stringify({ ms: performance.now(), ok: output.appId !== undefined }) + "\n")
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`cold start (floor) failed: ${String(error)}\n`)
    process.exit(1)
  }
)
