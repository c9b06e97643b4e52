/**
 * Test support for the config tests: loopback fake servers, a loopback-only HTTP client, temp
 * directories, and small builders for STS/SSO/metadata answers.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as NodeFs from "node:fs"
import * as NodeHttp from "node:http"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"

/** A request as the fake server saw it. */
export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: NodeHttp.IncomingHttpHeaders
  readonly body: string
}

/** What a fake handler answers; `"hang"` never answers. */
export type Answer =
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: string }
  | "hang"

/** A running fake server. */
export interface Fake {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly requests: Array<Seen>
}

/** Starts a fake HTTP server on 127.0.0.1 (port 0) for the scope. */
export const fakeServer = (
  handler: (request: Seen) => Answer
): Effect.Effect<Fake, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ fake: Fake; server: NodeHttp.Server }>((resume) => {
      const requests: Array<Seen> = []
      const server = NodeHttp.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const seen: Seen = {
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          requests.push(seen)
          const answer = handler(seen)
          if (answer === "hang") return
          res.writeHead(answer.status ?? 200, answer.headers ?? {})
          res.end(answer.body ?? "")
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ fake: { url: `http://127.0.0.1:${port}`, requests }, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ fake }) => fake))

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"])

/** Wraps an HTTP client so that any request to a non-loopback host dies before it is sent. */
const guard = (base: Layer.Layer<HttpClient.HttpClient>): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (effect, request) =>
        loopbackHosts.has(new URL(request.url).hostname)
          ? effect
          : Effect.die(new Error(`test tried to reach a non-loopback host: ${request.url}`))))
  ).pipe(Layer.provide(base))

/** The undici client, restricted to loopback. */
export const Http: Layer.Layer<HttpClient.HttpClient> = guard(NodeHttpClient.layerUndici)

/** The fetch client, restricted to loopback. */
export const FetchHttp: Layer.Layer<HttpClient.HttpClient> = guard(FetchHttpClient.layer)

/** A fresh temp directory for the scope, removed afterwards. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "aws-config-test-"))),
  (dir) => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true }))
)

/** Writes a file (creating its directory) and returns its path. */
export const write = (dir: string, name: string, text: string): string => {
  const path = NodePath.join(dir, name)
  NodeFs.mkdirSync(NodePath.dirname(path), { recursive: true })
  NodeFs.writeFileSync(path, text)
  return path
}

/**
 * A base environment for provider tests: a home in `dir`, no AWS variables, instance metadata
 * off (tests that want it point it at a fake).
 */
export const baseEnv = (dir: string): Record<string, string | undefined> => ({
  HOME: dir,
  AWS_EC2_METADATA_DISABLED: "true"
})

/** An STS AssumeRole* success body. */
export const stsSuccess = (
  action: "AssumeRole" | "AssumeRoleWithWebIdentity",
  keys: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string }
): string =>
  `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${action}Result>
    <Credentials>
      <AccessKeyId>${keys.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${keys.secretAccessKey}</SecretAccessKey>
      <SessionToken>${keys.sessionToken}</SessionToken>
      <Expiration>${keys.expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/role/session</Arn>
    </AssumedRoleUser>
  </${action}Result>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</${action}Response>`

/** An STS error body. */
export const stsError = (code: string, message: string): string =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>4c5cc2a4-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`

/** An ISO date `minutes` from now (real time). */
export const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString()

/** The form parameters of a query-protocol body. */
export const form = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body))

/** Container/IMDS style credentials JSON. */
export const metadataCredentials = (id: string, expiration = inMinutes(60)): string =>
  JSON.stringify({
    Code: "Success",
    LastUpdated: new Date().toISOString(),
    Type: "AWS-HMAC",
    AccessKeyId: id,
    SecretAccessKey: `secret-of-${id}`,
    Token: `token-of-${id}`,
    Expiration: expiration
  })

/** An IMDSv2 fake: a token from PUT, then the role, then its credentials; v1 calls get 401. */
export const imdsHandler = (
  role: string,
  credentials: string,
  token = "imds-session-token"
) =>
(request: Seen): Answer => {
  if (request.url === "/latest/api/token") {
    return request.method === "PUT" && request.headers["x-aws-ec2-metadata-token-ttl-seconds"] !== undefined
      ? { status: 200, body: token }
      : { status: 400, body: "bad token request" }
  }
  if (request.headers["x-aws-ec2-metadata-token"] !== token) return { status: 401, body: "" }
  if (request.url === "/latest/meta-data/iam/security-credentials/") return { status: 200, body: `${role}\n` }
  if (request.url === `/latest/meta-data/iam/security-credentials/${role}`) {
    return { status: 200, body: credentials }
  }
  return { status: 404, body: "" }
}
