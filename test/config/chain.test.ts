import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"
import {
  baseEnv,
  FetchHttp,
  fakeServer,
  form,
  Http,
  imdsHandler,
  inMinutes,
  metadataCredentials,
  stsSuccess,
  tempDir,
  write
} from "./support/fakes.js"

/** Every source the chain can use, each on its own loopback fake, plus a temp home. */
const world = Effect.gen(function*() {
  const dir = yield* tempDir
  const sts = yield* fakeServer((request) => {
    const params = form(request.body)
    const name = (params.RoleArn ?? "").split("/").pop()!.toUpperCase()
    return {
      status: 200,
      body: stsSuccess(params.Action as "AssumeRole", {
        accessKeyId: `ASIA${name}`,
        secretAccessKey: "s",
        sessionToken: "t",
        expiration: inMinutes(60)
      })
    }
  })
  const container = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIACONTAINER") }))
  const imds = yield* fakeServer(imdsHandler("role", metadataCredentials("ASIAINSTANCE")))
  const tokenFile = write(dir, "web-token", "jwt")
  const sources = {
    environment: { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env-secret" },
    webIdentity: { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: "arn:aws:iam::1:role/web" },
    container: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds" },
    imds: { AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
  }
  const options = (env: Record<string, string | undefined>) => ({
    env: { ...baseEnv(dir), AWS_ENDPOINT_URL_STS: sts.url, ...env },
    containerHost: container.url
  })
  const profiles = (text: string) => write(dir, ".aws/config", text)
  return { dir, sts, container, imds, sources, options, profiles }
})

const staticProfile = (name: string, id: string) =>
  `[${name === "default" ? "default" : `profile ${name}`}]\n` +
  `aws_access_key_id = ${id}\naws_secret_access_key = s\n`

describe("default chain precedence", () => {
  it.scopedLive("environment beats web identity", () =>
    Effect.gen(function*() {
      const w = yield* world
      const credentials = yield* CredentialProviders.defaultChain(
        w.options({ ...w.sources.environment, ...w.sources.webIdentity })
      )
      expect(credentials.accessKeyId).toBe("AKIDENV")
      expect(w.sts.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("web identity beats the shared profile", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles(staticProfile("default", "AKIDPROFILE"))
      const credentials = yield* CredentialProviders.defaultChain(w.options(w.sources.webIdentity))
      expect(credentials.accessKeyId).toBe("ASIAWEB")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("the shared profile beats container credentials", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles(staticProfile("default", "AKIDPROFILE"))
      const credentials = yield* CredentialProviders.defaultChain(w.options(w.sources.container))
      expect(credentials.accessKeyId).toBe("AKIDPROFILE")
      expect(w.container.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("container credentials beat instance metadata", () =>
    Effect.gen(function*() {
      const w = yield* world
      const credentials = yield* CredentialProviders.defaultChain(
        w.options({ ...w.sources.container, ...w.sources.imds })
      )
      expect(credentials.accessKeyId).toBe("ASIACONTAINER")
      expect(w.imds.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("instance metadata comes last", () =>
    Effect.gen(function*() {
      const w = yield* world
      const credentials = yield* CredentialProviders.defaultChain(w.options(w.sources.imds))
      expect(credentials.accessKeyId).toBe("ASIAINSTANCE")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("AWS_PROFILE picks the profile", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles(staticProfile("default", "AKIDDEFAULT") + staticProfile("work", "AKIDWORK"))
      const credentials = yield* CredentialProviders.defaultChain(w.options({ AWS_PROFILE: "work" }))
      expect(credentials.accessKeyId).toBe("AKIDWORK")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("a default profile that sets no credentials is skipped", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles("[default]\nregion = us-east-1\n")
      const credentials = yield* CredentialProviders.defaultChain(w.options(w.sources.container))
      expect(credentials.accessKeyId).toBe("ASIACONTAINER")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("within a profile, role_arn with source_profile beats static keys", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles(
        "[default]\nrole_arn = arn:aws:iam::1:role/assumed\nsource_profile = default\n" +
          "aws_access_key_id = AKIDSTATIC\naws_secret_access_key = s\n"
      )
      const credentials = yield* CredentialProviders.defaultChain(w.options({}))
      expect(credentials.accessKeyId).toBe("ASIAASSUMED")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("within a profile, static keys beat credential_process", () =>
    Effect.gen(function*() {
      const w = yield* world
      w.profiles(staticProfile("default", "AKIDSTATIC") + "credential_process = /bin/false\n")
      const credentials = yield* CredentialProviders.defaultChain(w.options({}))
      expect(credentials.accessKeyId).toBe("AKIDSTATIC")
    }).pipe(Effect.provide(Http)))
})

describe("default chain failures", () => {
  it.scopedLive("stops at a configured profile whose credential_process fails", () =>
    Effect.gen(function*() {
      const w = yield* world
      const script = write(w.dir, "broken.mjs", "process.stderr.write('cannot reach vault'); process.exit(2)")
      w.profiles(`[default]\ncredential_process = "${process.execPath}" "${script}"\n`)
      const error = yield* Effect.flip(
        CredentialProviders.defaultChain(w.options({ ...w.sources.container, ...w.sources.imds }))
      )
      expect(error.provider).toBe("process")
      expect(error.message).toContain("exited with code 2")
      expect(error.message).toContain("cannot reach vault")
      expect(error.message).toContain("environment: skipped")
      expect((error.cause as { _tag?: string })._tag).toBe("CredentialsError")
      expect(w.container.requests).toHaveLength(0)
      expect(w.imds.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("stops at an unreadable config file, naming it", () =>
    Effect.gen(function*() {
      const w = yield* world
      const configFile = NodePath.join(w.dir, "not-a-file")
      NodeFs.mkdirSync(configFile)
      const error = yield* Effect.flip(
        CredentialProviders.defaultChain(w.options({ AWS_CONFIG_FILE: configFile, ...w.sources.container }))
      )
      expect(error.provider).toBe("profile")
      expect(error.message).toContain(configFile)
      expect(error.message).toContain("EISDIR")
      expect(w.container.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("stops when AWS_PROFILE names a profile that does not exist", () =>
    Effect.gen(function*() {
      const w = yield* world
      const error = yield* Effect.flip(
        CredentialProviders.defaultChain(w.options({ AWS_PROFILE: "typo", ...w.sources.container }))
      )
      expect(error.provider).toBe("profile")
      expect(error.message).toContain(`profile "typo" is not in`)
      expect(w.container.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("stops at half-set environment keys", () =>
    Effect.gen(function*() {
      const w = yield* world
      const error = yield* Effect.flip(
        CredentialProviders.defaultChain(w.options({ AWS_ACCESS_KEY_ID: "AKIDONLY", ...w.sources.container }))
      )
      expect(error.provider).toBe("environment")
      expect(error.message).toContain("AWS_SECRET_ACCESS_KEY")
      expect(w.container.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("lists every provider and why it was skipped when none applies", () =>
    Effect.gen(function*() {
      const w = yield* world
      const error = yield* Effect.flip(CredentialProviders.defaultChain(w.options({})))
      expect(error.provider).toBe("default-chain")
      for (const name of ["environment", "web-identity", "profile", "container", "instance-metadata"]) {
        expect(error.message).toContain(`${name}: skipped`)
      }
      expect(error.message).toContain("AWS_EC2_METADATA_DISABLED")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports silent instance metadata among the skipped, within a bounded time", () =>
    Effect.gen(function*() {
      const w = yield* world
      const silent = yield* fakeServer(() => "hang")
      const started = Date.now()
      const error = yield* Effect.flip(CredentialProviders.defaultChain({
        ...w.options({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: silent.url }),
        metadataTimeout: "200 millis"
      }))
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(error.provider).toBe("default-chain")
      expect(error.message).toContain("instance-metadata: skipped (unavailable")
      expect(error.cause).toBeDefined()
    }).pipe(Effect.provide(Http)))

  it.scopedLive("never puts secrets in messages", () =>
    Effect.gen(function*() {
      const w = yield* world
      const script = write(
        w.dir,
        "leaky.mjs",
        "process.stdout.write('{\"Version\": 1, \"AccessKeyId\": \"AKIDLEAK\", " +
          "\"SecretAccessKey\": \"TOPSECRET')"
      )
      w.profiles(`[default]\ncredential_process = "${process.execPath}" "${script}"\n`)
      const error = yield* Effect.flip(
        CredentialProviders.defaultChain(w.options({ AWS_SESSION_TOKEN: "SESSIONSECRET" }))
      )
      const everything = `${error.message} ${JSON.stringify(error)} ${String(error.cause)}`
      expect(everything).not.toContain("TOPSECRET")
      expect(everything).not.toContain("SESSIONSECRET")
    }).pipe(Effect.provide(Http)))
})

describe("layerDefaultChain", () => {
  it.scopedLive("provides cached Credentials over the fetch client", () =>
    Effect.gen(function*() {
      const w = yield* world
      const get = Effect.flatMap(Credentials, (c) => c.get)
      const [first, second] = yield* Effect.all([get, get]).pipe(
        Effect.provide(CredentialProviders.layerDefaultChain(w.options(w.sources.container)))
      )
      expect(first.accessKeyId).toBe("ASIACONTAINER")
      expect(second).toBe(first)
      expect(w.container.requests).toHaveLength(1)
    }).pipe(Effect.provide(FetchHttp)))
})
