/** The bench's side-by-side check of the compiled encoder against the Schema. */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { compileEncoder } from "../src/internal/fastEncode.js"

export { compileEncoder }

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The fast path with the Schema behind it, as `restJson1.ts` could use it. */
export const withFallback = (
  schema: Schema.Schema.AnyNoContext,
  slow: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
) => {
  const fast = compileEncoder(schema)
  return (input: unknown): Either.Either<unknown, ParseResult.ParseError> => {
    const out = fast?.(input)
    return out === undefined ? slow(input) : Either.right(out)
  }
}

export interface EquivalenceCheck {
  /** Random valid inputs (every operation): the compiled encoder must give the Schema's bytes. */
  readonly valid: number
  readonly identical: number
  /** Valid inputs the compiled encoder left to the Schema. */
  readonly fellBack: number
  /** Random inputs made invalid (a member added, changed or removed): it must refuse them. */
  readonly invalid: number
  readonly invalidAccepted: number
}

/** Child nodes of a JSON-like value, as (container, key) pairs. */
const slots = (v: unknown, out: Array<readonly [Record<PropertyKey, unknown>, PropertyKey]> = []) => {
  if (typeof v === "object" && v !== null) {
    for (const key of Object.keys(v)) {
      out.push([v as Record<PropertyKey, unknown>, Array.isArray(v) ? Number(key) : key])
      slots((v as Record<PropertyKey, unknown>)[key], out)
    }
  }
  return out
}

const wrongValues: ReadonlyArray<unknown> = [1, "x", true, null, [], {}, undefined, 1.5, "NaN"]

/**
 * Runs the compiled encoder and the Schema side by side on `samples` inputs per Schema drawn by
 * `draw`, then on the same inputs broken at one random place.
 */
export const checkEquivalence = (
  schemas: ReadonlyArray<{
    readonly fast: (u: unknown) => object | undefined
    readonly slow: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
    readonly samples: ReadonlyArray<unknown>
  }>
): EquivalenceCheck => {
  let seed = 20250101
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  const result = { valid: 0, identical: 0, fellBack: 0, invalid: 0, invalidAccepted: 0 }
  for (const { fast, slow, samples } of schemas) {
    for (const sample of samples) {
      const expected = slow(sample)
      if (Either.isRight(expected)) {
        result.valid++
        const out = fast(sample)
        if (out === undefined) result.fellBack++
        else if (JSON.stringify(out) === JSON.stringify(expected.right)) result.identical++
      }
      const broken = structuredClone(sample)
      const all = slots(broken)
      const what = random(3)
      if (what === 0 || all.length === 0) {
        const objects = [broken, ...all.map(([c, k]) => c[k])].filter(isRecord)
        if (objects.length > 0) objects[random(objects.length)]!["UnknownMember"] = 1
      } else {
        const [container, key] = all[random(all.length)]!
        if (what === 1) container[key] = wrongValues[random(wrongValues.length)]
        else if (Array.isArray(container)) container.push(wrongValues[random(wrongValues.length)])
        else delete container[key]
      }
      if (Either.isLeft(slow(broken))) {
        result.invalid++
        if (fast(broken) !== undefined) result.invalidAccepted++
      }
    }
  }
  return result
}
