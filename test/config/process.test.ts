import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as CredentialProviders from "../../src/Layer/Config/CredentialProviders.js"
import { Credentials } from "../../src/Layer/Credentials.js"
import { baseEnv, Http, tempDir, write } from "./support/fakes.js"

/** A command line running a Node script written to `dir`. */
const script = (dir: string, name: string, source: string): string =>
  `"${process.execPath}" "${write(dir, name, source)}"`

const printing = (value: unknown): string => `process.stdout.write(${JSON.stringify(JSON.stringify(value))})`

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("credential_process", () => {
  it.scopedLive("returns the keys, session token and expiration the command prints", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const expiration = new Date(Date.now() + 3_600_000).toISOString()
      const command = script(
        dir,
        "ok.mjs",
        printing({
          Version: 1,
          AccessKeyId: "AKIDPROC",
          SecretAccessKey: "proc-secret",
          SessionToken: "proc-token",
          Expiration: expiration
        })
      )
      const credentials = yield* CredentialProviders.fromProcess(command, { env: baseEnv(dir) })
      expect(credentials.accessKeyId).toBe("AKIDPROC")
      expect(Redacted.value(credentials.secretAccessKey)).toBe("proc-secret")
      expect(credentials.sessionToken && Redacted.value(credentials.sessionToken)).toBe("proc-token")
      expect(credentials.expiration?.toISOString()).toBe(expiration)
    }))

  it.scopedLive("runs the command with the environment record given", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(
        dir,
        "env.mjs",
        "process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: process.env.PICKED_KEY, " +
          "SecretAccessKey: 'x' }))"
      )
      const credentials = yield* CredentialProviders.fromProcess(command, {
        env: { ...baseEnv(dir), PICKED_KEY: "AKIDFROMENV" }
      })
      expect(credentials.accessKeyId).toBe("AKIDFROMENV")
    }))

  it.scopedLive("is used by a profile's credential_process, through the Credentials layer", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(
        dir,
        "p.mjs",
        printing({ Version: 1, AccessKeyId: "AKIDPROFILE", SecretAccessKey: "s" })
      )
      write(dir, ".aws/config", `[profile tool]\ncredential_process = ${command}\n`)
      const credentials = yield* Effect.flatMap(Credentials, (c) => c.get).pipe(
        Effect.provide(CredentialProviders.layerProfile("tool", { env: baseEnv(dir) })),
        Effect.provide(Http)
      )
      expect(credentials.accessKeyId).toBe("AKIDPROFILE")
    }))

  it.scopedLive("layerProcess provides Credentials", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const output = printing({ Version: 1, AccessKeyId: "AKIDLAYER", SecretAccessKey: "s" })
      const command = script(dir, "l.mjs", output)
      const credentials = yield* Effect.flatMap(Credentials, (c) => c.get).pipe(
        Effect.provide(CredentialProviders.layerProcess(command, { env: baseEnv(dir) }))
      )
      expect(credentials.accessKeyId).toBe("AKIDLAYER")
    }))

  it.scopedLive("fails on output that is not JSON, without echoing it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(
        dir,
        "bad.mjs",
        "process.stdout.write('AccessKeyId=AKIDLEAK SecretAccessKey=TOPSECRETVALUE'); " +
          "process.stderr.write('warning: legacy output format')"
      )
      const error = yield* Effect.flip(CredentialProviders.fromProcess(command, { env: baseEnv(dir) }))
      expect(error._tag).toBe("CredentialsError")
      expect(error.provider).toBe("process")
      expect(error.message).toContain("not JSON")
      expect(error.message).toContain("warning: legacy output format")
      expect(error.message).not.toContain("TOPSECRETVALUE")
      expect(String(error.cause)).not.toContain("TOPSECRETVALUE")
    }))

  it.scopedLive("fails on a Version other than 1", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(dir, "v2.mjs", printing({ Version: 2, AccessKeyId: "A", SecretAccessKey: "S" }))
      const error = yield* Effect.flip(CredentialProviders.fromProcess(command, { env: baseEnv(dir) }))
      expect(error.message).toContain("Version 1")
    }))

  it.scopedLive("fails when SecretAccessKey is missing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(dir, "partial.mjs", printing({ Version: 1, AccessKeyId: "AKIDONLY" }))
      const error = yield* Effect.flip(CredentialProviders.fromProcess(command, { env: baseEnv(dir) }))
      expect(error.message).toContain("SecretAccessKey")
    }))

  it.scopedLive("fails on credentials that have already expired", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(
        dir,
        "expired.mjs",
        printing({ Version: 1, AccessKeyId: "A", SecretAccessKey: "S", Expiration: "2001-01-01T00:00:00Z" })
      )
      const error = yield* Effect.flip(CredentialProviders.fromProcess(command, { env: baseEnv(dir) }))
      expect(error.message).toContain("expired")
    }))

  it.scopedLive("fails with the exit code and a stderr excerpt when the command exits non-zero", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const command = script(
        dir,
        "exit.mjs",
        "process.stderr.write('token expired, please run creds-login\\n'); process.exit(3)"
      )
      write(dir, ".aws/config", `[default]\ncredential_process = ${command}\n`)
      const error = yield* Effect.flip(CredentialProviders.fromProfile(undefined, { env: baseEnv(dir) }))
      expect(error.provider).toBe("process")
      expect(error.message).toContain("profile \"default\"")
      expect(error.message).toContain("exited with code 3")
      expect(error.message).toContain("please run creds-login")
      expect(error.cause).toBeDefined()
    }).pipe(Effect.provide(Http)))

  it.scopedLive("stops a command that hangs, within the timeout, and kills it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const pidFile = NodePath.join(dir, "pid")
      const command = script(
        dir,
        "hang.mjs",
        `import { writeFileSync } from "node:fs"\n` +
          `writeFileSync(${JSON.stringify(pidFile)}, String(process.pid))\n` +
          "setInterval(() => {}, 1000)"
      )
      const started = Date.now()
      const error = yield* Effect.flip(
        CredentialProviders.fromProcess(command, { env: baseEnv(dir), processTimeout: "1500 millis" })
      )
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(error.message).toContain("did not finish within")
      const pid = Number(NodeFs.readFileSync(pidFile, "utf8"))
      let alive = isAlive(pid)
      for (let i = 0; i < 40 && alive; i++) {
        yield* Effect.sleep("50 millis")
        alive = isAlive(pid)
      }
      expect(alive).toBe(false)
    }))

  it.scopedLive("fails when the command does not exist", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(
        CredentialProviders.fromProcess(NodePath.join(dir, "no-such-tool"), { env: baseEnv(dir) })
      )
      expect(error.provider).toBe("process")
      expect(error.message).toMatch(/exited with code 127|could not be started/)
    }))
})
