/**
 * Which failures may be retried, the retry quota, and clock-skew detection: the rules of the
 * AWS SDKs' retry behaviour, kept apart from the loop in `Layer/Client.ts` that applies them.
 */
import type { RetryKind } from "../Layer/Retry.js"

const throttlingCodes = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "RequestThrottled",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException"
])

const transientCodes = new Set([
  "GatewayTimeoutException",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException"
])

const transientStatuses = new Set([500, 502, 503, 504])

/** Codes with which a service says the request's time is too far from its own. */
export const clockSkewCodes: ReadonlySet<string> = new Set([
  "AuthFailure",
  "InvalidSignatureException",
  "RequestExpired",
  "RequestInTheFuture",
  "RequestTimeTooSkewed",
  "SignatureDoesNotMatch"
])

/** What the classifier needs of an error. */
export interface Classifiable {
  readonly _tag: string
  readonly code?: string
  readonly reason?: string
  readonly $metadata?: { readonly httpStatusCode?: number | undefined }
}

/** Why a failure may be retried, or undefined when it may not. Clock skew is decided apart. */
export const classify = (error: Classifiable): RetryKind | undefined => {
  const code = error._tag === "ServiceError" ? error.code : error._tag
  const status = error.$metadata?.httpStatusCode
  if (code !== undefined && throttlingCodes.has(code)) return "throttling"
  if (status === 429) return "throttling"
  if (error._tag === "TimeoutError") return "timeout"
  if (error._tag === "TransportError") {
    return error.reason === "Encode" || error.reason === "InvalidUrl" || error.reason === "ResponseTooLarge"
      ? undefined
      : "transient"
  }
  if (code !== undefined && transientCodes.has(code)) return "transient"
  if (error._tag === "ServiceError" && status !== undefined && transientStatuses.has(status)) return "transient"
  return undefined
}

/** The retry quota shared by the calls of one client. */
export class RetryQuota {
  private available: number

  constructor(readonly capacity: number, readonly retryCost = 5, readonly timeoutCost = 10) {
    this.available = capacity
  }

  /** Takes the cost of a retry; answers the tokens taken, or undefined when the quota is spent. */
  acquire(kind: RetryKind): number | undefined {
    if (this.capacity <= 0) return 0
    const cost = kind === "timeout" ? this.timeoutCost : this.retryCost
    if (this.available < cost) return undefined
    this.available -= cost
    return cost
  }

  /** A call succeeded: give back what its last retry took, or 1 when it made none. */
  release(taken: number | undefined): void {
    if (this.capacity <= 0) return
    this.available = Math.min(this.capacity, this.available + (taken === undefined || taken === 0 ? 1 : taken))
  }

  get tokens(): number {
    return this.available
  }
}

const amzDate = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/g

const parseAmz = (m: RegExpMatchArray): number =>
  Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)

/**
 * The service's time, from the response's `Date` header or, without one, from the error message
 * (AWS writes its own time in parentheses: "... (20240101T120000Z - 15 min.)").
 */
export const serverTime = (dateHeader: string | undefined, message: string | undefined): number | undefined => {
  if (dateHeader !== undefined) {
    const t = Date.parse(dateHeader)
    if (plausible(t)) return t
  }
  if (message === undefined) return undefined
  const inParentheses = /\(([^)]*)\)/.exec(message)
  const source = inParentheses?.[1] ?? message
  const matches = [...source.matchAll(amzDate)]
  const last = matches[matches.length - 1]
  const t = last === undefined ? undefined : parseAmz(last)
  return t !== undefined && plausible(t) ? t : undefined
}

/** A time x-amz-date can carry: years 1 to 9999 (it has four year digits). */
const plausible = (t: number): boolean => Number.isFinite(t) && t >= -62135596800000 && t < 253402300800000

/** Clock differences smaller than this are left alone. */
export const skewThresholdMillis = 5 * 60 * 1000
