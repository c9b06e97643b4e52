/**
 * `npm run local`: the local AmplifyBackend on a loopback port until interrupted (Ctrl-C).
 *
 *   npm run local -- [--port 4566] [--host 127.0.0.1|::1|localhost] [--no-verify] [--help]
 *
 * `--port` defaults to `PORT`, else a free port; `--no-verify` accepts unsigned requests.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Local from "./Local.js"
import { loopbackHosts } from "./Server.js"

const usage = [
  "usage: npm run local -- [--port N] [--host 127.0.0.1|::1|localhost] [--no-verify] [--help]",
  "  --port N      the port to listen on (also --port=N); default PORT, else a free port",
  "  --host H      a loopback address; default 127.0.0.1",
  "  --no-verify   accept requests whatever their signature (default: SigV4 checked)",
  "  --help, -h    this text"
].join("\n")

/** The command line, read strictly: an unknown argument or a missing value is an error. */
const parse = (args: ReadonlyArray<string>): { port?: string; host?: string; verify: boolean; help: boolean } | string => {
  const parsed: { port?: string; host?: string; verify: boolean; help: boolean } = { verify: true, help: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const inline = /^(--port|--host)=(.*)$/.exec(arg)
    if (arg === "--help" || arg === "-h") parsed.help = true
    else if (arg === "--no-verify") parsed.verify = false
    else if (inline !== null) {
      if (inline[2] === "") return `${inline[1]} needs a value`
      parsed[inline[1] === "--port" ? "port" : "host"] = inline[2]!
    } else if (arg === "--port" || arg === "--host") {
      const value = args[i + 1]
      if (value === undefined || value.startsWith("--")) return `${arg} needs a value`
      parsed[arg === "--port" ? "port" : "host"] = value
      i++
    } else return `unknown argument ${JSON.stringify(arg)}`
  }
  return parsed
}

/** Exits with status 2; `withUsage` for a mistake in the arguments. */
const fail = (message: string, withUsage = true) =>
  Effect.zipRight(
    Console.error(`npm run local: ${message}${withUsage ? `\n${usage}` : ""}`),
    Effect.sync(() => process.exit(2))
  )

const program = Effect.gen(function*() {
  const parsed = parse(process.argv.slice(2))
  if (typeof parsed === "string") return yield* fail(parsed)
  if (parsed.help) {
    yield* Console.log(usage)
    return
  }
  const portText = parsed.port ?? (process.env.PORT || "0")
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN
  const host = parsed.host ?? "127.0.0.1"
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return yield* fail(`--port must be a port number from 0 to 65535, not ${portText}`)
  }
  if (!loopbackHosts.has(host)) {
    return yield* fail(`--host must be a loopback address (127.0.0.1, ::1 or localhost), not ${host}`)
  }
  const server = yield* Local.serve({ port, host, verifySignatures: parsed.verify }).pipe(
    Effect.catchTag("LocalServerError", (error) => fail(error.message, false))
  )
  const keys = Local.defaultCredentials
  yield* Console.log(
    [
      `local AmplifyBackend listening on ${server.url}`,
      `  region                ${server.local.region}`,
      `  AWS_ACCESS_KEY_ID     ${keys.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY ${Redacted.value(keys.secretAccessKey)}`,
      `  e.g. AWS_ACCESS_KEY_ID=${keys.accessKeyId} AWS_SECRET_ACCESS_KEY=${Redacted.value(keys.secretAccessKey)} \\`,
      `       aws amplifybackend list-s3-buckets --endpoint-url ${server.url} --region ${server.local.region}`,
      parsed.verify
        ? "Requests must be signed (SigV4) with these keys for this region."
        : "Signatures are not checked (--no-verify): any keys, or none, are accepted.",
      "Ctrl-C stops it."
    ].join("\n")
  )
  return yield* Effect.never
})

NodeRuntime.runMain(Effect.scoped(program))
