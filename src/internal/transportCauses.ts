/**
 * Causes an HTTP client can attach to its errors to tell the client more than the platform's
 * error reasons say. `Layer/Client.ts` reads them when it turns the error into a `TransportError`.
 */

/**
 * A transport failure that an HTTP client knows happened before any byte of the request was
 * written (`LeanHttpClient` knows it: undici had not started the request). The client reports
 * such a failure with `outcomeUnknown: false`.
 */
export class RequestNotSent extends Error {
  override readonly name = "RequestNotSent"
  /** The code of the underlying error, when it has one (`UND_ERR_DESTROYED`, ...). */
  readonly code: string | undefined

  constructor(cause: unknown) {
    super(`the request was not sent: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    const code = (cause as { code?: unknown } | null)?.code
    this.code = typeof code === "string" ? code : undefined
  }
}

/**
 * A response body larger than the HTTP client accepts (`LeanHttpClient`'s `maxResponseBytes`).
 * The client reports it as a `TransportError` with reason `ResponseTooLarge`, never retried: the
 * same answer would be refused again.
 */
export class ResponseTooLarge extends Error {
  override readonly name = "ResponseTooLarge"

  constructor(readonly limitBytes: number) {
    super(`the response body is larger than ${limitBytes} bytes`)
  }
}
