/**
 * Cold start, the official SDK: a new process that imports `@aws-sdk/client-amplifybackend`,
 * builds the client (the bench's configuration: loopback endpoint, fixed credentials and
 * region, `maxAttempts: 1`), makes its first call and exits as soon as it has the output.
 */
import { GetBackendCommand } from "@aws-sdk/client-amplifybackend"
import { client } from "../drivers/sdk.js"
import { getBackendInput, type Target } from "../workload.js"

const target = JSON.parse(process.env.BENCH_TARGET ?? "{}") as Target
const answer = (ok: boolean) => JSON.stringify({ ms: performance.now(), ok }) + "\n"

client(target).send(new GetBackendCommand(getBackendInput)).then(
  (output) => {
    process.stdout.write(answer(output.AppId === getBackendInput.AppId))
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`cold start (sdk) failed: ${String(error)}\n`)
    process.exit(1)
  }
)
