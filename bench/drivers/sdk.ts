/**
 * The official `@aws-sdk/client-amplifybackend`, pointed at the loopback server with fixed
 * credentials and region (its default providers never run) and `maxAttempts: 1`: every call is
 * one attempt, as with our client when nothing fails.
 */
import {
  AmplifyBackendClient,
  CreateBackendAuthCommand,
  type CreateBackendAuthCommandInput,
  GetBackendCommand,
  type GetBackendCommandInput
} from "@aws-sdk/client-amplifybackend"
import { createBackendAuthInput, getBackendInput, maxWorkers, type Target } from "../workload.js"
import { closedLoops, type Driver } from "./driver.js"

/** The SDK client the bench uses everywhere (workers and cold start). */
export const client = (target: Target): AmplifyBackendClient =>
  new AmplifyBackendClient({
    endpoint: target.url,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    maxAttempts: 1,
    defaultsMode: "legacy"
  })

// Our inputs are readonly deep down; the SDK's input types are the same shapes, mutable.
const getInput = getBackendInput as GetBackendCommandInput
const authInputs = Array.from(
  { length: maxWorkers },
  (_, w) => createBackendAuthInput(w) as unknown as CreateBackendAuthCommandInput
)

export const make = async (target: Target): Promise<Driver> => {
  const sdk = client(target)
  return {
    run: (op, concurrency, calls) =>
      closedLoops(concurrency, calls, (w) =>
        op === "GetBackend"
          ? sdk.send(new GetBackendCommand(getInput))
          : sdk.send(new CreateBackendAuthCommand(authInputs[w]!))),
    close: async () => sdk.destroy()
  }
}
