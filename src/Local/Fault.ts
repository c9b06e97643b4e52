/**
 * The modelled errors the local AmplifyBackend answers with, and short constructors for the
 * handlers' synchronous steps (which are `Either`s).
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"

/**
 * A modelled error the service answers with; the protocol side turns it into the HTTP status
 * and JSON body. Messages name what was not found or what is wrong, never a secret value.
 */
export class LocalFault extends Data.TaggedError("LocalFault")<{
  readonly code:
    | "BadRequestException"
    | "NotFoundException"
    | "TooManyRequestsException"
    | "GatewayTimeoutException"
  readonly message: string
  /** NotFoundException's ResourceType. */
  readonly resourceType?: string
  /** TooManyRequestsException's LimitType. */
  readonly limitType?: string
}> {}

/** A step of a handler: its value, or the fault it answers with. */
export type Step<A> = Either.Either<A, LocalFault>

/** A NotFoundException of the given resource type. */
export const notFound = (resourceType: string, message: string): Step<never> =>
  Either.left(new LocalFault({ code: "NotFoundException", message, resourceType }))

/** A BadRequestException. */
export const badRequest = (message: string): Step<never> =>
  Either.left(new LocalFault({ code: "BadRequestException", message }))

/** A TooManyRequestsException for the given limit. */
export const tooManyRequests = (limitType: string, message: string): Step<never> =>
  Either.left(new LocalFault({ code: "TooManyRequestsException", message, limitType }))
