/**
 * The restJson1 protocol, service side: the local AmplifyBackend's request handler.
 *
 * It uses the same generated operation descriptions and Schemas as the client, turned around:
 * verify the SigV4 signature, route by method and URI template, decode the input, run the
 * handler, encode the output or the modelled error.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { operations } from "../AmplifyBackend.js"
import type { Spec } from "../internal/operation.js"
import { formatIssues } from "../internal/restJson1.js"
import type { AwsCredentials } from "../Layer/Credentials.js"
import { make as nodeSigner } from "../Layer/SignerNode.js"
import type { SignerService } from "../Layer/Signer.js"
import * as Errors from "../Schema/Errors.js"
import type { FaultInjector, TransportDirective } from "./Faults.js"
import { type Handlers, LocalFault } from "./Service.js"

/** A request as the local service sees it. Header names are lower case. */
export interface LocalRequest {
  readonly method: string
  /** Path and query, as sent (labels percent-encoded). */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A response from the local service. */
export interface LocalResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  /** What the transport must do instead of simply sending the response (see `Faults.ts`). */
  readonly transport?: TransportDirective | undefined
}

/** How the local service checks signatures. */
export interface VerificationOptions {
  /** The credentials the service accepts; an unknown access key is refused. */
  readonly credentials: ReadonlyArray<AwsCredentials>
  /** Set to false to accept unsigned requests (SigV4 is checked by default). */
  readonly verifySignatures?: boolean
  /** How far a request's `x-amz-date` may be from the service's clock. Default 15 minutes. */
  readonly maxSkewMillis?: number
  /** The region the service signs for; requests signed for another region are refused. */
  readonly region?: string
  /** The signer used to recompute signatures. Default: the node:crypto signer. */
  readonly signer?: SignerService
}

interface Route {
  readonly name: keyof typeof operations
  readonly spec: Spec
  readonly method: string
  readonly pattern: RegExp
  readonly labels: ReadonlyArray<string>
}

const routes: ReadonlyArray<Route> = Object.entries(operations).map(([name, op]) => {
  const labels: Array<string> = []
  const source = op.spec.uri.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}/g, (_, label) => {
    labels.push(label)
    return "([^/]+)"
  })
  return {
    name: name as keyof typeof operations,
    spec: op.spec,
    method: op.spec.method,
    pattern: new RegExp(`^${source}$`),
    labels
  }
})

let requestCounter = 0
const nextRequestId = (): string => {
  requestCounter = (requestCounter + 1) % 0xffffffff
  const hex = requestCounter.toString(16).padStart(8, "0")
  return `${hex}-0000-4000-8000-${Date.now().toString(16).padStart(12, "0").slice(-12)}`
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse => ({
  status,
  headers: { "content-type": "application/json", "x-amzn-requestid": nextRequestId(), ...headers },
  body: JSON.stringify(body)
})

/** An error response the way AWS sends one: the code in `x-amzn-errortype`, a JSON body. */
export const errorResponse = (
  status: number,
  code: string,
  body: Record<string, unknown>
): LocalResponse => json(status, body, { "x-amzn-errortype": code })

const faultResponse = (fault: LocalFault): LocalResponse => {
  const cls = Errors.all.find((e) => e._tag === fault.code) ?? Errors.BadRequestException
  const body: Record<string, unknown> = { message: fault.message }
  if (fault.resourceType !== undefined) body.resourceType = fault.resourceType
  if (fault.limitType !== undefined) body.limitType = fault.limitType
  return errorResponse(cls.httpStatus, fault.code, body)
}

const badRequest = (message: string) => errorResponse(400, "BadRequestException", { message })

const forbidden = (code: string, message: string) => errorResponse(403, code, { message })

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/

const parseAmzDate = (value: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined
}

/**
 * Checks a request's SigV4 signature by signing the same request again with the caller's
 * secret and comparing. Answers the 403 AWS answers when the check fails, or undefined.
 */
const verify = (
  request: LocalRequest,
  options: VerificationOptions
): Effect.Effect<LocalResponse | undefined> =>
  Effect.gen(function*() {
    const authorization = request.headers.authorization
    if (authorization === undefined) {
      return forbidden("MissingAuthenticationTokenException", "Missing Authentication Token")
    }
    const m = authorizationPattern.exec(authorization)
    const amzDate = request.headers["x-amz-date"]
    const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate)
    if (m === null || signedAt === undefined) {
      return forbidden(
        "IncompleteSignatureException",
        "Authorization header requires Credential, SignedHeaders and Signature, and x-amz-date is required"
      )
    }
    const [, accessKeyId, day, region, service, signedHeaderList] = m
    const known = options.credentials.find((c) => c.accessKeyId === accessKeyId)
    if (known === undefined) {
      return forbidden("UnrecognizedClientException", "The security token included in the request is invalid.")
    }
    if (day !== amzDate!.slice(0, 8) || service !== "amplifybackend" ||
      (options.region !== undefined && region !== options.region)) {
      return forbidden("InvalidSignatureException", "Credential should be scoped to a valid region, service and date.")
    }
    const now = yield* Clock.currentTimeMillis
    const maxSkew = options.maxSkewMillis ?? 15 * 60 * 1000
    if (Math.abs(now - signedAt) > maxSkew) {
      const minutes = `${Math.round(maxSkew / 60_000)} min.`
      return forbidden(
        "InvalidSignatureException",
        signedAt > now
          ? `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + maxSkew)} ` +
            `(${formatAmzDate(now)} + ${minutes})`
          : `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - maxSkew)} ` +
            `(${formatAmzDate(now)} - ${minutes})`
      )
    }
    const signedNames = signedHeaderList!.split(";")
    if (!signedNames.includes("host")) {
      return forbidden("InvalidSignatureException", "'Host' must be a signed header.")
    }
    const headers: Record<string, string> = {}
    for (const name of signedNames) {
      const value = request.headers[name]
      if (value !== undefined) headers[name] = value
    }
    const token = request.headers["x-amz-security-token"]
    const expectedToken = known.sessionToken === undefined ? undefined : Redacted.value(known.sessionToken)
    if (token !== expectedToken) {
      return forbidden("UnrecognizedClientException", "The security token included in the request is invalid.")
    }
    const payloadHash = request.headers["x-amz-content-sha256"]
    if (payloadHash !== undefined && payloadHash !== createHash("sha256").update(request.body).digest("hex")) {
      return forbidden(
        "InvalidSignatureException",
        "The provided x-amz-content-sha256 header does not match what was computed."
      )
    }
    const signer = options.signer ?? nodeSigner
    const resigned = yield* signer.sign(
      { method: request.method, url: `http://${request.headers.host ?? ""}${request.url}`, headers, body: request.body },
      {
        accessKeyId: known.accessKeyId,
        secretAccessKey: known.secretAccessKey,
        sessionToken: token === undefined ? undefined : Redacted.make(token)
      },
      { region: region!, service: service! },
      new Date(signedAt)
    ).pipe(Effect.catchAllDefect(() => Effect.succeed(undefined)))
    if (resigned === undefined || resigned.authorization !== authorization) {
      return forbidden(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. " +
          "Check your AWS Secret Access Key and signing method."
      )
    }
    return undefined
  })

const formatAmzDate = (millis: number): string =>
  new Date(millis).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")

const decoders = new Map<Spec, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()
const encoders = new Map<Spec, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

const decodeInput = (spec: Spec) => {
  let decode = decoders.get(spec)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(spec.input, { errors: "all", onExcessProperty: "ignore" })
    decoders.set(spec, decode)
  }
  return decode
}

const encodeOutput = (spec: Spec) => {
  let encode = encoders.get(spec)
  if (encode === undefined) {
    encode = Schema.encodeUnknownEither(spec.output)
    encoders.set(spec, encode)
  }
  return encode
}

/** Finds the operation a request addresses and the values of its labels. */
export const route = (
  method: string,
  path: string
): { readonly route: Route; readonly labels: Record<string, string> } | undefined => {
  for (const candidate of routes) {
    if (candidate.method !== method) continue
    const m = candidate.pattern.exec(path)
    if (m === null) continue
    const labels: Record<string, string> = {}
    try {
      candidate.labels.forEach((label, i) => (labels[label] = decodeURIComponent(m[i + 1]!)))
    } catch {
      return undefined
    }
    return { route: candidate, labels }
  }
  return undefined
}

/** How the local service checks signatures, and the faults it injects. */
export interface HandlerOptions extends VerificationOptions {
  /** A fault plan's injector (see `Faults.ts`): every request goes through it. Default none. */
  readonly faults?: FaultInjector | undefined
}

const pathOf = (url: string): string => {
  const queryAt = url.indexOf("?")
  return queryAt >= 0 ? url.slice(0, queryAt) : url
}

/** Builds the local service's request handler over a set of operation handlers. */
export const makeHandler = (handlers: Handlers, options: HandlerOptions) => {
  const serve = serveWith(handlers, options)
  const dated = (request: LocalRequest): Effect.Effect<LocalResponse> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(serve(request), (response) => {
        response.headers.date = new Date(now).toUTCString()
        return response
      }))
  const faults = options.faults
  if (faults === undefined) return dated
  return (request: LocalRequest): Effect.Effect<LocalResponse> =>
    faults.apply(request, route(request.method, pathOf(request.url))?.route.name, dated)
}

const serveWith = (handlers: Handlers, options: VerificationOptions) =>
(request: LocalRequest): Effect.Effect<LocalResponse> =>
  Effect.gen(function*() {
    if (options.verifySignatures !== false) {
      const refused = yield* verify(request, options)
      if (refused !== undefined) return refused
    }
    const path = pathOf(request.url)
    const found = route(request.method, path)
    if (found === undefined) {
      return errorResponse(404, "UnknownOperationException", {
        message: `No AmplifyBackend operation answers ${request.method} ${path}`
      })
    }
    let body: unknown = {}
    if (request.body.trim() !== "") {
      try {
        body = JSON.parse(request.body)
      } catch {
        return badRequest("The request body is not valid JSON")
      }
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      return badRequest("The request body must be a JSON object")
    }
    let input: Either.Either<unknown, ParseResult.ParseError>
    try {
      input = decodeInput(found.route.spec)({ ...body, ...found.labels })
    } catch {
      return badRequest("The request body is nested too deeply")
    }
    if (Either.isLeft(input)) {
      const issues = formatIssues(input.left)
      return badRequest(`Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`)
    }
    const handler = handlers[found.route.name] as (input: unknown) => Effect.Effect<unknown, LocalFault>
    const result = yield* Effect.either(handler(input.right))
    if (Either.isLeft(result)) return faultResponse(result.left)
    const wire = encodeOutput(found.route.spec)(result.right)
    if (Either.isLeft(wire)) {
      return errorResponse(500, "InternalFailure", { message: "The local service built an invalid response" })
    }
    return json(found.route.spec.successCode, wire.right)
  })
