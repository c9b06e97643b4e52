/**
 * The bench's loopback AmplifyBackend, run as its own process: the embedded local service
 * (signature checks on) behind `Local/Server.ts`, on 127.0.0.1 and a free port.
 *
 * Set up in process before it listens: app `benchget` with environment `dev`, and app
 * `benchauth` with one environment per closed-loop worker. A successful `CreateBackendAuth`
 * is undone in process (`DeleteBackendAuth`, no HTTP) before its response is sent, so the next
 * call of the same worker succeeds too: every measured call is a 200.
 *
 * Prints one JSON line (`Target`) when ready; exits on SIGTERM or when its stdin closes.
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Local from "../src/Local/Local.js"
import type { LocalRequest, LocalResponse } from "../src/Local/Protocol.js"
import * as Server from "../src/Local/Server.js"
import { authApp, authEnvironment, getApp, maxWorkers, type Target } from "./workload.js"

const authPath = `/backend/${authApp}/auth`

const program = Effect.gen(function*() {
  const local = yield* Local.make({ jobDurationMillis: 0, seed: 7 })
  const handlers = local.backend.handlers
  yield* handlers.CreateBackend({ AppId: getApp, AppName: "bench", BackendEnvironmentName: "dev" })
  for (let w = 0; w < maxWorkers; w++) {
    yield* handlers.CreateBackend({
      AppId: authApp,
      AppName: "bench",
      BackendEnvironmentName: authEnvironment(w)
    })
  }

  const undoAuth = (request: LocalRequest) =>
    Effect.suspend(() => {
      const body = JSON.parse(request.body) as { backendEnvironmentName: string; resourceName: string }
      return handlers.DeleteBackendAuth({
        AppId: authApp,
        BackendEnvironmentName: body.backendEnvironmentName,
        ResourceName: body.resourceName
      })
    }).pipe(Effect.orDie)

  const handle = (request: LocalRequest): Effect.Effect<LocalResponse> =>
    Effect.flatMap(local.handle(request), (response) =>
      response.status === 200 && request.method === "POST" && request.url === authPath
        ? Effect.as(undoAuth(request), response)
        : Effect.succeed(response))

  const server = yield* Server.serve(handle, { host: "127.0.0.1", port: 0 })
  const keys = local.credentials[0] ?? Local.defaultCredentials
  const target: Target = {
    url: server.url,
    region: local.region,
    accessKeyId: keys.accessKeyId,
    secretAccessKey: Redacted.value(keys.secretAccessKey)
  }
  process.stdout.write(JSON.stringify(target) + "\n")
  return yield* Effect.never
})

process.on("SIGTERM", () => process.exit(0))
process.stdin.on("end", () => process.exit(0))
process.stdin.resume()
Effect.runFork(Effect.scoped(program))
