/**
 * An independent SigV4 check for requests a fake server received: rebuilds the canonical
 * request from what arrived on the wire and recomputes the signature.
 */
import { createHash, createHmac } from "node:crypto"
import type { Seen } from "./fakes.js"

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")
const hmac = (key: Buffer | string, text: string): Buffer =>
  createHmac("sha256", key).update(text, "utf8").digest()

/** What the Authorization header says. */
export interface Authorization {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export const parseAuthorization = (header: string | undefined): Authorization | undefined => {
  const pattern = new RegExp(
    "^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, " +
      "SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$"
  )
  const match = pattern.exec(header ?? "")
  if (match === null) return undefined
  return {
    accessKeyId: match[1]!,
    date: match[2]!,
    region: match[3]!,
    service: match[4]!,
    signedHeaders: match[5]!.split(";"),
    signature: match[6]!
  }
}

/** True when the request's signature is the one `secretAccessKey` makes (path `/`, no query). */
export const verify = (request: Seen, secretAccessKey: string): boolean => {
  const auth = parseAuthorization(request.headers.authorization)
  if (auth === undefined) return false
  const header = (name: string): string => {
    const value = request.headers[name]
    return (Array.isArray(value) ? value.join(",") : value ?? "").trim().replace(/\s+/g, " ")
  }
  const [path, query = ""] = request.url.split("?")
  const canonical = [
    request.method,
    path,
    query,
    auth.signedHeaders.map((name) => `${name}:${header(name)}\n`).join(""),
    auth.signedHeaders.join(";"),
    sha256(request.body)
  ].join("\n")
  const amzDate = header("x-amz-date")
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n")
  const dateKey = hmac("AWS4" + secretAccessKey, auth.date)
  const key = hmac(hmac(hmac(dateKey, auth.region), auth.service), "aws4_request")
  return createHmac("sha256", key).update(stringToSign, "utf8").digest("hex") === auth.signature
}
