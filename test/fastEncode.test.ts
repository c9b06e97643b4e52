import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { operations } from "../src/AmplifyBackend.js"
import { compileEncoder } from "../src/internal/fastEncode.js"

const options = { errors: "all", onExcessProperty: "error" } as const
const wrongValues: ReadonlyArray<unknown> = [1, "x", true, null, [], {}, undefined, 1.5, "NaN", Number.NaN]

/** Every (container, key) place inside a JSON-like value. */
const places = (v: unknown, out: Array<readonly [Record<PropertyKey, unknown>, PropertyKey]> = []) => {
  if (typeof v === "object" && v !== null) {
    for (const key of Object.keys(v)) {
      out.push([v as Record<PropertyKey, unknown>, Array.isArray(v) ? Number(key) : key])
      places((v as Record<PropertyKey, unknown>)[key], out)
    }
  }
  return out
}

describe("the compiled input encoder", () => {
  for (const [name, op] of Object.entries(operations)) {
    const schema = op.spec.input as Schema.Schema<unknown, object>
    const slow = Schema.encodeUnknownEither(schema, options)
    const fast = compileEncoder(schema)

    it(`${name}: compiles, gives the Schema's bytes for valid inputs and refuses broken ones`, () => {
      expect(fast, "every generated input shape compiles").toBeDefined()
      const arbitrary = Arbitrary.make(schema)
      FastCheck.assert(
        FastCheck.property(arbitrary, FastCheck.nat(), FastCheck.nat(), (input, where, what) => {
          const expected = slow(input)
          expect(Either.isRight(expected)).toBe(true)
          expect(JSON.stringify(fast!(input))).toBe(JSON.stringify(Either.getOrThrow(expected)))
          const broken = structuredClone(input) as Record<PropertyKey, unknown>
          const all = places(broken)
          if (what % 3 === 0 || all.length === 0) broken.UnknownMember = 1
          else {
            const [container, key] = all[where % all.length]!
            if (what % 3 === 1) container[key] = wrongValues[where % wrongValues.length]
            else delete container[key]
          }
          if (Either.isLeft(slow(broken))) expect(fast!(broken)).toBeUndefined()
        }),
        { numRuns: 60, seed: 0x5eed }
      )
    })
  }
})
