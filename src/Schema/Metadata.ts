/** The `$metadata` every output and every service error carries, as the official SDK does. */
import * as Schema from "effect/Schema"

export const ResponseMetadata = Schema.Struct({
  /** The HTTP status of the last response, when one was received. */
  httpStatusCode: Schema.optional(Schema.Number),
  /** `x-amzn-requestid`: quote it to AWS Support. */
  requestId: Schema.optional(Schema.String),
  /** `x-amz-id-2`. */
  extendedRequestId: Schema.optional(Schema.String),
  /** `x-amz-cf-id`, when the response came through CloudFront. */
  cfId: Schema.optional(Schema.String),
  /** How many attempts the call made, the first included. */
  attempts: Schema.Number,
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelay: Schema.Number
})

export interface ResponseMetadata extends Schema.Schema.Type<typeof ResponseMetadata> {}
