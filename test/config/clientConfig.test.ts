import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ClientConfig from "../../src/Layer/Config/ClientConfig.js"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as EndpointRules from "../../src/Layer/EndpointRules.js"
import * as Retry from "../../src/Layer/Retry.js"
import { listS3Buckets } from "../../src/Operations/ListS3Buckets.js"
import * as Node from "../../src/Layer/Node.js"

const configFile = (text: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-config-"))
  const file = path.join(dir, "config")
  fs.writeFileSync(file, text)
  return file
}

const base = { credentialsFile: "/nonexistent/credentials" }

const profileText = `
[default]
region = eu-west-3
use_fips_endpoint = true
retry_mode = adaptive
max_attempts = 7
services = local

[services local]
amplifybackend =
  endpoint_url = http://127.0.0.1:4999

[profile plain]
region = ap-south-1
endpoint_url = http://127.0.0.1:5000
use_dualstack_endpoint = true
`

describe("client configuration precedence", () => {
  it.effect("region: the option beats AWS_REGION, which beats AWS_DEFAULT_REGION, which beats the profile", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      const env = { AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "us-east-2" }
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env, region: "sa-east-1" })).region).toBe("sa-east-1")
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env })).region).toBe("us-west-2")
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env: { AWS_DEFAULT_REGION: "us-east-2" } })).region)
        .toBe("us-east-2")
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env: {} })).region).toBe("eu-west-3")
    }))

  it.effect("FIPS: the option beats AWS_USE_FIPS_ENDPOINT, which beats use_fips_endpoint", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env: {} })).endpoint.useFips).toBe(true)
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env: { AWS_USE_FIPS_ENDPOINT: "false" } })).endpoint.useFips)
        .toBe(false)
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env: { AWS_USE_FIPS_ENDPOINT: "true" }, useFips: false }))
        .endpoint.useFips).toBe(false)
    }))

  it.effect("dual-stack from the profile", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      const settings = yield* ClientConfig.resolve({ ...base, configFile: file, env: { AWS_PROFILE: "plain" } })
      expect(settings.endpoint.useDualStack).toBe(true)
      expect(settings.region).toBe("ap-south-1")
    }))

  it.effect("endpoint URL: option, then AWS_ENDPOINT_URL_AMPLIFYBACKEND, AWS_ENDPOINT_URL, services section, profile", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      const url = (env: Record<string, string>, extra: { endpoint?: string } = {}) =>
        Effect.map(ClientConfig.resolve({ ...base, configFile: file, env, ...extra }), (s) => s.endpoint.endpointUrl)
      expect(yield* url({ AWS_ENDPOINT_URL_AMPLIFYBACKEND: "http://127.0.0.1:1", AWS_ENDPOINT_URL: "http://127.0.0.1:2" }, {
        endpoint: "http://127.0.0.1:9"
      })).toBe("http://127.0.0.1:9")
      expect(yield* url({ AWS_ENDPOINT_URL_AMPLIFYBACKEND: "http://127.0.0.1:1", AWS_ENDPOINT_URL: "http://127.0.0.1:2" }))
        .toBe("http://127.0.0.1:1")
      expect(yield* url({ AWS_ENDPOINT_URL: "http://127.0.0.1:2" })).toBe("http://127.0.0.1:2")
      expect(yield* url({})).toBe("http://127.0.0.1:4999")
      expect(yield* url({ AWS_PROFILE: "plain" })).toBe("http://127.0.0.1:5000")
    }))

  it.effect("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores configured URLs but not the option", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      const env = { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL: "http://127.0.0.1:2" }
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env })).endpoint.endpointUrl).toBeUndefined()
      expect((yield* ClientConfig.resolve({ ...base, configFile: file, env, endpoint: "http://127.0.0.1:9" })).endpoint.endpointUrl)
        .toBe("http://127.0.0.1:9")
    }))

  it.effect("retry: AWS_RETRY_MODE / AWS_MAX_ATTEMPTS beat the profile; options beat both", () =>
    Effect.gen(function*() {
      const file = configFile(profileText)
      const fromProfile = yield* ClientConfig.resolve({ ...base, configFile: file, env: {} })
      expect([fromProfile.retry.mode, fromProfile.retry.maxAttempts]).toEqual(["adaptive", 7])
      const fromEnv = yield* ClientConfig.resolve({
        ...base,
        configFile: file,
        env: { AWS_RETRY_MODE: "standard", AWS_MAX_ATTEMPTS: "2" }
      })
      expect([fromEnv.retry.mode, fromEnv.retry.maxAttempts]).toEqual(["standard", 2])
      const fromOptions = yield* ClientConfig.resolve({ ...base, configFile: file, env: {}, retry: { maxAttempts: 4 } })
      expect(fromOptions.retry.maxAttempts).toBe(4)
    }))

  it.effect("a bad value names where it came from", () =>
    Effect.gen(function*() {
      const file = configFile("[default]\nregion = us-east-1\nmax_attempts = many\nuse_fips_endpoint = yes\n")
      const fips = yield* Effect.flip(ClientConfig.resolve({ ...base, configFile: file, env: {} }))
      expect(fips.setting).toMatch(/^use_fips_endpoint in profile "default"/)
      const attempts = yield* Effect.flip(
        ClientConfig.resolve({ ...base, configFile: file, env: { AWS_USE_FIPS_ENDPOINT: "false" } })
      )
      expect(attempts.setting).toMatch(/^max_attempts in profile "default"/)
      expect(attempts.message).toMatch(/at least 1/)
    }))

  it.effect("Node.layer sends to the endpoint the model's rule set resolves from the profile", () =>
    Effect.gen(function*() {
      const file = configFile("[default]\nregion = cn-north-1\nuse_dualstack_endpoint = true\n")
      const urls: Array<string> = []
      const capture = HttpClient.make((request, url) =>
        Effect.sync(() => {
          urls.push(url.toString())
          return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
        })
      )
      yield* listS3Buckets({}).pipe(
        Effect.provide(
          Node.layerClient({
            ...base,
            configFile: file,
            env: {},
            credentials: { accessKeyId: "a", secretAccessKey: "b" },
            httpClient: Layer.succeed(HttpClient.HttpClient, capture)
          })
        )
      )
      const expected = EndpointRules.resolve({ Region: "cn-north-1", UseDualStack: true, UseFIPS: false })
      expect(expected._tag).toBe("Right")
      if (expected._tag === "Right") expect(urls).toEqual([`${expected.right.url}/s3Buckets`])
      expect(urls[0]).toMatch(/^https:\/\/amplifybackend\.cn-north-1\./)
    }))
})

describe("the profile option", () => {
  it.effect("names the profile for credentials as well as for region and endpoint", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "profile-option-"))
      const config = path.join(dir, "config")
      fs.writeFileSync(
        config,
        "[default]\nregion = us-east-1\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n" +
          "[profile loc]\nregion = eu-west-1\naws_access_key_id = AKIDLOC\naws_secret_access_key = l\n"
      )
      const authorizations: Array<string> = []
      const capture = HttpClient.make((request, url) =>
        Effect.sync(() => {
          authorizations.push(`${url.host} ${request.headers.authorization ?? ""}`)
          return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
        })
      )
      yield* listS3Buckets({}).pipe(
        Effect.provide(
          Node.layerClient({
            profile: "loc",
            configFile: config,
            credentialsFile: path.join(dir, "credentials"),
            env: {},
            httpClient: Layer.succeed(HttpClient.HttpClient, capture)
          })
        )
      )
      expect(authorizations).toHaveLength(1)
      expect(authorizations[0]).toMatch(/^amplifybackend\.eu-west-1\.amazonaws\.com /)
      expect(authorizations[0]).toContain("Credential=AKIDLOC/")
    }))
})

describe("a Retry layer provided from outside", () => {
  it.effect("wins over the configured policy", () =>
    Effect.gen(function*() {
      let requests = 0
      const unavailable = HttpClient.make((request) =>
        Effect.sync(() => {
          requests++
          return HttpClientResponse.fromWeb(request, new Response("", { status: 503 }))
        })
      )
      const client = Node.layerClient({
        ...base,
        configFile: configFile("[default]\nregion = us-east-1\nmax_attempts = 5\n"),
        env: {},
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
        httpClient: Layer.succeed(HttpClient.HttpClient, unavailable)
      }).pipe(Layer.provide(Retry.layerOff))
      const error = yield* Effect.flip(listS3Buckets({}).pipe(Effect.provide(client)))
      expect(error._tag).toBe("ServiceError")
      expect(requests).toBe(1)
    }))
})
