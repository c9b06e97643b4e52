/** What a worker drives: one client, called from closed-loop workers. */
import type { Op } from "../workload.js"

export interface Driver {
  /**
   * Makes `calls` calls of `op` from `concurrency` closed-loop workers: each worker waits for
   * its call to finish before it takes the next one, until `calls` have been made. Worker `w`
   * has its own `CreateBackendAuth` environment, so its calls never overlap another's.
   */
  readonly run: (op: Op, concurrency: number, calls: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** Runs `calls` calls from `concurrency` async loops that share the count. */
export const closedLoops = async (
  concurrency: number,
  calls: number,
  call: (w: number) => Promise<unknown>
): Promise<void> => {
  let taken = 0
  const loop = async (w: number) => {
    while (taken < calls) {
      taken++
      await call(w)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)))
}
