/**
 * `npm run local`: the local AmplifyBackend on a loopback port until interrupted (Ctrl-C).
 *
 *   npm run local -- [--port 4566] [--host 127.0.0.1|::1] [--no-verify]
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Local from "./Local.js"

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}

const port = Number(option("--port") ?? process.env.PORT ?? 0)
const host = option("--host") ?? "127.0.0.1"

const fail = (message: string) =>
  Effect.zipRight(Console.error(`npm run local: ${message}`), Effect.sync(() => process.exit(2)))

const program = Effect.gen(function*() {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return yield* fail(`--port must be a port number from 0 to 65535, not ${String(option("--port"))}`)
  }
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) {
    return yield* fail(`--host must be a loopback address (127.0.0.1, ::1 or localhost), not ${host}`)
  }
  const server = yield* Local.serve({ port, host, verifySignatures: !args.includes("--no-verify") }).pipe(
    Effect.catchAllDefect((defect) => fail(`cannot listen on ${host}:${port}: ${(defect as Error).message ?? String(defect)}`))
  )
  const keys = Local.defaultCredentials
  yield* Console.log(
    [
      `local AmplifyBackend listening on ${server.url}`,
      `  region                ${server.local.region}`,
      `  AWS_ACCESS_KEY_ID     ${keys.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY ${Redacted.value(keys.secretAccessKey)}`,
      `  e.g. aws amplifybackend list-s3-buckets --endpoint-url ${server.url} --region ${server.local.region}`,
      "Ctrl-C stops it."
    ].join("\n")
  )
  return yield* Effect.never
})

NodeRuntime.runMain(Effect.scoped(program))
