/**
 * The handlers of an environment's resources: auth (create, import, read, update, delete),
 * S3 storage (the same) and API resources (create, read, update, delete, and their generated
 * models). Mutations start a job; reads answer with what was stored.
 */
import * as Either from "effect/Either"
import type { BackendStoragePermissionsOutput } from "../Schema/Shapes.js"
import * as Auth from "./Auth.js"
import * as Documents from "./Documents.js"
import { badRequest } from "./Fault.js"
import type { Handlers } from "./Service.js"
import type * as State from "./State.js"
import { brief, checkName, checkNotEmpty, type Context, type Steps } from "./Steps.js"

/** The operations on an environment's auth, storage and API resources. */
export type ResourceOperation =
  | "CreateBackendAPI"
  | "DeleteBackendAPI"
  | "GenerateBackendAPIModels"
  | "GetBackendAPI"
  | "GetBackendAPIModels"
  | "UpdateBackendAPI"
  | "CreateBackendAuth"
  | "DeleteBackendAuth"
  | "GetBackendAuth"
  | "ImportBackendAuth"
  | "UpdateBackendAuth"
  | "CreateBackendStorage"
  | "DeleteBackendStorage"
  | "GetBackendStorage"
  | "ImportBackendStorage"
  | "UpdateBackendStorage"

/** How `GetBackendStorage` describes a storage resource. */
const storageConfig = (storage: State.StorageResource) => ({
  BucketName: storage.bucketName,
  Imported: storage.imported,
  ServiceName: "S3",
  ...(storage.permissions && { Permissions: storage.permissions })
})

const storageExists = (storage: State.StorageResource, env: State.Environment) =>
  `Environment "${env.name}" already has a storage resource ("${storage.resourceName}")`

/** The bucket of a storage resource created without a bucket name. */
const generatedBucketName = (resourceName: string, suffix: string, environment: string) =>
  `${resourceName.toLowerCase()}${suffix}-${environment.toLowerCase()}`

const newStorage = (
  resourceName: string,
  bucketName: string,
  permissions: BackendStoragePermissionsOutput | undefined,
  imported: boolean,
  now: number
): State.StorageResource => ({ resourceName, bucketName, permissions, imported, createdAt: now })

/** Builds the resource handlers. */
export const makeResourceHandlers = (
  ctx: Context,
  steps: Steps
): Pick<Handlers, ResourceOperation> => {
  const { ids } = ctx
  const { atomic, environmentJob, findApi, findAuth, findEnvironment, findStorage } = steps
  return {
    CreateBackendAPI: (input) =>
      atomic("CreateBackendAPI", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const name = yield* checkName("ResourceName", input.ResourceName)
          if (env.apis.has(name)) {
            return yield* badRequest(
              `Environment "${env.name}" already has an API resource "${name}"`
            )
          }
          const receipt = environmentJob(now, app, env, "CreateBackendAPI", () => {
            env.apis.set(name, {
              resourceName: name,
              config: input.ResourceConfig,
              models: undefined
            })
          })
          return receipt
        })),

    DeleteBackendAPI: (input) =>
      atomic("DeleteBackendAPI", (now) =>
        Either.gen(function*() {
          const { app, env, api } = yield* findApi(input)
          const receipt = environmentJob(now, app, env, "DeleteBackendAPI", () => {
            env.apis.delete(api.resourceName)
          })
          return receipt
        })),

    GenerateBackendAPIModels: (input) =>
      atomic("GenerateBackendAPIModels", (now) =>
        Either.gen(function*() {
          const { app, env, api } = yield* findApi(input)
          const receipt = environmentJob(now, app, env, "GenerateBackendAPIModels", () => {
            const generated = Documents.generateModels(api.config.TransformSchema)
            env.apis.set(api.resourceName, { ...api, models: { ...generated, status: "LATEST" } })
          })
          return receipt
        })),

    GetBackendAPI: (input) =>
      atomic("GetBackendAPI", () =>
        Either.map(findApi(input), ({ app, env, api }) => ({
          AppId: app.appId,
          BackendEnvironmentName: env.name,
          ResourceConfig: api.config,
          ResourceName: api.resourceName
        }))),

    GetBackendAPIModels: (input) =>
      atomic("GetBackendAPIModels", () =>
        Either.map(findApi(input), ({ api }) =>
          api.models === undefined
            // Never generated: nothing matches the schema yet.
            ? { Status: "STALE" }
            : {
              Models: api.models.models,
              ModelIntrospectionSchema: api.models.introspection,
              Status: api.models.status
            })),

    UpdateBackendAPI: (input) =>
      atomic("UpdateBackendAPI", (now) =>
        Either.gen(function*() {
          const { app, env, api } = yield* findApi(input)
          const receipt = environmentJob(now, app, env, "UpdateBackendAPI", () => {
            env.apis.set(api.resourceName, {
              ...api,
              config: { ...api.config, ...input.ResourceConfig },
              models: api.models && { ...api.models, status: "STALE" }
            })
          })
          return receipt
        })),

    CreateBackendAuth: (input) =>
      atomic("CreateBackendAuth", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const name = yield* checkName("ResourceName", input.ResourceName)
          if (env.auth !== undefined) {
            return yield* badRequest(
              `Environment "${env.name}" already has an auth resource ("${env.auth.resourceName}")`
            )
          }
          const problem = Auth.problem(input.ResourceConfig, undefined)
          if (problem !== undefined) return yield* badRequest(problem)
          const receipt = environmentJob(now, app, env, "CreateBackendAuth", () => {
            env.auth = { resourceName: name, config: input.ResourceConfig, imported: undefined }
          })
          return receipt
        })),

    DeleteBackendAuth: (input) =>
      atomic("DeleteBackendAuth", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findAuth(input)
          const receipt = environmentJob(now, app, env, "DeleteBackendAuth", () => {
            env.auth = undefined
          })
          return receipt
        })),

    GetBackendAuth: (input) =>
      atomic("GetBackendAuth", () =>
        Either.map(findAuth(input), ({ app, env, auth }) => ({
          AppId: app.appId,
          BackendEnvironmentName: env.name,
          ResourceConfig: auth.config,
          ResourceName: auth.resourceName
        }))),

    ImportBackendAuth: (input) =>
      atomic("ImportBackendAuth", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const userPoolId = yield* checkName("UserPoolId", input.UserPoolId)
          yield* checkName("NativeClientId", input.NativeClientId)
          yield* checkName("WebClientId", input.WebClientId)
          const identityPoolId = yield* checkNotEmpty("IdentityPoolId", input.IdentityPoolId)
          if (env.auth !== undefined) {
            return yield* badRequest(
              `Environment "${env.name}" already has an auth resource ("${env.auth.resourceName}")`
            )
          }
          const imported: State.ImportedAuth = {
            userPoolId,
            identityPoolId,
            nativeClientId: input.NativeClientId,
            webClientId: input.WebClientId
          }
          const receipt = environmentJob(now, app, env, "ImportBackendAuth", () => {
            // An imported auth resource is named after its user pool.
            env.auth = { resourceName: userPoolId, config: Auth.importedConfig(imported), imported }
          })
          return receipt
        })),

    UpdateBackendAuth: (input) =>
      atomic("UpdateBackendAuth", (now) =>
        Either.gen(function*() {
          const { app, env, auth } = yield* findAuth(input)
          if (auth.imported !== undefined) {
            return yield* badRequest(
              `Auth resource "${auth.resourceName}" is imported and cannot be updated`
            )
          }
          const problem = Auth.problem(input.ResourceConfig, auth.config)
          if (problem !== undefined) return yield* badRequest(problem)
          const receipt = environmentJob(now, app, env, "UpdateBackendAuth", () => {
            env.auth = { ...auth, config: Auth.merge(auth.config, input.ResourceConfig) }
          })
          return receipt
        })),

    CreateBackendStorage: (input) =>
      atomic("CreateBackendStorage", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          const name = yield* checkName("ResourceName", input.ResourceName)
          const config = input.ResourceConfig
          const bucket = yield* checkNotEmpty("ResourceConfig.BucketName", config.BucketName)
          if (env.storage !== undefined) return yield* badRequest(storageExists(env.storage, env))
          const bucketName = bucket ?? generatedBucketName(name, ids.hex(6), env.name)
          const permissions = config.Permissions
          const receipt = environmentJob(now, app, env, "CreateBackendStorage", () => {
            env.storage = newStorage(name, bucketName, permissions, false, now)
          })
          return brief(receipt)
        })),

    DeleteBackendStorage: (input) =>
      atomic("DeleteBackendStorage", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findStorage(input)
          const receipt = environmentJob(now, app, env, "DeleteBackendStorage", () => {
            env.storage = undefined
          })
          return brief(receipt)
        })),

    GetBackendStorage: (input) =>
      atomic("GetBackendStorage", () =>
        Either.map(
          findStorage(input),
          ({ app, env, storage }) => ({
            AppId: app.appId,
            BackendEnvironmentName: env.name,
            ResourceConfig: storageConfig(storage),
            ResourceName: storage.resourceName
          })
        )),

    ImportBackendStorage: (input) =>
      atomic("ImportBackendStorage", (now) =>
        Either.gen(function*() {
          const { app, env } = yield* findEnvironment(input.AppId, input.BackendEnvironmentName)
          if (input.BucketName === undefined) {
            return yield* badRequest("BucketName is required to import storage")
          }
          const bucketName = yield* checkName("BucketName", input.BucketName)
          if (env.storage !== undefined) return yield* badRequest(storageExists(env.storage, env))
          const receipt = environmentJob(now, app, env, "ImportBackendStorage", () => {
            // An imported storage resource is named after its bucket.
            env.storage = newStorage(bucketName, bucketName, undefined, true, now)
          })
          return brief(receipt)
        })),

    UpdateBackendStorage: (input) =>
      atomic("UpdateBackendStorage", (now) =>
        Either.gen(function*() {
          const { app, env, storage } = yield* findStorage(input)
          if (storage.imported) {
            return yield* badRequest(
              `Storage resource "${storage.resourceName}" is imported and cannot be updated`
            )
          }
          const receipt = environmentJob(now, app, env, "UpdateBackendStorage", () => {
            env.storage = { ...storage, permissions: input.ResourceConfig.Permissions }
          })
          return brief(receipt)
        }))
  }
}
