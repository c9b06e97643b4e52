/**
 * Our client with its default Node layers (`Node.layer`: undici HttpClient, node:crypto
 * signer, AWS standard retry policy), through the `AmplifyBackend` service. The closed loops
 * are fibers of one Effect, as an Effect program would run them.
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { AmplifyBackend } from "../../src/AmplifyBackend.js"
import * as Node from "../../src/Layer/Node.js"
import { createBackendAuthInput, getBackendInput, maxWorkers, type Op, type Target } from "../workload.js"
import type { Driver } from "./driver.js"

export const make = async (target: Target, options: Pick<Node.Options, "httpClient"> = {}): Promise<Driver> => {
  const runtime = ManagedRuntime.make(
    Node.layer({
      ...options,
      endpoint: target.url,
      region: target.region,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey }
    })
  )
  const amplify = await runtime.runPromise(AmplifyBackend)
  const authInputs = Array.from({ length: maxWorkers }, (_, w) => createBackendAuthInput(w))
  const call = (op: Op, w: number) =>
    op === "GetBackend" ? amplify.getBackend(getBackendInput) : amplify.createBackendAuth(authInputs[w]!)
  const run = (op: Op, concurrency: number, calls: number) =>
    Effect.suspend(() => {
      let taken = 0
      const loop = (w: number) =>
        Effect.gen(function*() {
          while (taken < calls) {
            taken++
            yield* call(op, w)
          }
        })
      return Effect.all(
        Array.from({ length: concurrency }, (_, w) => loop(w)),
        { concurrency: "unbounded", discard: true }
      )
    })
  return {
    run: (op, concurrency, calls) => runtime.runPromise(run(op, concurrency, calls)),
    close: () => runtime.dispose()
  }
}
