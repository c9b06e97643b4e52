/**
 * What the local AmplifyBackend holds in memory, and the read-only snapshot of it that tests
 * inspect. The records of resources are immutable (an update replaces them); only the maps and
 * the per-environment resource slots change, and only inside one synchronous step of a handler.
 */
import type {
  BackendAPIResourceConfigOutput,
  BackendJobRespObj,
  BackendStoragePermissionsOutput,
  CreateBackendAuthResourceConfigOutput,
  LoginAuthConfigReqObjOutput
} from "../Schema/Shapes.js"
import type { GeneratedModels } from "./Documents.js"
import * as Jobs from "./Jobs.js"

/** The Cognito ids an auth resource was imported from. */
export interface ImportedAuth {
  readonly userPoolId: string
  readonly identityPoolId: string | undefined
  readonly nativeClientId: string
  readonly webClientId: string
}

/** An environment's auth resource (at most one per environment). */
export interface AuthResource {
  readonly resourceName: string
  readonly config: CreateBackendAuthResourceConfigOutput
  /** Set when the resource was imported rather than created. */
  readonly imported: ImportedAuth | undefined
}

/** An environment's S3 storage resource (at most one per environment). */
export interface StorageResource {
  readonly resourceName: string
  readonly bucketName: string
  readonly permissions: BackendStoragePermissionsOutput | undefined
  readonly imported: boolean
  /** Clock time (ms) the resource was created or imported. */
  readonly createdAt: number
}

/** Whether an API's generated models still match its schema. */
export type ModelsStatus = "LATEST" | "STALE"

/** An environment's API resource (any number, by resource name). */
export interface ApiResource {
  readonly resourceName: string
  readonly config: BackendAPIResourceConfigOutput
  /** The models last generated, and whether the API changed since. */
  readonly models: (GeneratedModels & { readonly status: ModelsStatus }) | undefined
}

/** A backend environment and its resources. */
export interface Environment {
  readonly name: string
  auth: AuthResource | undefined
  storage: StorageResource | undefined
  readonly apis: Map<string, ApiResource>
}

/** The app's Admin UI config, from `CreateBackendConfig` / `UpdateBackendConfig`. */
export interface BackendConfig {
  readonly backendManagerAppId: string
  readonly loginAuthConfig: LoginAuthConfigReqObjOutput | undefined
}

/** A challenge session from `CreateToken`. */
export interface Session {
  readonly sessionId: string
  readonly challengeCode: string
  /** Clock time (ms) after which the session no longer exists. */
  readonly expiresAt: number
}

/** An app with a backend. */
export interface App {
  readonly appId: string
  readonly appName: string
  /** Environments in creation order. */
  readonly environments: Map<string, Environment>
  config: BackendConfig | undefined
  readonly sessions: Map<string, Session>
}

/** Everything the backend holds. */
export interface State {
  readonly apps: Map<string, App>
  /**
   * Job logs by app id, then environment name. They outlive their environment (and app), so a
   * `DeleteBackend` or `RemoveAllBackends` job can still be polled once it has taken effect.
   */
  readonly logs: Map<string, Map<string, Jobs.Log>>
}

/** Makes an empty state. */
export const empty = (): State => ({ apps: new Map(), logs: new Map() })

/** Makes an environment with no resource. */
export const emptyEnvironment = (name: string): Environment => ({
  name,
  auth: undefined,
  storage: undefined,
  apis: new Map()
})

/** A copy of an environment under another name: resources are shared immutable records. */
export const cloneEnvironment = (source: Environment, name: string): Environment => ({
  name,
  auth: source.auth,
  storage: source.storage,
  apis: new Map(source.apis)
})

/** An environment as the snapshot shows it. */
export interface EnvironmentSnapshot {
  readonly name: string
  readonly auth: AuthResource | undefined
  readonly storage: StorageResource | undefined
  /** APIs in creation order. */
  readonly apis: ReadonlyArray<ApiResource>
}

/** An app as the snapshot shows it. */
export interface AppSnapshot {
  readonly appId: string
  readonly appName: string
  readonly config: BackendConfig | undefined
  /** How many challenge sessions are live (their codes are not shown). */
  readonly liveSessions: number
  readonly environments: ReadonlyArray<EnvironmentSnapshot>
}

/** A read-only view of the whole state at one clock time. */
export interface Snapshot {
  /** Apps in creation order. */
  readonly apps: ReadonlyArray<AppSnapshot>
  /** Every job kept, oldest first, as `GetBackendJob` shows it at the snapshot's time. */
  readonly jobs: ReadonlyArray<BackendJobRespObj>
}

/** Takes a snapshot: fresh arrays, no live map or mutable record escapes. */
export const snapshot = (state: State, now: number): Snapshot => {
  const apps = Array.from(state.apps.values(), (app): AppSnapshot => ({
    appId: app.appId,
    appName: app.appName,
    config: app.config,
    liveSessions: Array.from(app.sessions.values()).filter((s) => s.expiresAt > now).length,
    environments: Array.from(app.environments.values(), (env) => ({
      name: env.name,
      auth: env.auth,
      storage: env.storage,
      apis: Array.from(env.apis.values())
    }))
  }))
  const jobs = Array.from(state.logs.values())
    .flatMap((byEnvironment) => Array.from(byEnvironment.values()))
    .flatMap((log) => Array.from(log.values()))
    .sort((a, b) => a.sequence - b.sequence || (a.environment < b.environment ? -1 : 1))
    .map((job) => Jobs.view(job, now))
  return { apps, jobs }
}
