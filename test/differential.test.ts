/**
 * Differential tests against the official SDK (`@aws-sdk/client-amplifybackend`): for all 31
 * operations, the same input must make the same HTTP request, and the same response bytes must
 * decode to the same output or to an error of the same name, with the same fields and metadata.
 * Both clients answer from a scripted exchange: nothing leaves the process.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import {
  fixedLabels,
  inputArbitrary,
  type JsonObject,
  membersOf,
  outputArbitrary,
  sampleInput,
  withNullMembers,
  withUnknownMembers
} from "./support/arbitraries.js"
import {
  callOurs,
  callSdk,
  type Captured,
  Exchange,
  host,
  ourClient,
  type OperationName,
  operationNames,
  plain,
  type Scripted,
  sdkClient,
  signedHeaders,
  specOf
} from "./support/differential.js"

const seed = 0x5eed
const numRuns = 25

/**
 * A property over `arbitrary`, `numRuns` runs from a fixed seed. Each run is an Effect run on
 * its own (`it.effect.prop` would build a test environment per run, ten times slower here).
 */
const property = <A>(
  name: string,
  arbitrary: FastCheck.Arbitrary<A>,
  check: (value: A) => Effect.Effect<void>
) =>
  it(name, () =>
    FastCheck.assert(
      FastCheck.asyncProperty(arbitrary, (value) => Effect.runPromise(check(value))),
      { numRuns, seed }
    ))

const exchange = new Exchange()
const sdk = sdkClient(exchange)
const ourService = ourClient(exchange)

/** One valid input per operation, for the response and error tests. */
const validInputs = new Map<OperationName, JsonObject>()
const validInput = (name: OperationName): JsonObject => {
  let input = validInputs.get(name)
  if (input === undefined) {
    input = sampleInput(specOf(name), seed)
    validInputs.set(name, input)
  }
  return input
}

const metadataHeaders = {
  "x-amzn-requestid": "req-0123-4567",
  "x-amz-id-2": "ext/id+2==",
  "x-amz-cf-id": "cf-id-Zz9_"
}

const ok = (body = "{}"): Scripted => ({
  status: 200,
  headers: { "content-type": "application/json", ...metadataHeaders },
  body
})

/** A member of a value we only know as `unknown`. */
const get = (value: unknown, key: string): unknown =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined

const describeOutcome = (outcome: Either.Either<unknown, unknown>): string =>
  Either.isRight(outcome)
    ? `output ${JSON.stringify(plain(outcome.right))}`
    : `error ${String(get(outcome.left, "_tag") ?? get(outcome.left, "name"))}: ` +
      String(get(outcome.left, "message"))

const disagreement = (
  context: string,
  ours: Either.Either<unknown, unknown>,
  theirs: Either.Either<unknown, unknown>
): string => `${context}\n  ours: ${describeOutcome(ours)}\n  SDK: ${describeOutcome(theirs)}`

/** Runs both clients on the same input and the same scripted response. */
const both = (name: OperationName, input: unknown, response: Scripted = ok()) =>
  Effect.gen(function*() {
    exchange.reset(response)
    const ours = yield* callOurs(ourService, name, input)
    const theirs = yield* callSdk(sdk, name, input)
    return { ours, theirs, ourRequests: [...exchange.ours], sdkRequests: [...exchange.sdk] }
  })

const only = (requests: ReadonlyArray<Captured>, who: string): Captured => {
  expect(requests, `${who} sent exactly one request`).toHaveLength(1)
  return requests[0]!
}

const parsedBody = (request: Captured): unknown =>
  request.body === undefined ? undefined : JSON.parse(request.body)

/** Same method, path and body on both sides, and a SigV4 signature on ours. */
const expectSameRequest = (
  name: OperationName,
  input: unknown,
  ours: Captured,
  theirs: Captured
) => {
  const context = `${name} ${JSON.stringify(input)}`
  expect(ours.method, context).toBe(theirs.method)
  expect(ours.method, context).toBe(specOf(name).method)
  expect(ours.path, context).toBe(theirs.path)
  expect(ours.rawPath, `${context}: the path signed is the path sent`).toBe(ours.path)
  expect(ours.body === undefined, `${context}: whether a body is sent`).toBe(theirs.body === undefined)
  expect(parsedBody(ours), context).toEqual(parsedBody(theirs))
  expect(ours.headers["content-type"], context).toBe(theirs.headers["content-type"])

  const authorization = ours.headers["authorization"]
  expect(authorization, context).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/us-east-1\/amplifybackend\/aws4_request, /
  )
  const signed = signedHeaders(authorization)
  expect(signed, context).toContain("host")
  expect(signed, context).toContain("x-amz-date")
  if (ours.body !== undefined) expect(signed, context).toContain("content-type")
  expect(ours.headers["host"], context).toBe(host)
  expect(ours.headers["x-amz-date"], context).toMatch(/^\d{8}T\d{6}Z$/)
}

describe("requests", () => {
  for (const name of operationNames) {
    const spec = specOf(name)
    property(
      `${name}: same method, path and body as the SDK, signed`,
      inputArbitrary(spec),
      (input) =>
        Effect.gen(function*() {
          const run = yield* both(name, input)
          expect(Either.isRight(run.ours), `ours: ${describeOutcome(run.ours)}`).toBe(true)
          expect(Either.isRight(run.theirs), `SDK: ${describeOutcome(run.theirs)}`).toBe(true)
          const ours = only(run.ourRequests, "ours")
          expectSameRequest(name, input, ours, only(run.sdkRequests, "the SDK"))
        })
    )
  }

  it.effect("label values with reserved and non-ASCII characters encode byte for byte alike", () =>
    Effect.gen(function*() {
      let checked = 0
      for (const name of operationNames) {
        const spec = specOf(name)
        if (spec.labels.length === 0) continue
        for (const value of fixedLabels) {
          const labels = Object.fromEntries(spec.labels.map((label) => [label, value]))
          const input = { ...validInput(name), ...labels }
          const run = yield* both(name, input)
          const ours = only(run.ourRequests, "ours")
          expectSameRequest(name, input, ours, only(run.sdkRequests, "the SDK"))
          expect(ours.path).not.toMatch(/[ @=!'()*é]/)
          checked += spec.labels.length
        }
      }
      const labelCount = operationNames.reduce((n, name) => n + specOf(name).labels.length, 0)
      expect(labelCount).toBe(51)
      expect(checked).toBe(labelCount * fixedLabels.length)
    }))

  it.effect("GET operations: neither client sends a body or a content-type", () =>
    Effect.gen(function*() {
      const gets = operationNames.filter((name) => specOf(name).method === "GET")
      expect(gets).toEqual(["GetBackendJob", "GetToken"])
      for (const name of gets) {
        const run = yield* both(name, validInput(name))
        for (const request of [only(run.ourRequests, "ours"), only(run.sdkRequests, "the SDK")]) {
          expect(request.method).toBe("GET")
          expect(request.body).toBeUndefined()
          expect(request.headers["content-type"]).toBeUndefined()
        }
      }
    }))

  it.effect("POST without body members: neither client sends a body or a content-type", () =>
    Effect.gen(function*() {
      const bodiless = operationNames.filter((name) => {
        const spec = specOf(name)
        const members = membersOf(spec.input)
        return spec.method === "POST" && members.every((m) => spec.labels.includes(m.name))
      })
      expect(bodiless).toEqual(["CreateToken", "DeleteBackend", "DeleteToken", "RemoveBackendConfig"])
      for (const name of bodiless) {
        const run = yield* both(name, validInput(name))
        const ours = only(run.ourRequests, "ours")
        const theirs = only(run.sdkRequests, "the SDK")
        expect([ours.body, theirs.body]).toEqual([undefined, undefined])
        expect(ours.headers["content-type"]).toBeUndefined()
        expect(theirs.headers["content-type"]).toBeUndefined()
      }
    }))

  it.effect("every body member absent: both clients send `{}` as application/json", () =>
    Effect.gen(function*() {
      const checked: Array<string> = []
      for (const name of operationNames) {
        const spec = specOf(name)
        const members = membersOf(spec.input)
        const bodyMembers = members.filter((m) => !spec.labels.includes(m.name))
        if (bodyMembers.length === 0 || bodyMembers.some((m) => !m.optional)) continue
        const labelsOnly = Object.fromEntries(spec.labels.map((l) => [l, validInput(name)[l]]))
        const run = yield* both(name, labelsOnly)
        const ours = only(run.ourRequests, "ours")
        const theirs = only(run.sdkRequests, "the SDK")
        expectSameRequest(name, labelsOnly, ours, theirs)
        expect([ours.body, theirs.body], name).toEqual(["{}", "{}"])
        expect(ours.headers["content-type"], name).toBe("application/json")
        checked.push(name)
      }
      expect(checked).toEqual([
        "CreateBackendConfig",
        "GetBackend",
        "ListBackendJobs",
        "ListS3Buckets",
        "RemoveAllBackends",
        "UpdateBackendConfig",
        "UpdateBackendJob"
      ])
    }))

  it.effect("non-finite doubles travel as the strings restJson1 prescribes", () =>
    Effect.gen(function*() {
      for (const value of [Number.NaN, Infinity, -Infinity, -0, 1.5e300]) {
        const input = {
          AppId: "app",
          BackendEnvironmentName: "dev",
          ResourceName: "api",
          ResourceConfig: { DefaultAuthType: { Mode: "API_KEY", Settings: { ExpirationTime: value } } }
        }
        const run = yield* both("CreateBackendAPI", input)
        const ours = only(run.ourRequests, "ours")
        expectSameRequest("CreateBackendAPI", input, ours, only(run.sdkRequests, "the SDK"))
        // JSON has no -0: both send 0.
        const wire = Object.is(value, -0) ? 0 : Number.isFinite(value) ? value : String(value)
        const settings = { expirationTime: wire }
        expect(parsedBody(ours)).toMatchObject({ resourceConfig: { defaultAuthType: { settings } } })
      }
    }))

  it.effect("a structure with no members takes `{}` only, sent as the SDK sends it", () =>
    Effect.gen(function*() {
      const input = { AppId: "app", AppName: "name", BackendEnvironmentName: "dev", ResourceConfig: {} }
      const run = yield* both("CreateBackend", input)
      const ours = only(run.ourRequests, "ours")
      expectSameRequest("CreateBackend", input, ours, only(run.sdkRequests, "the SDK"))
      expect(parsedBody(ours)).toMatchObject({ resourceConfig: {} })
      // The SDK sends `{}` for `{ NotAMember: 1 }` and sends "text", 42 as they are; ours refuses
      // each before sending (a bare Struct({}) used to let all of them through, as they are).
      for (const ResourceConfig of [{ NotAMember: 1 }, "text", 42, [], true]) {
        exchange.reset()
        const outcome = yield* callOurs(ourService, "CreateBackend", { ...input, ResourceConfig })
        const error = Either.flip(outcome).pipe(Either.getOrElse(() => undefined))
        expect(get(error, "_tag"), JSON.stringify(ResourceConfig)).toBe("ValidationError")
        expect(exchange.ours).toHaveLength(0)
      }
    }))

  it.effect("MaxResults at its bounds (1 and 25) is sent alike", () =>
    Effect.gen(function*() {
      for (const MaxResults of [1, 25]) {
        const input = { AppId: "app", BackendEnvironmentName: "dev", MaxResults }
        const run = yield* both("ListBackendJobs", input)
        const ours = only(run.ourRequests, "ours")
        expectSameRequest("ListBackendJobs", input, ours, only(run.sdkRequests, "the SDK"))
        expect(parsedBody(ours)).toEqual({ maxResults: MaxResults })
      }
    }))
})

/** Both clients' outputs for the same response body, as plain data; fails if either errs. */
const decodeBoth = (name: OperationName, body: string) =>
  Effect.gen(function*() {
    const run = yield* both(name, validInput(name), ok(body))
    const context = `${name} answered ${body}`
    if (Either.isLeft(run.ours) || Either.isLeft(run.theirs)) {
      expect.fail(disagreement(context, run.ours, run.theirs))
    }
    const ours = Either.getOrThrow(run.ours)
    const theirs = Either.getOrThrow(run.theirs)
    expect(plain(ours.$metadata, false), context).toEqual(plain(get(theirs, "$metadata"), false))
    return { ours: plain(ours), theirs: plain(theirs), context }
  })

/** Our output alone for a response body, as plain data. */
const decodeOurs = (name: OperationName, body: string) =>
  Effect.gen(function*() {
    exchange.reset(ok(body))
    const outcome = yield* callOurs(ourService, name, validInput(name))
    const context = `${name} answered ${body}: ${describeOutcome(outcome)}`
    expect(Either.isRight(outcome), context).toBe(true)
    return Either.map(outcome, (output) => plain(output)).pipe(Either.getOrElse(() => undefined))
  })

describe("responses", () => {
  for (const name of operationNames) {
    const spec = specOf(name)
    property(
      `${name}: same output from the same bytes, unknown members ignored, null = absent`,
      outputArbitrary(spec),
      (output) =>
        Effect.gen(function*() {
          const exact = yield* decodeBoth(name, output.wire)
          expect(exact.ours, exact.context).toEqual(exact.theirs)

          // Unknown members added to every object, and every other member set to null: both
          // clients must read it as the body without those members.
          const { nulled, removed } = withNullMembers(JSON.parse(output.wire))
          const noisy = yield* decodeBoth(name, JSON.stringify(withUnknownMembers(nulled)))
          expect(noisy.ours, noisy.context).toEqual(noisy.theirs)
          expect(noisy.ours, noisy.context).toEqual(yield* decodeOurs(name, JSON.stringify(removed)))
        })
    )
  }

  it.effect("an unknown enum value is kept as its string by both", () =>
    Effect.gen(function*() {
      const api = yield* decodeBoth(
        "GetBackendAPI",
        JSON.stringify({
          resourceConfig: {
            defaultAuthType: { mode: "FUTURE_MODE" },
            conflictResolution: { resolutionStrategy: "QUANTUM" }
          }
        })
      )
      expect(api.ours).toEqual(api.theirs)
      expect(api.ours).toEqual({
        ResourceConfig: {
          DefaultAuthType: { Mode: "FUTURE_MODE" },
          ConflictResolution: { ResolutionStrategy: "QUANTUM" }
        }
      })
      const storage = yield* decodeBoth(
        "GetBackendStorage",
        JSON.stringify({
          resourceConfig: { serviceName: "GCS", permissions: { authenticated: ["READ", "FUTURE"] } }
        })
      )
      expect(storage.ours).toEqual(storage.theirs)
      expect(storage.ours).toEqual({
        ResourceConfig: { ServiceName: "GCS", Permissions: { Authenticated: ["READ", "FUTURE"] } }
      })
    }))

  it.effect("non-finite doubles sent as strings decode to numbers on both sides", () =>
    Effect.gen(function*() {
      const cases = [["NaN", Number.NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const
      for (const [wire, value] of cases) {
        const settings = { expirationTime: wire }
        const body = JSON.stringify({ resourceConfig: { defaultAuthType: { settings } } })
        const run = yield* decodeBoth("GetBackendAPI", body)
        expect(run.ours).toEqual(run.theirs)
        expect(run.ours).toEqual({
          ResourceConfig: { DefaultAuthType: { Settings: { ExpirationTime: value } } }
        })
      }
    }))

  // A known, deliberate difference: the model's lists are not `@sparse`, so a null item is not
  // a value; ours drops it where the SDK passes it through.
  it.effect("null list items: the SDK keeps them, ours drops them", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ buckets: [null, { name: "b" }, null] })
      const run = yield* both("ListS3Buckets", {}, ok(body))
      expect(Either.map(run.ours, (o) => plain(o))).toEqual(Either.right({ Buckets: [{ Name: "b" }] }))
      expect(Either.map(run.theirs, (o) => plain(o))).toEqual(
        Either.right({ Buckets: [null, { Name: "b" }, null] })
      )
    }))
})

/** What both sides report of a failure. */
const errorFacts = (error: unknown, side: "ours" | "sdk") => {
  const metadata = get(error, "$metadata")
  return {
    name: side === "ours" ? get(error, "_tag") : get(error, "name"),
    // The SDK surfaces the modelled `Message` member as `message`; its `Message` stays unset.
    Message: side === "ours" ? get(error, "Message") : get(error, "Message") ?? get(error, "message"),
    ResourceType: get(error, "ResourceType"),
    LimitType: get(error, "LimitType"),
    $fault: get(error, "$fault"),
    $metadata: {
      httpStatusCode: get(metadata, "httpStatusCode"),
      requestId: get(metadata, "requestId"),
      extendedRequestId: get(metadata, "extendedRequestId"),
      cfId: get(metadata, "cfId")
    }
  }
}

/** Both clients' errors for the same response; fails if either succeeds. */
const failBoth = (name: OperationName, response: Scripted) =>
  Effect.gen(function*() {
    const run = yield* both(name, validInput(name), response)
    const context =
      `${name} answered ${response.status} ${JSON.stringify(response.headers)} ${response.body}`
    if (Either.isRight(run.ours) || Either.isRight(run.theirs)) {
      expect.fail(disagreement(context, run.ours, run.theirs))
    }
    const ours = Either.flip(run.ours).pipe(Either.getOrThrow)
    const theirs = Either.flip(run.theirs).pipe(Either.getOrThrow)
    return { ours, theirs, context }
  })

const suffix = ":http://internal.amazon.com/coral/com.amazonaws.amplifybackend/"

interface Placement {
  readonly where: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Readonly<Record<string, unknown>>
}

/** The places an error code can travel, each as headers and body members to add. */
const codePlacements = (code: string, other: string): ReadonlyArray<Placement> => [
  { where: "x-amzn-errortype header", headers: { "x-amzn-errortype": code }, body: {} },
  {
    where: "x-amzn-errortype header with a URL suffix",
    headers: { "x-amzn-errortype": code + suffix },
    body: {}
  },
  { where: "body code", headers: {}, body: { code } },
  {
    where: "body __type, aws.protocols# prefix",
    headers: {},
    body: { __type: `aws.protocols#${code}` }
  },
  {
    where: "body __type, model namespace",
    headers: {},
    body: { __type: `com.amazonaws.amplifybackend#${code}` }
  },
  { where: "body __type with a URL suffix", headers: {}, body: { __type: code + suffix } },
  { where: "header over body code", headers: { "x-amzn-errortype": code }, body: { code: other } },
  { where: "body code over __type", headers: {}, body: { code, __type: other } }
]

const errorFields = {
  message: "It went wrong: é 😀 \"quoted\"",
  resourceType: "API",
  limitType: "requests"
}

const errorResponse = (status: number, placement: Placement, fields: object): Scripted => ({
  status,
  headers: { "content-type": "application/json", ...metadataHeaders, ...placement.headers },
  body: JSON.stringify({ ...fields, ...placement.body })
})

describe("errors", () => {
  for (const name of operationNames) {
    const spec = specOf(name)

    it.effect(`${name}: modelled exceptions, wherever the code travels: same name and fields`, () =>
      Effect.gen(function*() {
        expect(spec.errors.map((e) => e._tag)).toEqual([
          "BadRequestException",
          "GatewayTimeoutException",
          "NotFoundException",
          "TooManyRequestsException"
        ])
        for (const error of spec.errors) {
          const other = spec.errors.find((e) => e !== error)!._tag
          const placements = [
            ...codePlacements(error._tag, other),
            {
              where: "x-amzn-errortype header, message sent as `Message`",
              headers: { "x-amzn-errortype": error._tag },
              body: { message: undefined, Message: errorFields.message }
            }
          ]
          for (const placement of placements) {
            const run = yield* failBoth(name, errorResponse(error.httpStatus, placement, errorFields))
            const context = `${placement.where}: ${run.context}`
            const ours = errorFacts(run.ours, "ours")
            expect(ours, context).toEqual(errorFacts(run.theirs, "sdk"))
            expect(ours.name, context).toBe(error._tag)
            expect(ours.Message, context).toBe(errorFields.message)
            expect(ours.$metadata, context).toEqual({
              httpStatusCode: error.httpStatus,
              requestId: metadataHeaders["x-amzn-requestid"],
              extendedRequestId: metadataHeaders["x-amz-id-2"],
              cfId: metadataHeaders["x-amz-cf-id"]
            })
            expect(get(run.ours, "message"), context).toBe(get(run.theirs, "message"))
          }
        }
      }))

    it.effect(`${name}: unmodelled codes, an HTML 502 and an empty 500 are typed errors`, () =>
      Effect.gen(function*() {
        const codes = [
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "ExpiredTokenException"
        ]
        for (const code of codes) {
          const placements = codePlacements(code, "BadRequestException")
            .filter((p) => /^(x-amzn-errortype header|body code|body __type, aws)/.test(p.where))
          expect(placements).toHaveLength(5)
          for (const placement of placements) {
            const run = yield* failBoth(name, errorResponse(403, placement, { message: `no: ${code}` }))
            const context = `${placement.where}: ${run.context}`
            expect(get(run.ours, "_tag"), context).toBe("ServiceError")
            expect(get(run.ours, "code"), context).toBe(code)
            expect(get(run.ours, "$fault"), context).toBe("client")
            expect(get(run.theirs, "name"), context).toBe(code)
            expect(get(run.theirs, "$fault"), context).toBe("client")
            expect(get(run.ours, "message"), context).toBe(get(run.theirs, "message"))
            expect(errorFacts(run.ours, "ours").$metadata, context).toEqual(
              errorFacts(run.theirs, "sdk").$metadata
            )
          }
        }

        const html = yield* failBoth(name, {
          status: 502,
          headers: { "content-type": "text/html", ...metadataHeaders },
          body: "<html><body><h1>502 Bad Gateway</h1></body></html>"
        })
        expect(get(html.ours, "_tag"), html.context).toBe("ServiceError")
        expect(get(html.ours, "code"), html.context).toBe("502")
        expect(get(html.ours, "$fault"), html.context).toBe("server")
        expect(get(html.ours, "message"), html.context).toContain("502 Bad Gateway")
        expect(get(html.theirs, "name"), html.context).toBe("SyntaxError")
        expect(errorFacts(html.ours, "ours").$metadata).toEqual(
          errorFacts(html.theirs, "sdk").$metadata
        )

        const empty = yield* failBoth(name, { status: 500, headers: { ...metadataHeaders }, body: "" })
        expect(get(empty.ours, "_tag"), empty.context).toBe("ServiceError")
        expect(get(empty.ours, "code"), empty.context).toBe("500")
        expect(get(empty.ours, "$fault"), empty.context).toBe("server")
        expect(get(empty.theirs, "name"), empty.context).toBe("Unknown")
        expect(get(empty.theirs, "$fault"), empty.context).toBe("server")
        expect(errorFacts(empty.ours, "ours").$metadata).toEqual(
          errorFacts(empty.theirs, "sdk").$metadata
        )
      }))
  }
})

interface BadCase {
  readonly what: string
  readonly input: unknown
  /** The start of the issue path the error must name. */
  readonly path?: string
}

/** A value of another type than `value`, for the "wrong type" cases. */
const wrongTypeFor = (value: unknown): unknown =>
  typeof value === "string"
    ? 42
    : typeof value === "number"
    ? "1"
    : typeof value === "boolean"
    ? "true"
    : Array.isArray(value)
    ? "not a list"
    : value !== undefined
    ? "not a structure"
    : [42]

describe("bad input", () => {
  for (const name of operationNames) {
    const spec = specOf(name)
    it.effect(`${name}: fails with ValidationError and sends no request`, () =>
      Effect.gen(function*() {
        const valid = validInput(name)
        const members = membersOf(spec.input)
        const cases: Array<BadCase> = [
          { what: "an unknown extra member", input: { ...valid, NotAMember: "x" }, path: "NotAMember" },
          { what: "null instead of an object", input: null },
          { what: "a string instead of an object", input: "input" }
        ]
        for (const member of members) {
          if (!member.optional) {
            const { [member.name]: _dropped, ...rest } = valid
            cases.push({ what: `required ${member.name} missing`, input: rest, path: member.name })
          }
          cases.push({
            what: `${member.name} of the wrong type`,
            input: { ...valid, [member.name]: wrongTypeFor(valid[member.name]) },
            path: member.name
          })
          if (member.optional) {
            const input = { ...valid, [member.name]: null }
            cases.push({ what: `${member.name} null`, input, path: member.name })
          }
        }
        for (const label of spec.labels) {
          for (const value of ["", ".", ".."]) {
            const input = { ...valid, [label]: value }
            cases.push({ what: `label ${label} = ${JSON.stringify(value)}`, input, path: label })
          }
          const input = { ...valid, [label]: "a\uD800b" }
          cases.push({ what: `label ${label} with a lone surrogate`, input, path: label })
        }
        if (members.some((m) => m.name === "MaxResults")) {
          for (const value of [0, 26, -1, 1.5, Number.NaN]) {
            const input = { ...valid, MaxResults: value }
            cases.push({ what: `MaxResults ${value}`, input, path: "MaxResults" })
          }
        }
        expect(cases.length).toBeGreaterThan(3)
        for (const c of cases) {
          exchange.reset()
          const exit = yield* Effect.exit(callOurs(ourService, name, c.input))
          const context = `${name}, ${c.what}: ${JSON.stringify(c.input)}`
          expect(exit._tag, `${context} (a defect, not a typed error?) ${String(exit)}`).toBe("Success")
          if (exit._tag !== "Success") continue
          const outcome = exit.value
          expect(Either.isLeft(outcome), context).toBe(true)
          const error = Either.flip(outcome).pipe(Either.getOrElse(() => undefined))
          expect(get(error, "_tag"), context).toBe("ValidationError")
          expect(get(error, "operation"), context).toBe(name)
          if (c.path !== undefined) {
            const paths = (get(error, "issues") as ReadonlyArray<{ path: string }>).map((i) => i.path)
            const named = paths.some((p) => p.startsWith(c.path!))
            expect(named, `${context}: ${JSON.stringify(paths)}`).toBe(true)
          }
          expect(exchange.ours, context).toHaveLength(0)
        }
      }))
  }
})

describe("harness", () => {
  it("generates reproducible inputs", () => {
    const spec = specOf("GetToken")
    const once = FastCheck.sample(inputArbitrary(spec), { numRuns: 5, seed })
    expect(FastCheck.sample(inputArbitrary(spec), { numRuns: 5, seed })).toEqual(once)
  })
})
