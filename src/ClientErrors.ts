/**
 * Errors the client raises itself, beside the model's exceptions: every way a call can fail
 * has a tag, so `Effect.catchTag` handles each kind precisely.
 */
import * as Schema from "effect/Schema"
import { ResponseMetadata } from "./Schema/Metadata.js"

/** The input failed its Schema (a missing required member, a wrong type, a bad label...). No request was sent. */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  operation: Schema.String,
  message: Schema.String,
  /** One entry per problem: where in the input, and what is wrong. */
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
}) {}

/**
 * The service answered with an error the model does not name (AccessDeniedException,
 * UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException, a proxy's 502...).
 * `code` is the error code the service sent, or the HTTP status when it sent none.
 */
export class ServiceError extends Schema.TaggedError<ServiceError>()("ServiceError", {
  operation: Schema.String,
  code: Schema.String,
  message: Schema.String,
  $fault: Schema.Literal("client", "server"),
  $metadata: ResponseMetadata
}) {}

/** A successful response whose body did not match the operation's output Schema. */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  operation: Schema.String,
  message: Schema.String,
  /** The start of the raw body, at most 1 KiB. */
  bodyExcerpt: Schema.String,
  $metadata: ResponseMetadata,
  cause: Schema.optional(Schema.Unknown)
}) {}

/**
 * The request did not get a response: a refused or reset connection, a DNS failure, a body cut
 * short. `outcomeUnknown` is true when the request may have reached the service, so a mutation
 * may or may not have been applied.
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  operation: Schema.String,
  message: Schema.String,
  /**
   * `Transport`: the connection failed or was reset; `ResponseBody`: the response was cut short;
   * `ResponseTooLarge`: the response body was larger than the HTTP client accepts (never
   * retried); `Encode` / `InvalidUrl`: the request could not be built (never sent, never retried).
   */
  reason: Schema.Literal("Transport", "ResponseBody", "ResponseTooLarge", "Encode", "InvalidUrl"),
  outcomeUnknown: Schema.Boolean,
  $metadata: ResponseMetadata,
  cause: Schema.optional(Schema.Unknown)
}) {}

/** A setting the client needs is missing or invalid; `setting` names what to set. */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  setting: Schema.String,
  message: Schema.String
}) {}

/**
 * An attempt (`scope: "attempt"`) or the whole call (`scope: "call"`) ran out of time. The
 * request was aborted; when it had been sent, its outcome is unknown.
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  operation: Schema.String,
  message: Schema.String,
  scope: Schema.Literal("attempt", "call"),
  timeoutMillis: Schema.Number,
  outcomeUnknown: Schema.Boolean,
  $metadata: ResponseMetadata
}) {}
