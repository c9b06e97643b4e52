/**
 * The client-side rate limiter of the AWS "adaptive" retry mode: a token bucket whose fill rate
 * follows CUBIC, cut back on throttling and grown again on success. It does nothing until the
 * first throttling response.
 */

const smoothing = 0.8
const beta = 0.7
const scaleConstant = 0.4
const minFillRate = 0.5
const minCapacity = 1

export class AdaptiveRateLimiter {
  private fillRate = 0
  private maxCapacity = 0
  private currentCapacity = 0
  private lastTimestamp: number | undefined
  private enabled = false
  private lastMaxRate = 0
  private lastThrottleTime: number
  private timeWindow = 0
  private measuredTxRate = 0
  private lastTxRateBucket: number
  private requestCount = 0

  constructor(nowSeconds: number) {
    this.lastThrottleTime = nowSeconds
    this.lastTxRateBucket = Math.floor(nowSeconds)
  }

  /**
   * Takes a token; answers how many seconds to wait first (0 when one is at hand). Callers that
   * arrive while others wait queue behind them: the bucket's clock (`lastTimestamp`) then runs
   * ahead of `nowSeconds`, up to the moment the last waiter's token is ready.
   */
  acquire(nowSeconds: number): number {
    if (!this.enabled) return 0
    this.refill(nowSeconds)
    if (this.currentCapacity >= 1) {
      this.currentCapacity -= 1
      return 0
    }
    const from = Math.max(nowSeconds, this.lastTimestamp ?? nowSeconds)
    const ready = from + (1 - this.currentCapacity) / this.fillRate
    this.currentCapacity = 0
    this.lastTimestamp = ready
    return ready - nowSeconds
  }

  /** Records the outcome of a response: throttled or not. */
  update(nowSeconds: number, throttled: boolean): void {
    this.updateMeasuredRate(nowSeconds)
    let calculated: number
    if (throttled) {
      const rateToUse = this.enabled ? Math.min(this.measuredTxRate, this.fillRate) : this.measuredTxRate
      this.lastMaxRate = rateToUse
      this.computeTimeWindow()
      this.lastThrottleTime = nowSeconds
      calculated = rateToUse * beta
      this.enabled = true
    } else {
      this.computeTimeWindow()
      calculated = scaleConstant * Math.pow(nowSeconds - this.lastThrottleTime - this.timeWindow, 3) + this.lastMaxRate
    }
    this.setRate(nowSeconds, Math.min(calculated, 2 * this.measuredTxRate))
  }

  /** The current fill rate in requests per second (0 until the limiter is enabled). */
  get rate(): number {
    return this.enabled ? this.fillRate : 0
  }

  private refill(nowSeconds: number): void {
    if (this.lastTimestamp === undefined) {
      this.lastTimestamp = nowSeconds
      return
    }
    const added = Math.max(0, nowSeconds - this.lastTimestamp) * this.fillRate
    this.currentCapacity = Math.min(this.maxCapacity, this.currentCapacity + added)
    this.lastTimestamp = Math.max(this.lastTimestamp, nowSeconds)
  }

  private computeTimeWindow(): void {
    this.timeWindow = Math.cbrt((this.lastMaxRate * (1 - beta)) / scaleConstant)
  }

  private setRate(nowSeconds: number, rate: number): void {
    this.refill(nowSeconds)
    this.fillRate = Math.max(rate, minFillRate)
    this.maxCapacity = Math.max(rate, minCapacity)
    this.currentCapacity = Math.min(this.currentCapacity, this.maxCapacity)
  }

  private updateMeasuredRate(nowSeconds: number): void {
    const bucket = Math.floor(nowSeconds * 2) / 2
    this.requestCount++
    if (bucket > this.lastTxRateBucket) {
      const current = this.requestCount / (bucket - this.lastTxRateBucket)
      this.measuredTxRate = current * smoothing + this.measuredTxRate * (1 - smoothing)
      this.requestCount = 0
      this.lastTxRateBucket = bucket
    }
  }
}
