/**
 * The Signer service: adds AWS Signature Version 4 headers to a request.
 *
 * Two layers implement it: `SignerNode` (node:crypto, synchronous and fast, the Node default)
 * and `SignerAws4fetch` (WebCrypto through aws4fetch, for browsers, workers, Deno and Bun).
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { AwsCredentials } from "./Credentials.js"

/** What a signer needs to know of a request. Header names may be given in any case. */
export interface SignableRequest {
  readonly method: string
  /** The full URL as it will be sent: path single-encoded, query string included. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array | undefined
}

/** The credential scope a signature is made for. */
export interface SigningScope {
  readonly region: string
  readonly service: string
}

/**
 * Signs a request. Returns the headers to send: the given ones plus `host`, `x-amz-date`,
 * `x-amz-security-token` (for temporary credentials) and `authorization`.
 * Header names in the result are lower case.
 */
export interface SignerService {
  readonly sign: (
    request: SignableRequest,
    credentials: AwsCredentials,
    scope: SigningScope,
    signingDate: Date
  ) => Effect.Effect<Record<string, string>>
}

export class Signer extends Context.Tag("amplifybackend/Signer")<Signer, SignerService>() {}
