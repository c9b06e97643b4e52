import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import * as SharedConfig from "../../src/Layer/Config/SharedConfig.js"
import { baseEnv, Http, tempDir, write } from "./support/fakes.js"

describe("shared config files", () => {
  it.scoped("reads the paths in AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const configFile = write(dir, "elsewhere/cfg", "[profile a]\nregion = eu-west-1\n")
      const credentialsFile = write(dir, "elsewhere/creds", "[a]\naws_access_key_id = AKIDA\n")
      write(dir, ".aws/config", "[profile a]\nregion = WRONG\n")
      const config = yield* SharedConfig.load({
        env: { HOME: dir, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile }
      })
      expect(config.configFile).toBe(configFile)
      expect(config.credentialsFile).toBe(credentialsFile)
      expect(config.profiles.a).toEqual({ region: "eu-west-1", aws_access_key_id: "AKIDA" })
    }))

  it.scoped("defaults to ~/.aws/config and ~/.aws/credentials under HOME", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[default]\nregion = us-east-2\n")
      write(dir, ".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\n")
      const config = yield* SharedConfig.load({ env: { HOME: dir } })
      expect(config.configFile).toBe(NodePath.join(dir, ".aws", "config"))
      expect(config.profiles.default).toEqual({ region: "us-east-2", aws_access_key_id: "AKIDHOME" })
    }))

  it("falls back to USERPROFILE when HOME is not set", () => {
    const paths = SharedConfig.paths({ env: { USERPROFILE: "/users/alice" } })
    expect(paths.configFile).toBe(NodePath.join("/users/alice", ".aws", "config"))
    expect(paths.credentialsFile).toBe(NodePath.join("/users/alice", ".aws", "credentials"))
  })

  it("expands a leading ~ in a configured path", () => {
    const paths = SharedConfig.paths({ env: { HOME: "/home/bob", AWS_CONFIG_FILE: "~/cfg/aws" } })
    expect(paths.configFile).toBe(NodePath.join("/home/bob", "cfg", "aws"))
  })

  it("lets explicit paths win over the environment", () => {
    const paths = SharedConfig.paths({
      env: { HOME: "/h", AWS_CONFIG_FILE: "/env/config" },
      configFile: "/explicit/config"
    })
    expect(paths.configFile).toBe("/explicit/config")
  })

  it.scoped("reads a missing file as an empty one", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const config = yield* SharedConfig.load({ env: { HOME: dir } })
      expect(config.profiles).toEqual({})
      expect(config.ssoSessions).toEqual({})
    }))

  it.scoped("fails with a typed error naming an unreadable file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const configFile = NodePath.join(dir, "config-is-a-directory")
      NodeFs.mkdirSync(configFile)
      const error = yield* Effect.flip(SharedConfig.load({ env: { HOME: dir, AWS_CONFIG_FILE: configFile } }))
      expect(error._tag).toBe("SharedConfigError")
      expect(error.path).toBe(configFile)
      expect(error.message).toContain(configFile)
      expect(error.message).toContain("EISDIR")
      expect(error.cause).toBeDefined()
    }))

  it.scoped("lets credentials-file values override config-file values for the same profile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/config", "[profile dev]\nregion = us-east-1\naws_access_key_id = FROMCONFIG\n")
      write(dir, ".aws/credentials", "[dev]\naws_access_key_id = FROMCREDENTIALS\n")
      const config = yield* SharedConfig.load({ env: { HOME: dir } })
      expect(config.profiles.dev).toEqual({ region: "us-east-1", aws_access_key_id: "FROMCREDENTIALS" })
    }))

  it.scoped("serves a profile that exists only in the config file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(
        dir,
        ".aws/config",
        "[profile only-config]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\n"
      )
      const credentials = yield* CredentialProviders.fromProfile("only-config", { env: baseEnv(dir) })
      expect(credentials.accessKeyId).toBe("AKIDCFG")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("cfg-secret")
    }).pipe(Effect.provide(Http)))

  it.scoped("reads static keys and a session token from the credentials file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(
        dir,
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = s3cr3t\naws_session_token = tok\n"
      )
      const credentials = yield* CredentialProviders.fromProfile(undefined, { env: baseEnv(dir) })
      expect(credentials.accessKeyId).toBe("AKIDDEF")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("tok")
    }).pipe(Effect.provide(Http)))

  it.scoped("reports a profile with half of its static keys", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      write(dir, ".aws/credentials", "[half]\naws_access_key_id = AKIDHALF\n")
      const error = yield* Effect.flip(CredentialProviders.fromProfile("half", { env: baseEnv(dir) }))
      expect(error.provider).toBe("profile")
      expect(error.message).toContain("aws_secret_access_key")
    }).pipe(Effect.provide(Http)))
})
