/**
 * The Node signer: AWS Signature Version 4 on `node:crypto`, synchronous and allocation-light.
 * The default signer on Node.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as SigV4 from "../internal/sigv4.js"
import { Signer, type SignerService } from "./Signer.js"

/** The `Signer` service value, backed by `node:crypto`. */
export const make: SignerService = {
  sign: (request, credentials, scope, signingDate) =>
    Effect.sync(() =>
      SigV4.sign(
        request,
        {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: Redacted.value(credentials.secretAccessKey),
          sessionToken: credentials.sessionToken === undefined
            ? undefined
            : Redacted.value(credentials.sessionToken)
        },
        scope,
        signingDate
      )
    )
}

/** Provides `Signer` with the `node:crypto` implementation. */
export const layer: Layer.Layer<Signer> = Layer.succeed(Signer, make)
