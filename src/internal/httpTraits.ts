/**
 * What an `HttpClient` can declare about itself, so the client can skip work that only other
 * HTTP clients need. Only this package's own clients declare anything.
 */

/**
 * Set (to `true`) on an `HttpClient` that never follows redirects and never records spans or
 * sends trace headers: the client then sends through it as it is, without the per-request
 * wrappers that turn those off (`LeanHttpClient` sets it).
 */
export const plainHttpClient: unique symbol = Symbol.for("amplifybackend-effect/HttpClient/plain")

export const isPlain = (client: object): boolean => (client as { [plainHttpClient]?: unknown })[plainHttpClient] === true
