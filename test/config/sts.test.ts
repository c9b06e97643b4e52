import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"
import {
  baseEnv,
  type Fake,
  fakeServer,
  form,
  Http,
  imdsHandler,
  inMinutes,
  metadataCredentials,
  type Seen,
  stsError,
  stsSuccess,
  tempDir,
  write
} from "./support/fakes.js"
import { parseAuthorization, verify } from "./support/sigv4Check.js"

/** A fake STS answering each AssumeRole* call with keys named after the role's last segment. */
const fakeSts = () =>
  fakeServer((request) => {
    const params = form(request.body)
    const action = params.Action
    if (action !== "AssumeRole" && action !== "AssumeRoleWithWebIdentity") {
      return { status: 400, body: stsError("InvalidAction", "unknown action") }
    }
    const name = (params.RoleArn ?? "").split("/").pop() ?? "none"
    return {
      status: 200,
      headers: { "content-type": "text/xml" },
      body: stsSuccess(action, {
        accessKeyId: `ASIA${name.toUpperCase()}`,
        secretAccessKey: `secret-${name}`,
        sessionToken: `token-${name}`,
        expiration: inMinutes(60)
      })
    }
  })

const webVars = (tokenFile: string) => ({
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  AWS_ROLE_ARN: "arn:aws:iam::1:role/r"
})

const stsEnv = (dir: string, sts: Fake): Record<string, string | undefined> => ({
  ...baseEnv(dir),
  AWS_ENDPOINT_URL_STS: sts.url
})

/** A home whose ~/.aws/config is `config`, a fake STS, and `profile`'s credentials from them. */
const withProfiles = (config: string, profile: string) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const sts = yield* fakeSts()
    write(dir, ".aws/config", config)
    return { dir, sts, resolve: CredentialProviders.fromProfile(profile, { env: stsEnv(dir, sts) }) }
  })

describe("web identity (STS AssumeRoleWithWebIdentity)", () => {
  it.scopedLive("exchanges the token file named in the environment, unsigned", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const tokenFile = write(dir, "token.jwt", "eyJhbGciOi.token.sig\n")
      const credentials = yield* CredentialProviders.fromWebIdentity({
        env: {
          ...stsEnv(dir, sts),
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
          AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/web",
          AWS_ROLE_SESSION_NAME: "pod-session"
        }
      })
      expect(credentials.accessKeyId).toBe("ASIAWEB")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("secret-web")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("token-web")
      expect(credentials.expiration).toBeInstanceOf(Date)
      expect(sts.requests).toHaveLength(1)
      const request = sts.requests[0]!
      expect(request.method).toBe("POST")
      expect(request.url).toBe("/")
      expect(request.headers["content-type"]).toContain("application/x-www-form-urlencoded")
      expect(request.headers.authorization).toBeUndefined()
      expect(form(request.body)).toEqual({
        Action: "AssumeRoleWithWebIdentity",
        Version: "2011-06-15",
        RoleArn: "arn:aws:iam::123456789012:role/web",
        RoleSessionName: "pod-session",
        WebIdentityToken: "eyJhbGciOi.token.sig"
      })
    }).pipe(Effect.provide(Http)))

  it.scopedLive("generates a session name when AWS_ROLE_SESSION_NAME is not set", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const tokenFile = write(dir, "token.jwt", "tok")
      yield* CredentialProviders.fromWebIdentity({
        env: { ...stsEnv(dir, sts), ...webVars(tokenFile) }
      })
      expect(form(sts.requests[0]!.body).RoleSessionName).toMatch(/^amplifybackend-effect-\d+$/)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("layerWebIdentity takes the role and token file from options", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const tokenFile = write(dir, "token.jwt", "tok")
      const credentials = yield* Effect.flatMap(Credentials, (c) => c.get).pipe(
        Effect.provide(CredentialProviders.layerWebIdentity({
          env: stsEnv(dir, sts),
          roleArn: "arn:aws:iam::1:role/opts",
          webIdentityTokenFile: tokenFile,
          roleSessionName: "from-options"
        }))
      )
      expect(credentials.accessKeyId).toBe("ASIAOPTS")
      expect(form(sts.requests[0]!.body).RoleSessionName).toBe("from-options")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports the STS error code and message", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeServer(() => ({
        status: 403,
        body: stsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
      }))
      const tokenFile = write(dir, "token.jwt", "SECRET-JWT-VALUE")
      const error = yield* Effect.flip(CredentialProviders.fromWebIdentity({
        env: { ...stsEnv(dir, sts), ...webVars(tokenFile) }
      }))
      expect(error.provider).toBe("web-identity")
      expect(error.message).toContain("AccessDenied")
      expect(error.message).toContain("Not authorized")
      expect(error.message).toContain("arn:aws:iam::1:role/r")
      expect(error.message).not.toContain("SECRET-JWT-VALUE")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("names a missing token file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const error = yield* Effect.flip(CredentialProviders.fromWebIdentity({
        env: {
          ...stsEnv(dir, sts),
          AWS_WEB_IDENTITY_TOKEN_FILE: `${dir}/missing.jwt`,
          AWS_ROLE_ARN: "arn:aws:iam::1:role/r"
        }
      }))
      expect(error.message).toContain(`${dir}/missing.jwt`)
      expect(sts.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("retries an STS 5xx answer", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      let calls = 0
      const sts = yield* fakeServer(() =>
        ++calls === 1 ? { status: 503, body: stsError("ServiceUnavailable", "try again") } : {
          status: 200,
          body: stsSuccess("AssumeRoleWithWebIdentity", {
            accessKeyId: "ASIARETRY",
            secretAccessKey: "s",
            sessionToken: "t",
            expiration: inMinutes(60)
          })
        }
      )
      const tokenFile = write(dir, "token.jwt", "tok")
      const credentials = yield* CredentialProviders.fromWebIdentity({
        env: { ...stsEnv(dir, sts), ...webVars(tokenFile) }
      })
      expect(credentials.accessKeyId).toBe("ASIARETRY")
      expect(calls).toBe(2)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("serves a profile with role_arn and web_identity_token_file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const tokenFile = write(dir, "token.jwt", "profile-token")
      write(
        dir,
        ".aws/config",
        `[profile fed]\nrole_arn = arn:aws:iam::1:role/fed\nweb_identity_token_file = ${tokenFile}\n` +
          "role_session_name = fed-session\n"
      )
      const credentials = yield* CredentialProviders.fromProfile("fed", { env: stsEnv(dir, sts) })
      expect(credentials.accessKeyId).toBe("ASIAFED")
      expect(form(sts.requests[0]!.body)).toMatchObject({
        Action: "AssumeRoleWithWebIdentity",
        WebIdentityToken: "profile-token",
        RoleSessionName: "fed-session"
      })
    }).pipe(Effect.provide(Http)))
})

describe("assume role (STS AssumeRole)", () => {
  const sourceKeys = "aws_access_key_id = AKIDSOURCE\naws_secret_access_key = source-secret\n"
  const selfSourced = `[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n${sourceKeys}`
  const withSource = (profile: string, role: string, source: string) =>
    `[profile ${profile}]\nrole_arn = arn:aws:iam::1:role/${role}\ncredential_source = ${source}\n`

  it.scopedLive("assumes role_arn with source_profile keys, signed, honouring the profile's settings", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      write(
        dir,
        ".aws/config",
        `[profile admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = base
role_session_name = alice
external_id = ext-123
duration_seconds = 1800
region = eu-west-1
`
      )
      write(dir, ".aws/credentials", `[base]\n${sourceKeys}`)
      const credentials = yield* CredentialProviders.fromProfile("admin", { env: stsEnv(dir, sts) })
      expect(credentials.accessKeyId).toBe("ASIAADMIN")
      expect(sts.requests).toHaveLength(1)
      const request = sts.requests[0]!
      expect(form(request.body)).toEqual({
        Action: "AssumeRole",
        Version: "2011-06-15",
        RoleArn: "arn:aws:iam::123456789012:role/admin",
        RoleSessionName: "alice",
        ExternalId: "ext-123",
        DurationSeconds: "1800"
      })
      const auth = parseAuthorization(request.headers.authorization)
      expect(auth).toMatchObject({ accessKeyId: "AKIDSOURCE", region: "eu-west-1", service: "sts" })
      expect(auth?.signedHeaders).toEqual(expect.arrayContaining(["content-type", "host", "x-amz-date"]))
      expect(verify(request, "source-secret")).toBe(true)
      expect(verify(request, "another-secret")).toBe(false)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("follows a chain of profiles, each hop signed with the previous hop's credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      write(
        dir,
        ".aws/config",
        `[profile top]
role_arn = arn:aws:iam::1:role/top
source_profile = middle
[profile middle]
role_arn = arn:aws:iam::1:role/middle
source_profile = root
`
      )
      write(dir, ".aws/credentials", `[root]\n${sourceKeys}`)
      const credentials = yield* CredentialProviders.fromProfile("top", { env: stsEnv(dir, sts) })
      expect(credentials.accessKeyId).toBe("ASIATOP")
      expect(sts.requests.map((r) => form(r.body).RoleArn)).toEqual([
        "arn:aws:iam::1:role/middle",
        "arn:aws:iam::1:role/top"
      ])
      const [first, second] = sts.requests as [Seen, Seen]
      expect(parseAuthorization(first.headers.authorization)?.accessKeyId).toBe("AKIDSOURCE")
      expect(verify(first, "source-secret")).toBe(true)
      expect(parseAuthorization(second.headers.authorization)?.accessKeyId).toBe("ASIAMIDDLE")
      expect(second.headers["x-amz-security-token"]).toBe("token-middle")
      expect(verify(second, "secret-middle")).toBe(true)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("uses a source profile's static keys even when it also sets role_arn", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      write(
        dir,
        ".aws/config",
        `[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = both\n` +
          `[profile both]\nrole_arn = arn:aws:iam::1:role/never\nsource_profile = top\n${sourceKeys}`
      )
      yield* CredentialProviders.fromProfile("top", { env: stsEnv(dir, sts) })
      expect(sts.requests).toHaveLength(1)
      expect(parseAuthorization(sts.requests[0]!.headers.authorization)?.accessKeyId).toBe("AKIDSOURCE")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("lets a profile with static keys be its own source_profile", () =>
    Effect.gen(function*() {
      const { sts, resolve } = yield* withProfiles(
        `[profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n${sourceKeys}`,
        "self"
      )
      const credentials = yield* resolve
      expect(credentials.accessKeyId).toBe("ASIASELF")
      expect(verify(sts.requests[0]!, "source-secret")).toBe(true)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports a source_profile cycle with the chain, sending nothing", () =>
    Effect.gen(function*() {
      const { sts, resolve } = yield* withProfiles(
        `[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n` +
          `[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n` +
          `[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n`,
        "a"
      )
      const error = yield* Effect.flip(resolve)
      expect(error.provider).toBe("profile")
      expect(error.message).toContain("cycle")
      expect(error.message).toContain(`"a" → "b" → "c" → "a"`)
      expect(sts.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("names a source_profile that does not exist", () =>
    Effect.gen(function*() {
      const { dir, resolve } = yield* withProfiles(
        `[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = ghost\n`,
        "a"
      )
      const error = yield* Effect.flip(resolve)
      expect(error.message).toContain(`source_profile "ghost" does not exist`)
      expect(error.message).toContain(dir)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("refuses mfa_serial with a message saying MFA is not supported", () =>
    Effect.gen(function*() {
      const { sts, resolve } = yield* withProfiles(
        `[profile mfa]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n` +
          `mfa_serial = arn:aws:iam::1:mfa/alice\n[profile base]\n${sourceKeys}`,
        "mfa"
      )
      const error = yield* Effect.flip(resolve)
      expect(error.provider).toBe("assume-role")
      expect(error.message).toContain("mfa_serial")
      expect(error.message).toContain("not supported")
      expect(sts.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("refuses source_profile together with credential_source", () =>
    Effect.gen(function*() {
      const { resolve } = yield* withProfiles(
        `[profile x]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n` +
          "credential_source = Environment\n" +
          `[profile base]\n${sourceKeys}`,
        "x"
      )
      const error = yield* Effect.flip(resolve)
      expect(error.message).toContain("not both")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports role_arn with nothing to assume it with", () =>
    Effect.gen(function*() {
      const { resolve } = yield* withProfiles(`[profile lonely]\nrole_arn = arn:aws:iam::1:role/a\n`, "lonely")
      const error = yield* Effect.flip(resolve)
      expect(error.message).toContain("source_profile, credential_source or web_identity_token_file")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("rejects a duration_seconds outside 900..43200", () =>
    Effect.gen(function*() {
      const { sts, resolve } = yield* withProfiles(
        `[profile d]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\nduration_seconds = 60\n` +
          `[profile base]\n${sourceKeys}`,
        "d"
      )
      const error = yield* Effect.flip(resolve)
      expect(error.message).toContain("duration_seconds")
      expect(sts.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("credential_source = Environment signs with the environment's keys", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      write(dir, ".aws/config", withSource("e", "env", "Environment"))
      const credentials = yield* CredentialProviders.fromProfile("e", {
        env: { ...stsEnv(dir, sts), AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env-secret" }
      })
      expect(credentials.accessKeyId).toBe("ASIAENV")
      expect(parseAuthorization(sts.requests[0]!.headers.authorization)?.accessKeyId).toBe("AKIDENV")
      expect(verify(sts.requests[0]!, "env-secret")).toBe(true)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("credential_source = EcsContainer signs with container credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const container = yield* fakeServer(() => ({ status: 200, body: metadataCredentials("ASIACONTAINER") }))
      write(dir, ".aws/config", withSource("c", "ecs", "EcsContainer"))
      const credentials = yield* CredentialProviders.fromProfile("c", {
        env: { ...stsEnv(dir, sts), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc" },
        containerHost: container.url
      })
      expect(credentials.accessKeyId).toBe("ASIAECS")
      expect(container.requests[0]!.url).toBe("/v2/credentials/abc")
      const request = sts.requests[0]!
      expect(parseAuthorization(request.headers.authorization)?.accessKeyId).toBe("ASIACONTAINER")
      expect(request.headers["x-amz-security-token"]).toBe("token-of-ASIACONTAINER")
      expect(verify(request, "secret-of-ASIACONTAINER")).toBe(true)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("credential_source = Ec2InstanceMetadata signs with instance credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sts = yield* fakeSts()
      const imds = yield* fakeServer(imdsHandler("instance-role", metadataCredentials("ASIAINSTANCE")))
      write(dir, ".aws/config", withSource("i", "ec2", "Ec2InstanceMetadata"))
      const credentials = yield* CredentialProviders.fromProfile("i", {
        env: { HOME: dir, AWS_ENDPOINT_URL_STS: sts.url, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }
      })
      expect(credentials.accessKeyId).toBe("ASIAEC2")
      expect(verify(sts.requests[0]!, "secret-of-ASIAINSTANCE")).toBe(true)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("rejects an unknown credential_source, listing the valid ones", () =>
    Effect.gen(function*() {
      const { resolve } = yield* withProfiles(`[profile u]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Laptop\n`, "u")
      const error = yield* Effect.flip(resolve)
      expect(error.message).toContain("Environment, Ec2InstanceMetadata, EcsContainer")
    }).pipe(Effect.provide(Http)))

  it.scopedLive("prefers the stsEndpoint option over AWS_ENDPOINT_URL_STS", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const chosen = yield* fakeSts()
      const ignored = yield* fakeSts()
      write(dir, ".aws/config", selfSourced)
      yield* CredentialProviders.fromProfile("a", { env: stsEnv(dir, ignored), stsEndpoint: chosen.url })
      expect(chosen.requests).toHaveLength(1)
      expect(ignored.requests).toHaveLength(0)
    }).pipe(Effect.provide(Http)))

  it.scopedLive("reports an AssumeRole denial with the profile, code and message", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const body = stsError("AccessDenied", "not allowed &amp; logged")
      const sts = yield* fakeServer(() => ({ status: 403, body }))
      write(dir, ".aws/config", selfSourced)
      const error = yield* Effect.flip(CredentialProviders.fromProfile("a", { env: stsEnv(dir, sts) }))
      expect(error.provider).toBe("assume-role")
      expect(error.message).toContain(`profile "a"`)
      expect(error.message).toContain("AccessDenied: not allowed & logged")
      expect(error.message).not.toContain("source-secret")
    }).pipe(Effect.provide(Http)))
})
