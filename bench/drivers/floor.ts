/**
 * The floor: plain `node:http` with a keep-alive agent, replaying requests our client signed
 * beforehand (same method, path, headers and body bytes): no encoding, no signing, no decoding
 * beyond reading the response body as text.
 */
import * as fs from "node:fs"
import * as http from "node:http"
import type { Op, RawRequest, Target } from "../workload.js"
import { closedLoops, type Driver } from "./driver.js"

/** Requests to replay: `GetBackend` once, `CreateBackendAuth` once per closed-loop worker. */
export interface FloorRequests {
  readonly GetBackend: RawRequest
  readonly CreateBackendAuth: ReadonlyArray<RawRequest>
}

interface Prepared {
  readonly options: http.RequestOptions
  readonly body: Buffer
}

const prepare = (target: URL, agent: http.Agent, request: RawRequest): Prepared => {
  const body = Buffer.from(request.body, "utf8")
  return {
    body,
    options: {
      agent,
      host: target.hostname,
      port: Number(target.port),
      method: request.method,
      path: request.path,
      headers: { ...request.headers, "content-length": String(body.length) }
    }
  }
}

/** Sends one prepared request and reads the whole response; anything but a 200 fails. */
export const send = (prepared: Prepared): Promise<string> =>
  new Promise((resolve, reject) => {
    const request = http.request(prepared.options, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8")
        if (response.statusCode === 200) resolve(text)
        else reject(new Error(`HTTP ${String(response.statusCode)}: ${text.slice(0, 200)}`))
      })
    })
    request.on("error", reject)
    request.end(prepared.body)
  })

export const makeWith = (target: Target, requests: FloorRequests) => {
  const url = new URL(target.url)
  const agent = new http.Agent({ keepAlive: true })
  const get = prepare(url, agent, requests.GetBackend)
  const auth = requests.CreateBackendAuth.map((r) => prepare(url, agent, r))
  const byOp: Record<Op, (w: number) => Prepared> = {
    GetBackend: () => get,
    CreateBackendAuth: (w) => auth[w]!
  }
  return { agent, byOp }
}

export const make = async (target: Target, requestsFile: string): Promise<Driver> => {
  const requests = JSON.parse(fs.readFileSync(requestsFile, "utf8")) as FloorRequests
  const { agent, byOp } = makeWith(target, requests)
  return {
    run: (op, concurrency, calls) => closedLoops(concurrency, calls, (w) => send(byOp[op](w))),
    close: async () => agent.destroy()
  }
}
