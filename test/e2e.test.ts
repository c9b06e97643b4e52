import { AmplifyBackendClient } from "@aws-sdk/client-amplifybackend"
import * as Sdk from "@aws-sdk/client-amplifybackend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { AmplifyBackend, operations } from "../src/AmplifyBackend.js"
import * as Credentials from "../src/Layer/Credentials.js"
import * as LeanHttpClient from "../src/Layer/LeanHttpClient.js"
import * as Node from "../src/Layer/Node.js"
import * as Local from "../src/Local/Local.js"
import { type Results, scenario } from "./support/scenario.js"

type Run = (operation: keyof typeof operations, input: Record<string, unknown>) => Effect.Effect<Record<string, unknown>, unknown>

/** Runs every step of the scenario through `run`, and answers which operations it covered. */
const runScenario = (appId: string, run: Run) =>
  Effect.gen(function*() {
    const results: Results = {}
    for (const step of scenario(appId)) {
      const output = yield* run(step.operation, step.input(results)).pipe(
        Effect.mapError((error) => new Error(`${step.operation} failed: ${String((error as Error).message ?? error)}`))
      )
      expect(output.$metadata, `${step.operation} carries $metadata`).toMatchObject({ httpStatusCode: 200 })
      results[step.operation] = output
    }
    return results
  })

const ourRun: Run = (operation, input) =>
  Effect.flatMap(AmplifyBackend, (amplify) => {
    const method = amplify[(operation.charAt(0).toLowerCase() + operation.slice(1)) as keyof typeof amplify]
    return (method as (i: unknown) => Effect.Effect<Record<string, unknown>, unknown>)(input)
  }) as Effect.Effect<Record<string, unknown>, unknown>

describe("all 31 operations, end to end", () => {
  it("the scenario covers every operation", () => {
    expect(new Set(scenario("x").map((s) => s.operation))).toEqual(new Set(Object.keys(operations)))
  })

  it.live("our client, in process (no sockets)", () =>
    Effect.gen(function*() {
      const results = yield* runScenario("inproc-app", ourRun)
      expect(Object.keys(results)).toHaveLength(31)
      expect(results.GetBackendAuth?.ResourceName).toBe("auth")
    }).pipe(Effect.provide(Local.layer({ jobDurationMillis: 0, seed: 1 }))))

  it.scopedLive("our client over real loopback HTTP", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve({ jobDurationMillis: 0 })
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const client = Node.layer({ endpoint: server.url, region: "us-east-1", credentials: Local.defaultCredentials })
      const results = yield* runScenario("loopback-app", ourRun).pipe(Effect.provide(client))
      expect(Object.keys(results)).toHaveLength(31)
      expect(results.GetBackendStorage?.ResourceConfig).toMatchObject({ BucketName: "files-bucket" })
    }))

  it.scopedLive("our client over real loopback HTTP with LeanHttpClient", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve({ jobDurationMillis: 0 })
      const client = Node.layer({
        endpoint: server.url,
        region: "us-east-1",
        credentials: Local.defaultCredentials,
        httpClient: LeanHttpClient.layer()
      })
      const results = yield* runScenario("lean-app", ourRun).pipe(Effect.provide(client))
      expect(Object.keys(results)).toHaveLength(31)
      expect(results.GetBackendStorage?.ResourceConfig).toMatchObject({ BucketName: "files-bucket" })
    }))

  it.scopedLive("our client over loopback with the fetch HttpClient and the aws4fetch signer", () =>
    Effect.gen(function*() {
      const { layer: fetchLayer } = yield* Effect.promise(() => import("@effect/platform/FetchHttpClient"))
      const { layer: aws4fetchLayer } = yield* Effect.promise(() => import("../src/Layer/SignerAws4fetch.js"))
      const server = yield* Local.serve({ jobDurationMillis: 0 })
      const client = Node.layer({
        endpoint: server.url,
        region: "us-east-1",
        credentials: Local.defaultCredentials,
        httpClient: fetchLayer,
        signer: aws4fetchLayer
      })
      const results = yield* runScenario("fetch-app", ourRun).pipe(Effect.provide(client))
      expect(Object.keys(results)).toHaveLength(31)
    }))

  it.scopedLive("the official AWS SDK against the local server", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve({ jobDurationMillis: 0 })
      const keys = Local.defaultCredentials
      const sdk = new AmplifyBackendClient({
        region: "us-east-1",
        endpoint: server.url,
        maxAttempts: 1,
        credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: Redacted.value(keys.secretAccessKey) }
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => sdk.destroy()))
      const run: Run = (operation, input) =>
        Effect.tryPromise({
          try: () => {
            const Command = (Sdk as unknown as Record<string, new (i: unknown) => never>)[`${operation}Command`]!
            return sdk.send(new Command(input)) as unknown as Promise<Record<string, unknown>>
          },
          catch: (error) => error
        })
      const results = yield* runScenario("sdk-app", run)
      expect(Object.keys(results)).toHaveLength(31)
      expect(results.GetBackendAuth?.ResourceConfig).toMatchObject({ UserPoolConfigs: { SignInMethod: "EMAIL" } })
    }))
})

describe("the local server refuses bad signatures the way AWS does", () => {
  const call = (credentials: Credentials.AwsCredentials, url: string) =>
    Effect.flatMap(AmplifyBackend, (a) => a.listS3Buckets({})).pipe(
      Effect.provide(Node.layer({ endpoint: url, region: "us-east-1", credentials })),
      Effect.flip
    )

  it.scopedLive("a wrong secret: 403 InvalidSignatureException", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve()
      const error = yield* call(
        Credentials.make({ accessKeyId: Local.defaultCredentials.accessKeyId, secretAccessKey: "wrong" }),
        server.url
      )
      expect(error).toMatchObject({ _tag: "ServiceError", code: "InvalidSignatureException", $fault: "client" })
      expect(error._tag === "ServiceError" && error.$metadata.httpStatusCode).toBe(403)
    }))

  it.scopedLive("an unknown access key: 403 UnrecognizedClientException", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve()
      const error = yield* call(Credentials.make({ accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" }), server.url)
      expect(error).toMatchObject({ _tag: "ServiceError", code: "UnrecognizedClientException" })
    }))

  it.scopedLive("no signature at all: 403 MissingAuthenticationTokenException", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve()
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/s3Buckets`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })
      )
      expect(response.status).toBe(403)
      expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException")
    }))

  it.scopedLive("a tampered body: 403 InvalidSignatureException", () =>
    Effect.gen(function*() {
      const local = yield* Local.make()
      const signer = (yield* Effect.promise(() => import("../src/Layer/SignerNode.js"))).make
      const headers = yield* signer.sign(
        { method: "POST", url: "http://x/s3Buckets", headers: { "content-type": "application/json" }, body: "{}" },
        Local.defaultCredentials,
        { region: "us-east-1", service: "amplifybackend" },
        new Date()
      )
      const ok = yield* local.handle({ method: "POST", url: "/s3Buckets", headers, body: "{}" })
      expect(ok.status).toBe(200)
      const tampered = yield* local.handle({ method: "POST", url: "/s3Buckets", headers, body: "{\"nextToken\":\"x\"}" })
      expect(tampered.status).toBe(403)
      expect(tampered.headers["x-amzn-errortype"]).toBe("InvalidSignatureException")
    }))

  it.scopedLive.each([
    ["older than 15 minutes", -16, /^Signature expired: \d{8}T\d{6}Z is now earlier than /],
    ["more than 15 minutes ahead", 16, /^Signature not yet current: \d{8}T\d{6}Z is still later than /]
  ] as const)("a signature %s: 403 InvalidSignatureException, and the message AWS gives", ([, minutes, message]) =>
    Effect.gen(function*() {
      const local = yield* Local.make()
      const { make: signer } = yield* Effect.promise(() => import("../src/Layer/SignerNode.js"))
      const headers = yield* signer.sign(
        { method: "POST", url: "http://x/s3Buckets", headers: {}, body: "{}" },
        Local.defaultCredentials,
        { region: "us-east-1", service: "amplifybackend" },
        new Date(Date.now() + minutes * 60 * 1000)
      )
      const response = yield* local.handle({ method: "POST", url: "/s3Buckets", headers, body: "{}" })
      expect(response.status).toBe(403)
      expect(response.headers["x-amzn-errortype"]).toBe("InvalidSignatureException")
      expect(JSON.parse(response.body).message).toMatch(message)
    }))

  it.scopedLive("the official SDK with a wrong secret gets InvalidSignatureException", () =>
    Effect.gen(function*() {
      const server = yield* Local.serve()
      const sdk = new AmplifyBackendClient({
        region: "us-east-1",
        endpoint: server.url,
        maxAttempts: 1,
        credentials: { accessKeyId: Local.defaultCredentials.accessKeyId, secretAccessKey: "wrong" }
      })
      const exit = yield* Effect.exit(
        Effect.tryPromise({ try: () => sdk.send(new Sdk.ListS3BucketsCommand({})), catch: (error) => error })
      )
      sdk.destroy()
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        expect((exit.cause.error as Error).name).toBe("InvalidSignatureException")
      }
    }))
})
