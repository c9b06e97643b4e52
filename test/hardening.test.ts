import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AmplifyBackend, layer as amplifyLayer } from "../src/AmplifyBackend.js"
import * as Client from "../src/Layer/Client.js"
import * as Credentials from "../src/Layer/Credentials.js"
import * as Endpoint from "../src/Layer/Endpoint.js"
import * as Region from "../src/Layer/Region.js"
import * as Retry from "../src/Layer/Retry.js"
import * as SignerNode from "../src/Layer/SignerNode.js"

/** A client whose every response is `respond()`, counting the requests it sees. */
const clientAnswering = (respond: () => { status: number; body: string; headers?: Record<string, string> }) => {
  const seen = { requests: 0 }
  const http = HttpClient.make((request) =>
    Effect.sync(() => {
      seen.requests++
      const r = respond()
      return HttpClientResponse.fromWeb(request, new Response(r.body, { status: r.status, headers: r.headers ?? {} }))
    })
  )
  const layer = Layer.provideMerge(
    amplifyLayer,
    Client.layer.pipe(
      Layer.provide(Endpoint.layer("https://amplifybackend.us-east-1.amazonaws.com").pipe(Layer.provide(Region.layer("us-east-1")))),
      Layer.provide(Credentials.layerStatic({ accessKeyId: "AKID", secretAccessKey: "SECRET-KEY", sessionToken: "SESSION-TOKEN" })),
      Layer.provide(SignerNode.layer),
      Layer.provide(Retry.layerOff),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, http))
    )
  ).pipe(Layer.orDie)
  return { layer, seen }
}

const secrets = ["google-secret-value", "apple-private-key", "email-body-secret", "SECRET-KEY", "SESSION-TOKEN"]

const expectNoSecrets = (error: unknown) => {
  const texts = [String(error), JSON.stringify(error), (error as Error).message]
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret)
}

const authInput = (oauthGrantType: unknown) => ({
  AppId: "app",
  BackendEnvironmentName: "dev",
  ResourceName: "auth",
  ResourceConfig: {
    AuthResources: "USER_POOL_ONLY",
    Service: "COGNITO",
    UserPoolConfigs: {
      UserPoolName: "users",
      SignInMethod: "EMAIL",
      RequiredSignUpAttributes: ["EMAIL"],
      ForgotPassword: { DeliveryMethod: "PIGEON", EmailSettings: { EmailMessage: "email-body-secret" } },
      OAuth: {
        OAuthGrantType: oauthGrantType,
        OAuthScopes: ["EMAIL"],
        RedirectSignInURIs: ["https://example.com"],
        RedirectSignOutURIs: ["https://example.com"],
        SocialProviderSettings: {
          Google: { ClientId: "g", ClientSecret: "google-secret-value" },
          SignInWithApple: { PrivateKey: "apple-private-key" }
        }
      }
    }
  }
})

describe("hardening against bad input and bad responses", () => {
  it.effect("a ValidationError never shows sensitive members, and is precise", () =>
    Effect.gen(function*() {
      const { layer, seen } = clientAnswering(() => ({ status: 200, body: "{}" }))
      const amplify = yield* Effect.provide(AmplifyBackend, layer)
      const error = yield* Effect.flip(amplify.createBackendAuth(authInput("BAD") as never))
      expect(error._tag).toBe("ValidationError")
      expectNoSecrets(error)
      const paths = error._tag === "ValidationError" ? error.issues.map((i) => i.path) : []
      expect(paths).toContain("ResourceConfig.UserPoolConfigs.OAuth.OAuthGrantType")
      expect(paths).not.toContain("ResourceConfig.UserPoolConfigs.OAuth")
      expect(seen.requests).toBe(0)
    }))

  it.effect("a ResponseDecodeError never shows sensitive members of the body", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({
        appId: 42,
        resourceConfig: { userPoolConfigs: { oAuth: { socialProviderSettings: { Google: { client_id: "g", client_secret: "google-secret-value" } } } } }
      })
      const { layer } = clientAnswering(() => ({ status: 200, body }))
      const amplify = yield* Effect.provide(AmplifyBackend, layer)
      const error = yield* Effect.flip(amplify.getBackendAuth({ AppId: "app", BackendEnvironmentName: "dev", ResourceName: "auth" }))
      expect(error._tag).toBe("ResponseDecodeError")
      expectNoSecrets(error)
      if (error._tag === "ResponseDecodeError") expect(error.bodyExcerpt).toContain("\"client_secret\":\"(redacted)\"")
    }))

  it.effect("a response nested far too deep is a ResponseDecodeError, not a crash", () =>
    Effect.gen(function*() {
      const depth = 100_000
      const { layer } = clientAnswering(() => ({ status: 200, body: `{"x":${"[".repeat(depth)}${"]".repeat(depth)}}` }))
      const amplify = yield* Effect.provide(AmplifyBackend, layer)
      const error = yield* Effect.flip(amplify.listS3Buckets({}))
      expect(error._tag).toBe("ResponseDecodeError")
      const errorBody = clientAnswering(() => ({ status: 400, body: `{"message":"m","x":${"[".repeat(depth)}${"]".repeat(depth)}}`, headers: { "x-amzn-errortype": "BadRequestException" } }))
      const failed = yield* Effect.flip(Effect.flatMap(Effect.provide(AmplifyBackend, errorBody.layer), (a) => a.listS3Buckets({})))
      expect(failed._tag).toBe("BadRequestException")
    }))

  it.effect("an input nested far too deep, or one that throws when read, is a ValidationError", () =>
    Effect.gen(function*() {
      const { layer, seen } = clientAnswering(() => ({ status: 200, body: "{}" }))
      const amplify = yield* Effect.provide(AmplifyBackend, layer)
      let deep: unknown = 1
      for (let i = 0; i < 20_000; i++) deep = { a: deep }
      const call = () => amplify.createBackend({ AppId: "a", AppName: deep as string, BackendEnvironmentName: "e" })
      expect(call).not.toThrow()
      expect((yield* Effect.flip(call()))._tag).toBe("ValidationError")
      const hostile = Object.defineProperty({ AppId: "a", BackendEnvironmentName: "e" }, "AppName", {
        enumerable: true,
        get: () => {
          throw new Error("boom")
        }
      })
      expect((yield* Effect.flip(amplify.createBackend(hostile as never)))._tag).toBe("ValidationError")
      expect(seen.requests).toBe(0)
    }))

  it.effect("error text is bounded", () =>
    Effect.gen(function*() {
      const { layer } = clientAnswering(() => ({ status: 403, body: JSON.stringify({ message: "x".repeat(5_000_000) }), headers: { "x-amzn-errortype": "AccessDeniedException" } }))
      const amplify = yield* Effect.provide(AmplifyBackend, layer)
      const error = yield* Effect.flip(amplify.listS3Buckets({}))
      expect(error._tag).toBe("ServiceError")
      expect(error.message.length).toBeLessThan(3000)
      const huge = yield* Effect.flip(
        amplify.createBackend({ AppId: "a", AppName: Array.from({ length: 1_000_000 }, () => 1) as never, BackendEnvironmentName: "e" })
      )
      expect(huge.message.length).toBeLessThan(10_000)
    }))
})
