/**
 * The portable signer: AWS Signature Version 4 through `aws4fetch` (WebCrypto), for browsers,
 * workers, Deno and Bun. No `node:` imports.
 *
 * It signs the same headers as the Node signer: every given header (aws4fetch's `allHeaders`),
 * names that differ only in case merged first into one value joined with `,`; `host` from the
 * URL; any given `authorization` dropped.
 */
import { AwsV4Signer } from "aws4fetch"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Signer, type SignableRequest, type SignerService } from "./Signer.js"

/** A `Map` that forgets its oldest entry past `limit`: aws4fetch's signing-key cache. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super()
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) {
      const oldest = this.keys().next()
      if (oldest.done !== true) this.delete(oldest.value)
    }
    return super.set(key, value)
  }
}

const trimValue = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, "")

/** Lower-case names, case-variants merged with `,`, `host` and `authorization` left out. */
const mergeHeaders = (headers: SignableRequest["headers"]): Record<string, string> => {
  const merged: Record<string, string> = Object.create(null)
  for (const key in headers) {
    const value = headers[key]
    if (value === undefined) continue
    const name = key.toLowerCase()
    if (name === "host" || name === "authorization") continue
    const previous = merged[name]
    merged[name] = previous === undefined ? trimValue(value) : previous + "," + trimValue(value)
  }
  return merged
}

/** Sets a header on a plain record, `__proto__` included. */
const setHeader = (record: Record<string, string>, name: string, value: string) => {
  if (name === "__proto__") {
    Object.defineProperty(record, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    })
  } else {
    record[name] = value
  }
}

/** `x-amz-date` format: YYYYMMDD'T'HHMMSS'Z'. */
const amzDate = (date: Date): string => date.toISOString().replace(/[:-]|\.\d{3}/g, "")

/** Derived signing keys, shared by every use of this signer. */
const signingKeys = new BoundedMap<string, ArrayBuffer>(32)

/** The `Signer` service value, backed by aws4fetch's `AwsV4Signer`. */
export const make: SignerService = {
  sign: (request, credentials, scope, signingDate) =>
    Effect.promise(async () => {
      const sessionToken = credentials.sessionToken === undefined
        ? undefined
        : Redacted.value(credentials.sessionToken)
      const signer = new AwsV4Signer({
        method: request.method,
        url: request.url,
        headers: mergeHeaders(request.headers),
        // WebCrypto digests any byte view; the DOM typing only admits ArrayBuffer-backed ones.
        body: request.body === undefined
          ? null
          : (request.body as string | Uint8Array<ArrayBuffer>),
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: Redacted.value(credentials.secretAccessKey),
        ...(sessionToken === undefined ? {} : { sessionToken }),
        service: scope.service,
        region: scope.region,
        cache: signingKeys,
        datetime: amzDate(signingDate),
        allHeaders: true
      })
      const signed = await signer.sign()
      const out: Record<string, string> = { host: signed.url.host }
      signed.headers.forEach((value, name) => setHeader(out, name, value))
      return out
    })
}

/** Provides `Signer` with the aws4fetch implementation. */
export const layer: Layer.Layer<Signer> = Layer.succeed(Signer, make)
