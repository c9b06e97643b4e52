/**
 * The restJson1 protocol, client side: input to HTTP request, HTTP response to output or error.
 * One generic codec serves every operation; the operation's `Spec` says what differs.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ResponseDecodeError, ServiceError, ValidationError } from "../ClientErrors.js"
import type { ResponseMetadata } from "../Schema/Metadata.js"
import { compileEncoder } from "./fastEncode.js"
import { sensitiveWireNames } from "../Schema/Shapes.js"
import type { ErrorClass, ErrorsOf, InputOf, OutputOf, Spec } from "./operation.js"

/** An HTTP request before signing: path already holds the encoded labels. */
export interface EncodedRequest {
  readonly method: string
  readonly path: string
  readonly body: string | undefined
}

/** An HTTP response, fully read. Header names are lower case. */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const strictOptions: ParseOptions = { errors: "all", onExcessProperty: "error" }
const lenientOptions: ParseOptions = { errors: "first", onExcessProperty: "ignore" }
type ParseOptions = { readonly errors: "all" | "first"; readonly onExcessProperty: "error" | "ignore" }

const encoders = new WeakMap<object, (u: unknown) => Either.Either<object, ParseResult.ParseError>>()
const decoders = new WeakMap<object, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/** The input encoder of a Schema: the compiled fast path, with the Schema behind it. */
const encoderFor = (schema: Schema.Schema<unknown, object>) => {
  let encode = encoders.get(schema)
  if (encode === undefined) {
    const slow = Schema.encodeUnknownEither(schema, strictOptions)
    const fast = compileEncoder(schema)
    encode = fast === undefined
      ? slow
      : (input: unknown) => {
        const out = fast(input)
        return out === undefined ? slow(input) : Either.right(out)
      }
    encoders.set(schema, encode)
  }
  return encode
}

/** A lenient decoder for a response shape: unknown members ignored, first problem reported. */
export const decoderFor = <A>(schema: Schema.Schema<A, object>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(schema, lenientOptions)
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

const issueLimit = 20
const errorMessageLimit = 2048
const messageLimit = 300

/** How an `actual` value appears in an issue: objects and arrays summarised, strings bounded. */
const describeActual = (actual: string): string => {
  const text = actual.trim()
  if (text.startsWith("{")) return "an object"
  if (text.startsWith("[")) return "an array"
  return text.length > 80 ? `${text.slice(0, 80)}... (${text.length} characters)` : text
}

const bounded = (text: string, limit: number): string =>
  text.length > limit ? `${text.slice(0, limit)}... (${text.length} characters)` : text

/**
 * Formats Schema issues as `{ path, message }` pairs, paths written as `A.B[0].C`. Whole objects
 * and arrays are never printed (they may hold sensitive members), long values are cut, an
 * "Expected undefined" issue is dropped when a more precise one names the same place, and at
 * most 20 issues are kept.
 */
export const formatIssues = (error: ParseResult.ParseError): Array<{ path: string; message: string }> => {
  let raw: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>
  try {
    raw = ParseResult.ArrayFormatter.formatErrorSync(error)
  } catch {
    return [{ path: "", message: "The value is nested too deeply to describe" }]
  }
  const issues = raw.map((issue) => ({
    path: issue.path
      .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
      .join(""),
    message: bounded(issue.message.replace(/, actual ([\s\S]*)$/, (_, actual: string) => `, actual ${describeActual(actual)}`), messageLimit)
  }))
  const precise = issues.filter((issue, _, all) =>
    !(issue.message.startsWith("Expected undefined") &&
      all.some((other) => other !== issue && !other.message.startsWith("Expected undefined") &&
        (other.path === issue.path || other.path.startsWith(`${issue.path}.`) || other.path.startsWith(`${issue.path}[`))))
  )
  return precise.length > issueLimit
    ? [...precise.slice(0, issueLimit), { path: "", message: `and ${precise.length - issueLimit} more issues` }]
    : precise
}

/**
 * Percent-encodes a label value the way the AWS SDKs do: `encodeURIComponent`, plus the
 * characters it leaves alone that RFC 3986 reserves (`!'()*`).
 */
export const encodeLabel = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** A lone UTF-16 surrogate: a string holding one has no UTF-8 form, so it cannot go in a URI. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

type Issue = { readonly path: string; readonly message: string }

const invalidInput = (spec: Spec, issues: ReadonlyArray<Issue>) =>
  new ValidationError({
    operation: spec.name,
    message: `Invalid ${spec.name} input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`,
    issues
  })

/** Validates the input strictly and lays it out as method, path and JSON body. */
export const encodeRequest = <S extends Spec>(
  spec: S,
  input: InputOf<S>
): Effect.Effect<EncodedRequest, ValidationError> =>
  Effect.suspend(() => {
    try {
      return encodeNow(spec, input)
    } catch (cause) {
      // A throwing getter, a Proxy, or a value too deep for the validator.
      const detail = cause instanceof RangeError ? "the input is nested too deeply" : "reading the input threw"
      return Effect.fail(invalidInput(spec, [{ path: "", message: `Invalid input: ${detail}` }]))
    }
  })

const encodeNow = <S extends Spec>(
  spec: S,
  input: InputOf<S>
): Effect.Effect<EncodedRequest, ValidationError> => {
  const encoded = encoderFor(spec.input as Schema.Schema<unknown, object>)(input)
  if (Either.isLeft(encoded)) return Effect.fail(invalidInput(spec, formatIssues(encoded.left)))
  const wire = encoded.right as Record<string, unknown>
  let path = spec.uri
  let body: Record<string, unknown> = wire
  if (spec.labels.length > 0) {
    body = { ...wire }
    for (const label of spec.labels) {
      const value = String(wire[label])
      if (loneSurrogate.test(value)) {
        return Effect.fail(invalidInput(spec, [{
          path: label,
          message: "Expected a URI label value that is well-formed Unicode, actual a string with a lone surrogate"
        }]))
      }
      path = path.replace(`{${label}}`, encodeLabel(value))
      delete body[label]
    }
  }
  return Effect.succeed({
    method: spec.method,
    path,
    body: spec.hasBody ? JSON.stringify(body) : undefined
  })
}

/** How deep a response may nest; the model's shapes are far shallower. */
const maxDepth = 256

/** A response nested deeper than any shape of the model. */
export class TooDeep extends Error {}

/** Removes `null` members and `null` list items: a JSON null counts as absent. */
export const dropNulls = (value: unknown, depth = 0): unknown => {
  if (depth > maxDepth) throw new TooDeep(`nested deeper than ${maxDepth} levels`)
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    for (const item of value) if (item !== null) out.push(dropNulls(item, depth + 1))
    return out
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key]
      if (item !== null) out[key] = dropNulls(item, depth + 1)
    }
    return out
  }
  return value
}

const sensitiveValue = new RegExp(`("(?:${sensitiveWireNames.join("|")})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "g")

const excerptLimit = 1024

/** The start of a body, safe to carry in an error. */
export const excerpt = (body: string): string => {
  const start = (body.length <= excerptLimit * 4 ? body : body.slice(0, excerptLimit * 4)).replace(
    sensitiveValue,
    "$1\"(redacted)\""
  )
  return start.length <= excerptLimit && body.length <= excerptLimit * 4
    ? start
    : `${start.slice(0, excerptLimit)}... (${body.length} characters)`
}

/** Reads the response metadata the official SDK reports, from the response headers. */
export const responseMetadata = (
  response: Pick<RawResponse, "status" | "headers">,
  attempts: number,
  totalRetryDelay: number
): ResponseMetadata => {
  const h = response.headers
  const metadata: {
    httpStatusCode: number
    attempts: number
    totalRetryDelay: number
    requestId?: string
    extendedRequestId?: string
    cfId?: string
  } = { httpStatusCode: response.status, attempts, totalRetryDelay }
  const requestId = h["x-amzn-requestid"] ?? h["x-amz-request-id"]
  if (requestId !== undefined) metadata.requestId = requestId
  if (h["x-amz-id-2"] !== undefined) metadata.extendedRequestId = h["x-amz-id-2"]
  if (h["x-amz-cf-id"] !== undefined) metadata.cfId = h["x-amz-cf-id"]
  return metadata
}

/** Strips a namespace (`aws.protocols#`) and a trailing `:http://...` from an error code. */
export const sanitizeErrorCode = (raw: string): string => {
  let code = raw
  const colon = code.indexOf(":")
  if (colon >= 0) code = code.slice(0, colon)
  const hash = code.lastIndexOf("#")
  if (hash >= 0) code = code.slice(hash + 1)
  return code.trim()
}

const findKey = (body: Record<string, unknown>, name: string): unknown => {
  for (const key in body) if (key.toLowerCase() === name) return body[key]
  return undefined
}

/** The error code of an error response: header first, then the body's `code`, then `__type`. */
export const errorCode = (
  headers: Readonly<Record<string, string>>,
  body: Record<string, unknown> | undefined
): string | undefined => {
  const candidates = [headers["x-amzn-errortype"], body && findKey(body, "code"), body && findKey(body, "__type")]
  for (const candidate of candidates) {
    if (typeof candidate === "string") {
      const code = sanitizeErrorCode(candidate)
      if (code !== "") return code
    }
  }
  return undefined
}

const parseObject = (text: string): Record<string, unknown> | undefined => {
  if (text.trim() === "") return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Turns a response into the operation's output, a modelled exception or a client error. */
export const decodeResponse = <S extends Spec>(
  spec: S,
  response: RawResponse,
  metadata: ResponseMetadata
): Effect.Effect<OutputOf<S>, ErrorsOf<S> | ServiceError | ResponseDecodeError> => {
  if (response.status >= 200 && response.status < 300) return decodeSuccess(spec, response, metadata)
  return Effect.fail(decodeError(spec, response, metadata))
}

const decodeSuccess = <S extends Spec>(
  spec: S,
  response: RawResponse,
  metadata: ResponseMetadata
): Effect.Effect<OutputOf<S>, ResponseDecodeError> => {
  let json: unknown = {}
  if (response.body.trim() !== "") {
    try {
      json = JSON.parse(response.body)
    } catch (cause) {
      return Effect.fail(decodeFailure(spec, response, metadata, "the response body is not JSON", cause))
    }
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return Effect.fail(decodeFailure(spec, response, metadata, "the response body is not a JSON object"))
  }
  let cleaned: unknown
  try {
    cleaned = dropNulls(json)
  } catch {
    return Effect.fail(decodeFailure(spec, response, metadata, "the response body is nested too deeply"))
  }
  const decoded = decoderFor(spec.output as Schema.Schema<unknown, object>)(cleaned)
  if (Either.isLeft(decoded)) {
    // The Schema's own error is not kept: it would hold the raw values, sensitive ones included.
    const detail = formatIssues(decoded.left).map((i) => `${i.path}: ${i.message}`).join("; ")
    return Effect.fail(decodeFailure(spec, response, metadata, detail))
  }
  const output = decoded.right as { $metadata?: ResponseMetadata }
  output.$metadata = metadata
  return Effect.succeed(output as OutputOf<S>)
}

const decodeFailure = (
  spec: Spec,
  response: RawResponse,
  metadata: ResponseMetadata,
  detail: string,
  cause?: unknown
) =>
  new ResponseDecodeError({
    operation: spec.name,
    message: `${spec.name} answered HTTP ${response.status} with a body that does not match its output: ${detail}`,
    bodyExcerpt: excerpt(response.body),
    $metadata: metadata,
    cause
  })

const hasMessageMember = (error: ErrorClass): boolean => {
  const fields = (error as { readonly fields?: Readonly<Record<string, unknown>> }).fields
  return fields !== undefined && "Message" in fields
}

const decodeError = <S extends Spec>(
  spec: S,
  response: RawResponse,
  metadata: ResponseMetadata
): ErrorsOf<S> | ServiceError => {
  const body = parseObject(response.body)
  const code = errorCode(response.headers, body)
  const modelled = code === undefined ? undefined : spec.errors.find((e) => e._tag === code)
  if (modelled !== undefined) {
    let cleaned: unknown = {}
    try {
      cleaned = dropNulls(body ?? {})
    } catch {
      cleaned = {}
    }
    const fields = decoderFor(modelled.wire as Schema.Schema<object, object>)(cleaned)
    const props: Record<string, unknown> = {
      ...(Either.isRight(fields) ? fields.right : {}),
      $metadata: metadata
    }
    if (typeof props.Message === "string") props.Message = bounded(props.Message, errorMessageLimit)
    // As the official SDK does: a message sent as `Message` (or any case) still counts.
    if (props.Message === undefined && hasMessageMember(modelled)) {
      const message = body && findKey(body, "message")
      if (typeof message === "string") props.Message = bounded(message, errorMessageLimit)
    }
    return new modelled(props as never, true) as ErrorsOf<S>
  }
  const message = body && (findKey(body, "message") ?? body.errorMessage)
  return new ServiceError({
    operation: spec.name,
    code: bounded(code ?? String(response.status), 200),
    message: typeof message === "string"
      ? bounded(message, errorMessageLimit)
      : body === undefined && response.body.trim() !== ""
      ? `HTTP ${response.status} with a body that is not a JSON object: ${excerpt(response.body).slice(0, 200)}`
      : `HTTP ${response.status}${code === undefined ? " with no error code" : ` ${code}`}`,
    $fault: response.status >= 500 ? "server" : "client",
    $metadata: metadata
  })
}
