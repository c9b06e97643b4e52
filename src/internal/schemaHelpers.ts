/**
 * Small schema builders the generated shapes are written with. Each is a plain function so the
 * generated module stays tree-shakable: a bundle keeps only the shapes its operations use.
 */
import * as Schema from "effect/Schema"

/** Names a schema, so validation messages speak of `CreateBackendRequest`, not of its fields. */
export const identified = <S extends Schema.Schema.Any>(schema: S, identifier: string): S =>
  schema.annotations({ identifier }) as S

/** A shape the model marks sensitive: validation messages never show its values. */
export const sensitive = <S extends Schema.Schema.Any>(schema: S, identifier: string): S =>
  schema.annotations({
    identifier,
    message: () => ({ message: `Invalid ${identifier} (values not shown: the shape is sensitive)`, override: true })
  }) as S

/** A string member of a sensitive shape. */
export const SensitiveString = Schema.String.annotations({
  message: () => ({ message: "Expected a string (value not shown: sensitive)", override: true })
})

/** An integer within the model's `range` trait. */
export const intInRange = (min: number | undefined, max: number | undefined) =>
  Schema.Int.pipe(
    Schema.filter((n) => (min === undefined || n >= min) && (max === undefined || n <= max), {
      message: (issue) =>
        `Expected an integer ${rangeText(min, max)}, actual ${String(issue.actual)}`
    })
  )

const rangeText = (min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined
    ? `from ${min} to ${max}`
    : min !== undefined
    ? `of at least ${min}`
    : `of at most ${String(max)}`

/**
 * A member bound to a URI label. It must name one path segment: an empty value, `.` or `..`
 * would make the request address a different resource, so they are refused before sending.
 */
export const Label = Schema.String.pipe(
  Schema.filter((s) => s !== "" && s !== "." && s !== "..", {
    message: (issue) =>
      `Expected a URI label value that is not empty, "." or "..", actual ${JSON.stringify(issue.actual)}`
  })
)

/**
 * An enum read from a response: the model's values are known, and a value the model does not
 * know yet is kept as its string instead of failing the call.
 */
export const openEnum = <const Known extends readonly [string, ...Array<string>]>(
  known: Schema.Literal<Known>,
  identifier: string
): Schema.Schema<Known[number] | (string & {}), string> =>
  // The union's type is `string`; the declared type keeps the known values for completion.
  Schema.Union(known, Schema.String).annotations({ identifier }) as unknown as Schema.Schema<
    Known[number] | (string & {}),
    string
  >
