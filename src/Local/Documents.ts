/**
 * The stringified JSON documents the local AmplifyBackend answers with: the project's feature
 * flags and its meta config (`GetBackend`), and the data models generated from an API's GraphQL
 * schema (`GenerateBackendAPIModels` / `GetBackendAPIModels`). Deterministic, and free of any
 * secret: they name resources, never their settings.
 */

/** The feature flags of every local project: a stringified `cli.json`. */
export const featureFlags: string = JSON.stringify({
  features: {
    graphqltransformer: { transformerversion: 2, useexperimentalpipelinedtransformer: true },
    auth: { enablecaseinsensitivity: true, useinclusiveterminology: true },
    project: { overrides: true }
  }
})

/** What the meta config of an environment describes. */
export interface MetaInput {
  readonly appId: string
  readonly environment: string
  readonly auth: { readonly name: string; readonly imported: boolean } | undefined
  readonly storage:
    | { readonly name: string; readonly bucketName: string; readonly imported: boolean }
    | undefined
  readonly apis: ReadonlyArray<{ readonly name: string; readonly service: string | undefined }>
}

const serviceType = (imported: boolean) => (imported ? "imported" : "managed")

/** The meta config of an environment: a stringified `amplify-meta.json`. */
export const metaConfig = (input: MetaInput): string => {
  const meta: Record<string, unknown> = {
    providers: {
      awscloudformation: {
        AmplifyAppId: input.appId,
        StackName: `amplify-${input.appId}-${input.environment}`
      }
    }
  }
  if (input.auth !== undefined) {
    meta.auth = {
      [input.auth.name]: {
        service: "Cognito",
        providerPlugin: "awscloudformation",
        serviceType: serviceType(input.auth.imported)
      }
    }
  }
  if (input.storage !== undefined) {
    meta.storage = {
      [input.storage.name]: {
        service: "S3",
        providerPlugin: "awscloudformation",
        serviceType: serviceType(input.storage.imported),
        output: { BucketName: input.storage.bucketName }
      }
    }
  }
  if (input.apis.length > 0) {
    meta.api = Object.fromEntries(
      input.apis.map((api) => [
        api.name,
        { service: api.service ?? "AppSync", providerPlugin: "awscloudformation" }
      ])
    )
  }
  return JSON.stringify(meta)
}

interface Field {
  readonly name: string
  readonly type: string
  readonly isRequired: boolean
  readonly isArray: boolean
}

const modelPattern = /\btype\s+([A-Za-z_]\w*)\s*(@model\b[^{]*)?\{([^}]*)\}/g
// name, optional (arguments), colon, then `Type`, `Type!`, `[Type]`, `[Type!]!` and so on.
const fieldPattern = new RegExp(
  String.raw`^\s*([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*:\s*(\[)?\s*([A-Za-z_]\w*)\s*(!)?\s*(\])?\s*(!)?`
)

const parseField = (line: string): Field | undefined => {
  const match = fieldPattern.exec(line)
  if (match === null) return undefined
  const [, name = "", open, type = "", innerBang, , outerBang] = match
  const isArray = open === "["
  return { name, type, isArray, isRequired: (isArray ? outerBang : innerBang) === "!" }
}

/** The `@model` types of a GraphQL schema with their fields, in the order they appear. */
const parseModels = (schema: string) => {
  const models: Record<string, { name: string; fields: Record<string, Field> }> = {}
  for (const match of schema.matchAll(modelPattern)) {
    const [, name, directive, body] = match
    if (name === undefined || directive === undefined) continue
    const fields = (body ?? "")
      .split("\n")
      .map(parseField)
      .filter((field): field is Field => field !== undefined)
    models[name] = { name, fields: Object.fromEntries(fields.map((f) => [f.name, f])) }
  }
  return models
}

/** The generated models of an API, as `GetBackendAPIModels` answers with them. */
export interface GeneratedModels {
  /** Stringified JSON of the DataStore models. */
  readonly models: string
  /** Stringified JSON of the model introspection schema. */
  readonly introspection: string
}

/** Generates the models of an API from its transform schema (none when it has none). */
export const generateModels = (transformSchema: string | undefined): GeneratedModels => {
  const models = parseModels(transformSchema ?? "")
  return {
    models: JSON.stringify({ models }),
    introspection: JSON.stringify({ version: 1, models, enums: {}, nonModels: {} })
  }
}
