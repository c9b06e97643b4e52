/**
 * `npm run local` (src/Local/main.ts) as a user runs it: a new process, its arguments read
 * strictly, and a server that answers on the loopback address it prints.
 */
import { describe, expect, it } from "vitest"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")
const main = Path.join(root, "src", "Local", "main.ts")

const run = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", main, ...args], {
      cwd: root,
      env: { ...process.env, PORT: "" },
      timeout: 20_000
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** Starts the server and waits for its banner; the caller kills it. */
const start = async (args: ReadonlyArray<string>) => {
  const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", main, ...args], { cwd: root, timeout: 30_000 })
  const printed = await new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.includes("Ctrl-C")) resolve(out)
    })
    child.on("close", () => reject(new Error(`exited early: ${out}`)))
  })
  return { child, printed }
}

describe("npm run local", () => {
  it.each([
    [["--bogus"], 'unknown argument "--bogus"'],
    [["--port"], "--port needs a value"],
    [["--port", "--no-verify"], "--port needs a value"],
    [["--port="], "--port needs a value"],
    [["--port", "4x"], "--port must be a port number from 0 to 65535, not 4x"],
    [["--port", "70000"], "--port must be a port number from 0 to 65535, not 70000"],
    [["--host", "10.0.0.1"], "--host must be a loopback address"]
  ])("%j: exits 2, saying why and how to call it", async (args, message) => {
    const { code, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(stderr).toContain("usage: npm run local --")
  }, 30_000)

  it("--port=N is read like --port N; a port in use is named without the usage", async () => {
    const { child: first, printed } = await start(["--port=0", "--no-verify"])
    try {
      expect(printed).toContain("Signatures are not checked (--no-verify)")
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(printed)![1]!
      // Unsigned, accepted.
      const response = await fetch(`http://127.0.0.1:${port}/s3Buckets`, { method: "POST", body: "{}" })
      expect(response.status).toBe(200)
      const second = await run([`--port=${port}`])
      expect(second.code).toBe(2)
      expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${port}`)
      expect(second.stderr).not.toContain("usage:")
    } finally {
      first.kill()
    }
  }, 60_000)

  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await run(["--help"])
    expect(code).toBe(0)
    expect(stdout).toContain("usage: npm run local --")
  }, 30_000)

  it("serves on the loopback port it prints, with the keys it prints", async () => {
    const { child, printed } = await start(["--port", "0"])
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1]
      expect(url).toBeDefined()
      expect(printed).toMatch(/AWS_ACCESS_KEY_ID=\S+ AWS_SECRET_ACCESS_KEY=\S+/)
      expect(printed).toContain("Requests must be signed (SigV4) with these keys for this region.")
      // Unsigned: refused as AWS refuses it.
      const response = await fetch(`${url}/s3Buckets`, { method: "POST", body: "{}" })
      expect(response.status).toBe(403)
    } finally {
      child.kill()
    }
  }, 40_000)
})
