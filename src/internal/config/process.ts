/**
 * `credential_process`: runs an external command that prints credentials as JSON on stdout.
 *
 * The command runs through the shell with the given environment, for at most the configured
 * time; on timeout or interruption its whole process group is killed. Its output is checked
 * against the documented format:
 * `{ "Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"? }`.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as NodeChildProcess from "node:child_process"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import { excerpt } from "./http.js"
import { describe, type Env, fail, failure } from "./options.js"

const MAX_STDOUT = 1024 * 1024
const MAX_STDERR = 16 * 1024

interface Outcome {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
  readonly overflow: boolean
}

const plainEnv = (env: Env): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key of Object.keys(env)) {
    const value = env[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

/** Runs `command` to completion; interruption kills the command and everything it started. */
const run = (command: string, env: Env): Effect.Effect<Outcome, CredentialsError> =>
  Effect.async<Outcome, CredentialsError>((resume) => {
    const grouped = process.platform !== "win32"
    let child: NodeChildProcess.ChildProcess
    try {
      child = NodeChildProcess.spawn(command, {
        shell: true,
        env: plainEnv(env),
        stdio: ["ignore", "pipe", "pipe"],
        detached: grouped,
        windowsHide: true
      })
    } catch (cause) {
      resume(fail("process", `credential_process could not be started: ${describe(cause)}`, cause))
      return
    }
    const stdout: Array<Buffer> = []
    const stderr: Array<Buffer> = []
    let stdoutBytes = 0
    let stderrBytes = 0
    let overflow = false
    let done = false
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      try {
        if (grouped && child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
        else child.kill("SIGKILL")
      } catch {
        child.kill("SIGKILL")
      }
    }
    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length
      if (stdoutBytes > MAX_STDOUT) {
        overflow = true
        kill()
      } else {
        stdout.push(chunk)
      }
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderrBytes < MAX_STDERR) stderr.push(chunk)
      stderrBytes += chunk.length
    })
    child.on("error", (cause) => {
      if (done) return
      done = true
      resume(fail("process", `credential_process could not be started: ${describe(cause)}`, cause))
    })
    child.on("close", (code, signal) => {
      if (done) return
      done = true
      resume(
        Effect.succeed({
          code,
          signal,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          overflow
        })
      )
    })
    return Effect.sync(() => {
      done = true
      kill()
    })
  })

const stderrNote = (stderr: string): string => {
  const text = excerpt(stderr, 500)
  return text === "" ? "" : `; stderr: ${text}`
}

/** Validates the command's JSON output. */
const decode = (
  outcome: Outcome,
  now: number
): Effect.Effect<AwsCredentials, CredentialsError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(outcome.stdout)
  } catch {
    // The parser's message quotes the input, which may hold secrets: keep only its size.
    return fail(
      "process",
      `credential_process printed ${outcome.stdout.length} characters that are not JSON; it must print ` +
        `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...}${stderrNote(outcome.stderr)}`,
      new Error("credential_process output is not valid JSON")
    )
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return fail("process", "credential_process printed JSON that is not an object")
  }
  const json = parsed as Record<string, unknown>
  if (json.Version !== 1) {
    return fail(
      "process",
      `credential_process output has Version ${JSON.stringify(json.Version) ?? "missing"}; ` +
        "only Version 1 is supported"
    )
  }
  const missing = ["AccessKeyId", "SecretAccessKey"].filter(
    (key) => typeof json[key] !== "string" || json[key] === ""
  )
  if (missing.length > 0) {
    return fail("process", `credential_process output lacks ${missing.join(" and ")}`)
  }
  if (json.SessionToken !== undefined && typeof json.SessionToken !== "string") {
    return fail("process", "credential_process output has a SessionToken that is not a string")
  }
  let expiration: Date | undefined
  if (json.Expiration !== undefined) {
    expiration = typeof json.Expiration === "string" ? new Date(json.Expiration) : undefined
    if (expiration === undefined || Number.isNaN(expiration.getTime())) {
      return fail("process", "credential_process output has an Expiration that is not an ISO 8601 date")
    }
    if (expiration.getTime() <= now) {
      return fail(
        "process",
        `credential_process returned credentials that expired at ${expiration.toISOString()}`
      )
    }
  }
  return Effect.succeed(
    make({
      accessKeyId: json.AccessKeyId as string,
      secretAccessKey: json.SecretAccessKey as string,
      sessionToken: json.SessionToken === "" ? undefined : json.SessionToken as string | undefined,
      expiration
    })
  )
}

/** Runs a `credential_process` command and returns the credentials it prints. */
export const fromCommand = (
  command: string,
  env: Env,
  timeout: Duration.Duration
): Effect.Effect<AwsCredentials, CredentialsError> =>
  Effect.gen(function*() {
    if (command.trim() === "") return yield* fail("process", "credential_process is empty")
    const outcome = yield* run(command, env).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          failure(
            "process",
            `credential_process did not finish within ${Duration.format(timeout)} and was stopped: ` +
              "check that the command runs without waiting for input"
          )
      })
    )
    if (outcome.overflow) {
      return yield* fail("process", `credential_process printed more than ${MAX_STDOUT} bytes`)
    }
    if (outcome.code !== 0) {
      return yield* fail(
        "process",
        "credential_process " +
          (outcome.code === null
            ? `was killed by ${outcome.signal ?? "a signal"}`
            : `exited with code ${outcome.code}`) +
          stderrNote(outcome.stderr),
        { exitCode: outcome.code, signal: outcome.signal, stderr: outcome.stderr }
      )
    }
    return yield* decode(outcome, yield* Clock.currentTimeMillis)
  })
