/**
 * The bytes our client sends, signed ahead of time for the floor to replay: the input encoded
 * by `encodeRequest`, the `content-type` our client sets, and the headers `SignerNode` adds,
 * exactly as `Client.ts` builds an attempt. A signature stays valid for 15 minutes.
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { Spec } from "../src/internal/operation.js"
import { encodeRequest } from "../src/internal/restJson1.js"
import * as SignerNode from "../src/Layer/SignerNode.js"
import { createBackendAuth } from "../src/Operations/CreateBackendAuth.js"
import { getBackend } from "../src/Operations/GetBackend.js"
import type { FloorRequests } from "./drivers/floor.js"
import {
  createBackendAuthInput,
  getBackendInput,
  maxWorkers,
  type RawRequest,
  type Target
} from "./workload.js"

/** Signs one request the way our client's attempt does. */
export const signed = (target: Target, spec: Spec, input: unknown): RawRequest =>
  Effect.runSync(
    Effect.gen(function*() {
      const request = yield* encodeRequest(spec, input as never)
      const headers: Record<string, string> = request.body === undefined
        ? {}
        : { "content-type": "application/json" }
      const signedHeaders = yield* SignerNode.make.sign(
        { method: request.method, url: target.url + request.path, headers, body: request.body },
        { accessKeyId: target.accessKeyId, secretAccessKey: Redacted.make(target.secretAccessKey) },
        { region: target.region, service: "amplifybackend" },
        new Date()
      )
      return { method: request.method, path: request.path, headers: signedHeaders, body: request.body ?? "" }
    })
  )

export const floorRequests = (target: Target): FloorRequests => ({
  GetBackend: signed(target, getBackend.spec, getBackendInput),
  CreateBackendAuth: Array.from(
    { length: maxWorkers },
    (_, w) => signed(target, createBackendAuth.spec, createBackendAuthInput(w))
  )
})
