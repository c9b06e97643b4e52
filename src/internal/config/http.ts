/**
 * One small HTTP helper for the providers: a request with a per-attempt timeout and a bounded
 * number of retries (on transport failures, timeouts and 5xx answers), through the
 * `HttpClient` in context.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** A response, its body read as text. */
export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** No response: the connection failed or the time ran out. */
export class HttpFailure extends Data.TaggedError("HttpFailure")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** How hard to try. */
export interface Policy {
  readonly timeout: Duration.Duration
  readonly retries: number
}

/** The URL without its query string, for messages. */
const shown = (url: string): string => {
  const at = url.indexOf("?")
  return at === -1 ? url : url.slice(0, at)
}

/** Sends a request; 5xx answers are retried and, once retries are spent, returned. */
export const send = (
  request: HttpClientRequest.HttpClientRequest,
  policy: Policy
): Effect.Effect<Response, HttpFailure, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => {
    const http = HttpClient.withTracerPropagation(client, false)
    const target = `${request.method} ${shown(request.url)}`
    const once: Effect.Effect<Response, HttpFailure> = http.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (body): Response => ({
          status: response.status,
          headers: response.headers,
          body
        }))
      ),
      Effect.mapError((cause) =>
        new HttpFailure({ message: `${target} failed: ${cause.message}`, cause })
      ),
      Effect.timeoutFail({
        duration: policy.timeout,
        onTimeout: () =>
          new HttpFailure({
            message: `${target}: no response within ${Duration.format(policy.timeout)}`
          })
      })
    )
    const attempt = (n: number): Effect.Effect<Response, HttpFailure> =>
      Effect.matchEffect(once, {
        onFailure: (error) => (n < policy.retries ? attempt(n + 1) : Effect.fail(error)),
        onSuccess: (response) =>
          response.status >= 500 && n < policy.retries ? attempt(n + 1) : Effect.succeed(response)
      })
    return attempt(0)
  })

/** The first `max` characters of a body, on one line, for messages about unexpected answers. */
export const excerpt = (body: string, max = 200): string => {
  const flat = body.replace(/\s+/g, " ").trim()
  return flat.length > max ? flat.slice(0, max) + "..." : flat
}
