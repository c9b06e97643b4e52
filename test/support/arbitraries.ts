/**
 * Inputs and wire bodies for the differential tests: property-based values from our Schemas,
 * label values full of characters that need percent-encoding, and JSON rewrites (unknown members
 * added, members set to null).
 */
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import type { Spec } from "../../src/internal/operation.js"

/** Characters a label may hold that `encodeURIComponent` alone gets wrong or that are tricky. */
export const labelPieces: ReadonlyArray<string> = [
  " ", "/", "@", "=", "é", "😀", "!", "'", "(", ")", "*", "%", "+", "?", "#", "&", ":", ";", ",",
  "$", "~", ".", "-", "_", "a", "Z", "0", "中", "\u00a0", "\t", "\"", "[", "]", "{", "}", "\\",
  "^", "`", "|", "<", ">", "e\u0301", "👩‍👩‍👧"
]

/** Label values seen in every run, whatever the generator draws. */
export const fixedLabels: ReadonlyArray<string> = [
  "a b", "a/b", "user@example.com", "k=v", "café", "😀", "!'()*", "a b/c@d=é😀!'()*", "%2F",
  "a+b", "...", ".a", "a.", "~user", "100%"
]

/** A label value: never empty, `.` or `..` (our client refuses those, tested separately). */
export const labelValue: FastCheck.Arbitrary<string> = FastCheck.oneof(
  FastCheck.constantFrom(...fixedLabels),
  FastCheck.array(FastCheck.constantFrom(...labelPieces), { minLength: 1, maxLength: 12 })
    .map((parts) => parts.join("")),
  FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 8 })
).filter((s) => s !== "." && s !== "..")

/** A JSON object, as parsed from a body. */
export type JsonObject = { [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/**
 * Inputs for an operation: drawn from its input Schema, with most label members replaced by
 * values full of reserved and non-ASCII characters.
 */
export const inputArbitrary = (spec: Spec): FastCheck.Arbitrary<JsonObject> => {
  const base = Arbitrary.make(spec.input) as FastCheck.Arbitrary<unknown>
  const asObject = base.map((value): JsonObject => (isObject(value) ? value : {}))
  if (spec.labels.length === 0) return asObject
  const overrides: Record<string, FastCheck.Arbitrary<string | undefined>> = {}
  for (const label of spec.labels) {
    overrides[label] = FastCheck.option(labelValue, { nil: undefined, freq: 4 })
  }
  return FastCheck.tuple(asObject, FastCheck.record(overrides)).map(([input, labels]) => {
    const out: JsonObject = { ...input }
    for (const [label, value] of Object.entries(labels)) if (value !== undefined) out[label] = value
    return out
  })
}

/** One valid input per operation, drawn with a fixed seed. */
export const sampleInput = (spec: Spec, seed: number): JsonObject => {
  const [input] = FastCheck.sample(inputArbitrary(spec), { numRuns: 1, seed })
  if (input === undefined) throw new Error(`no sample input for ${spec.name}`)
  return input
}

/** Output values for an operation, with the JSON body the service would send for each. */
export const outputArbitrary = (
  spec: Spec
): FastCheck.Arbitrary<{ readonly value: unknown; readonly wire: string }> => {
  const encode = Schema.encodeSync(spec.output as Schema.Schema<unknown, unknown>)
  return (Arbitrary.make(spec.output) as FastCheck.Arbitrary<unknown>).map((value) => ({
    value,
    wire: JSON.stringify(encode(value))
  }))
}

/** A member of a structure Schema, on its Type side. */
export interface MemberInfo {
  readonly name: string
  readonly optional: boolean
}

/** The members of a structure Schema (an operation's input), with whether each is optional. */
export const membersOf = (schema: Schema.Schema.AnyNoContext): ReadonlyArray<MemberInfo> => {
  const ast = SchemaAST.typeAST(schema.ast)
  if (!SchemaAST.isTypeLiteral(ast)) throw new Error(`not a structure: ${String(ast)}`)
  return ast.propertySignatures.map((p) => ({ name: String(p.name), optional: p.isOptional }))
}

/** Adds members no model knows, to every object of a JSON value. */
export const withUnknownMembers = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withUnknownMembers)
  if (!isObject(value)) return value
  const out: JsonObject = {}
  for (const [key, item] of Object.entries(value)) out[key] = withUnknownMembers(item)
  out["zzUnknownMember"] = { nested: [1, "two", null, { deeper: true }] }
  out["UnknownScalar"] = "surprise"
  return out
}

/**
 * Sets every other member of every object to `null` (counting from the second), and returns
 * the rewritten value with the same members removed, which must decode the same.
 */
export const withNullMembers = (
  value: unknown
): { readonly nulled: unknown; readonly removed: unknown } => {
  if (Array.isArray(value)) {
    const parts = value.map(withNullMembers)
    return { nulled: parts.map((p) => p.nulled), removed: parts.map((p) => p.removed) }
  }
  if (!isObject(value)) return { nulled: value, removed: value }
  const nulled: JsonObject = { zzAddedNull: null }
  const removed: JsonObject = {}
  Object.entries(value).forEach(([key, item], index) => {
    if (index % 2 === 1) {
      nulled[key] = null
    } else {
      const inner = withNullMembers(item)
      nulled[key] = inner.nulled
      removed[key] = inner.removed
    }
  })
  return { nulled, removed }
}
