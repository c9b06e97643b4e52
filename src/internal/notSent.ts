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
