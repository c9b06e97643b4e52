/**
 * What an operation is: a description the generic restJson1 codec can run (method, URI
 * template, labels, Schemas, modelled errors), wrapped as a function from input to Effect.
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type {
  ResponseDecodeError,
  ServiceError,
  TimeoutError,
  TransportError,
  ValidationError
} from "../ClientErrors.js"
import type { CredentialsError } from "../Layer/Credentials.js"
import { Client } from "../Layer/Client.js"
import type { ResponseMetadata } from "../Schema/Metadata.js"

/** A modelled exception class, as generated in `Schema/Errors.ts`. */
export interface ErrorClass {
  readonly _tag: string
  readonly httpStatus: number
  readonly wire: Schema.Schema.AnyNoContext
  new (props: never, disableValidation?: boolean): unknown
}

/** The description of one operation, generated from the model. */
export interface Spec<
  In extends Schema.Schema.AnyNoContext = Schema.Schema.AnyNoContext,
  Out extends Schema.Schema.AnyNoContext = Schema.Schema.AnyNoContext,
  Errs extends ReadonlyArray<ErrorClass> = ReadonlyArray<ErrorClass>
> {
  readonly name: string
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly uri: string
  readonly successCode: number
  /** Input members bound to `{Label}` segments of the URI. */
  readonly labels: ReadonlyArray<string>
  /** Whether the input has members that travel in the JSON body. */
  readonly hasBody: boolean
  readonly input: In
  readonly output: Out
  readonly errors: Errs
}

/** The input type of an operation description. */
export type InputOf<S extends Spec> = Schema.Schema.Type<S["input"]>

/** The output type of an operation description, with `$metadata`. */
export type OutputOf<S extends Spec> = Output<Schema.Schema.Type<S["output"]>>

/** The modelled exceptions of an operation description. */
export type ErrorsOf<S extends Spec> = InstanceType<S["errors"][number]>

/** A decoded output with the response metadata the official SDK also attaches. */
export type Output<O> = O & { readonly $metadata: ResponseMetadata }

/** The errors any call can raise besides the operation's modelled exceptions. */
export type ClientError =
  | ValidationError
  | ServiceError
  | ResponseDecodeError
  | TransportError
  | TimeoutError
  | CredentialsError

/** An operation: a function from input to Effect, carrying its description. */
export interface Operation<S extends Spec> {
  (input: InputOf<S>): Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError, Client>
  readonly spec: S
}

/** An operation with its `Client` already supplied: a method of the `AmplifyBackend` service. */
export type Method<Op> = Op extends Operation<infer S>
  ? (input: InputOf<S>) => Effect.Effect<OutputOf<S>, ErrorsOf<S> | ClientError>
  : never

/** Makes an operation from its description. */
export const make = <const S extends Spec>(spec: S): Operation<S> =>
  Object.assign(
    (input: InputOf<S>) => Effect.flatMap(Client, (client) => client.execute(spec, input)),
    { spec }
  )

/** Supplies the `Client` to an operation. */
export const bind = <S extends Spec>(operation: Operation<S>, client: Client["Type"]): Method<Operation<S>> =>
  ((input: InputOf<S>) => client.execute(operation.spec, input)) as Method<Operation<S>>
