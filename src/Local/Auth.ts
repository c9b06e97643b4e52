/**
 * Auth resource rules of the local AmplifyBackend: the checks an auth config must pass beyond
 * its Schema, how `UpdateBackendAuth` merges into the stored config, and the config an imported
 * Cognito user pool is described by. Problems are reported by member name, never by value: the
 * config holds secrets (social provider client secrets, the Apple private key, message texts).
 */
import type {
  CreateBackendAuthResourceConfig,
  CreateBackendAuthResourceConfigOutput,
  UpdateBackendAuthResourceConfig
} from "../Schema/Shapes.js"
import type { ImportedAuth } from "./State.js"

/** The password lengths Cognito accepts. */
const passwordLength = { min: 6, max: 99 } as const

/**
 * The first problem of a create or update config that its Schema cannot express, or undefined.
 */
export const problem = (
  config: CreateBackendAuthResourceConfig | UpdateBackendAuthResourceConfig,
  stored: CreateBackendAuthResourceConfigOutput | undefined
): string | undefined => {
  const hasIdentityPool = config.IdentityPoolConfigs !== undefined ||
    stored?.IdentityPoolConfigs !== undefined
  if (config.AuthResources === "IDENTITY_POOL_AND_USER_POOL" && !hasIdentityPool) {
    return "ResourceConfig.IdentityPoolConfigs is required when AuthResources is " +
      "IDENTITY_POOL_AND_USER_POOL"
  }
  const length = config.UserPoolConfigs.PasswordPolicy?.MinimumLength
  if (
    length !== undefined &&
    (!Number.isInteger(length) || length < passwordLength.min || length > passwordLength.max)
  ) {
    return "ResourceConfig.UserPoolConfigs.PasswordPolicy.MinimumLength must be an integer " +
      `from ${passwordLength.min} to ${passwordLength.max}`
  }
  return undefined
}

/**
 * Merges an update into a stored config: members the update gives replace the stored ones,
 * nested settings merge one level down (social providers by provider), members it leaves out
 * are kept. The user pool's name, sign-in method and required attributes cannot be updated.
 */
export const merge = (
  stored: CreateBackendAuthResourceConfigOutput,
  update: UpdateBackendAuthResourceConfig
): CreateBackendAuthResourceConfigOutput => {
  const pool = stored.UserPoolConfigs
  const patch = update.UserPoolConfigs
  const oauth = patch.OAuth && {
    ...pool?.OAuth,
    ...patch.OAuth,
    ...(patch.OAuth.SocialProviderSettings && {
      SocialProviderSettings: {
        ...pool?.OAuth?.SocialProviderSettings,
        ...patch.OAuth.SocialProviderSettings
      }
    })
  }
  return {
    ...stored,
    AuthResources: update.AuthResources,
    Service: update.Service,
    ...(update.IdentityPoolConfigs && {
      IdentityPoolConfigs: { ...stored.IdentityPoolConfigs, ...update.IdentityPoolConfigs }
    }),
    UserPoolConfigs: {
      ...pool,
      ...(patch.ForgotPassword && {
        ForgotPassword: { ...pool?.ForgotPassword, ...patch.ForgotPassword }
      }),
      ...(patch.Mfa && { Mfa: { ...pool?.Mfa, ...patch.Mfa } }),
      ...(oauth && { OAuth: oauth }),
      ...(patch.PasswordPolicy && {
        PasswordPolicy: { ...pool?.PasswordPolicy, ...patch.PasswordPolicy }
      }),
      ...(patch.VerificationMessage && { VerificationMessage: patch.VerificationMessage })
    }
  }
}

/** How `GetBackendAuth` describes an imported user pool (and identity pool, when given). */
export const importedConfig = (imported: ImportedAuth): CreateBackendAuthResourceConfigOutput => ({
  AuthResources: imported.identityPoolId === undefined
    ? "USER_POOL_ONLY"
    : "IDENTITY_POOL_AND_USER_POOL",
  Service: "COGNITO",
  UserPoolConfigs: { UserPoolName: imported.userPoolId },
  ...(imported.identityPoolId !== undefined && {
    IdentityPoolConfigs: { IdentityPoolName: imported.identityPoolId }
  })
})
