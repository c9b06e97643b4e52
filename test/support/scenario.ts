/**
 * A valid run through all 31 operations, in an order the service accepts: each step's input may
 * use what earlier steps returned. Shared by the end-to-end suites (our client over loopback and
 * in-process, the official SDK against the local server).
 */
import type { operations } from "../../src/AmplifyBackend.js"

export type OperationName = keyof typeof operations

/** What earlier steps returned, keyed by operation name. */
export type Results = Partial<Record<OperationName, Record<string, unknown>>>

export interface Step {
  readonly operation: OperationName
  readonly input: (results: Results) => Record<string, unknown>
}

const str = (results: Results, operation: OperationName, member: string): string => {
  const value = results[operation]?.[member]
  if (typeof value !== "string") throw new Error(`${operation} returned no ${member}`)
  return value
}

/** The steps for one app; `appId` keeps concurrent runs apart. */
export const scenario = (appId: string): ReadonlyArray<Step> => {
  const env = { AppId: appId, BackendEnvironmentName: "dev" }
  const userPool = { UserPoolName: "users", SignInMethod: "EMAIL", RequiredSignUpAttributes: ["EMAIL"] }
  return [
    { operation: "CreateBackend", input: () => ({ ...env, AppName: "scenario" }) },
    { operation: "GetBackend", input: () => env },
    { operation: "CloneBackend", input: () => ({ ...env, TargetEnvironmentName: "copy" }) },
    { operation: "CreateBackendConfig", input: () => ({ AppId: appId, BackendManagerAppId: appId }) },
    {
      operation: "UpdateBackendConfig",
      input: () => ({ AppId: appId, LoginAuthConfig: { AwsCognitoRegion: "us-east-1", AwsUserPoolsId: "pool" } })
    },
    {
      operation: "CreateBackendAuth",
      input: () => ({
        ...env,
        ResourceName: "auth",
        ResourceConfig: { AuthResources: "USER_POOL_ONLY", Service: "COGNITO", UserPoolConfigs: userPool }
      })
    },
    { operation: "GetBackendAuth", input: () => ({ ...env, ResourceName: "auth" }) },
    {
      operation: "UpdateBackendAuth",
      input: () => ({
        ...env,
        ResourceName: "auth",
        ResourceConfig: { AuthResources: "USER_POOL_ONLY", Service: "COGNITO", UserPoolConfigs: {} }
      })
    },
    {
      operation: "CreateBackendStorage",
      input: () => ({
        ...env,
        ResourceName: "files",
        ResourceConfig: { ServiceName: "S3", BucketName: "files-bucket", Permissions: { Authenticated: ["READ"] } }
      })
    },
    { operation: "GetBackendStorage", input: () => ({ ...env, ResourceName: "files" }) },
    {
      operation: "UpdateBackendStorage",
      input: () => ({
        ...env,
        ResourceName: "files",
        ResourceConfig: { ServiceName: "S3", Permissions: { Authenticated: ["READ", "DELETE"] } }
      })
    },
    {
      operation: "CreateBackendAPI",
      input: () => ({ ...env, ResourceName: "api", ResourceConfig: { ApiName: "api", Service: "AppSync" } })
    },
    { operation: "GetBackendAPI", input: () => ({ ...env, ResourceName: "api" }) },
    {
      operation: "UpdateBackendAPI",
      input: () => ({ ...env, ResourceName: "api", ResourceConfig: { ApiName: "api", TransformSchema: "type T @model { id: ID! }" } })
    },
    { operation: "GenerateBackendAPIModels", input: () => ({ ...env, ResourceName: "api" }) },
    { operation: "GetBackendAPIModels", input: () => ({ ...env, ResourceName: "api" }) },
    { operation: "GetBackendJob", input: (r) => ({ ...env, JobId: str(r, "CreateBackendAPI", "JobId") }) },
    { operation: "ListBackendJobs", input: () => ({ ...env, MaxResults: 5 }) },
    {
      operation: "UpdateBackendJob",
      input: (r) => ({ ...env, JobId: str(r, "CreateBackendAPI", "JobId"), Operation: "CreateBackendAPI" })
    },
    { operation: "CreateToken", input: () => ({ AppId: appId }) },
    { operation: "GetToken", input: (r) => ({ AppId: appId, SessionId: str(r, "CreateToken", "SessionId") }) },
    { operation: "DeleteToken", input: (r) => ({ AppId: appId, SessionId: str(r, "CreateToken", "SessionId") }) },
    { operation: "ListS3Buckets", input: () => ({}) },
    {
      operation: "ImportBackendAuth",
      input: () => ({
        AppId: appId,
        BackendEnvironmentName: "copy",
        UserPoolId: "us-east-1_pool",
        NativeClientId: "native",
        WebClientId: "web"
      })
    },
    {
      operation: "ImportBackendStorage",
      input: () => ({ AppId: appId, BackendEnvironmentName: "copy", ServiceName: "S3", BucketName: "imported" })
    },
    { operation: "DeleteBackendAPI", input: () => ({ ...env, ResourceName: "api" }) },
    { operation: "DeleteBackendStorage", input: () => ({ ...env, ResourceName: "files", ServiceName: "S3" }) },
    { operation: "DeleteBackendAuth", input: () => ({ ...env, ResourceName: "auth" }) },
    { operation: "RemoveBackendConfig", input: () => ({ AppId: appId }) },
    { operation: "DeleteBackend", input: () => env },
    { operation: "RemoveAllBackends", input: () => ({ AppId: appId, CleanAmplifyApp: true }) }
  ]
}
