/**
 * Credentials of a named profile of the shared files.
 *
 * A profile is read in this order (the JS SDK's order):
 * 1. `role_arn` with `source_profile` or `credential_source`: STS AssumeRole with the source's
 *    credentials (signed), honouring `role_session_name`, `external_id` and `duration_seconds`;
 * 2. static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`);
 * 3. `role_arn` with `web_identity_token_file`: STS AssumeRoleWithWebIdentity;
 * 4. `credential_process`;
 * 5. SSO (`sso_session`, or the legacy `sso_start_url`...).
 *
 * A profile reached as a `source_profile` that holds static keys uses them even when it also
 * sets `role_arn`; a profile may name itself as `source_profile` when it holds static keys.
 * Any other loop is reported with the chain of profiles.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import { type AwsCredentials, type CredentialsError, make } from "../../Layer/Credentials.js"
import * as Container from "./container.js"
import type { SharedConfig } from "./files.js"
import * as Imds from "./imds.js"
import { type IniSection, stringValue } from "./ini.js"
import { fail, failure, type Resolved } from "./options.js"
import * as Process from "./process.js"
import * as Sso from "./sso.js"
import * as Sts from "./sts.js"
import * as WebIdentity from "./webIdentity.js"

/** The keys that make a profile a source of credentials. */
const credentialKeys = [
  "aws_access_key_id",
  "aws_secret_access_key",
  "role_arn",
  "credential_process",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "sso_role_name"
]

/** True when the profile sets anything that yields credentials (a region alone does not). */
export const hasCredentials = (profile: IniSection): boolean =>
  credentialKeys.some((key) => stringValue(profile, key) !== undefined)

/** The profile by name, if either file has it. */
export const lookup = (config: SharedConfig, name: string): IniSection | undefined =>
  Object.prototype.hasOwnProperty.call(config.profiles, name) ? config.profiles[name] : undefined

const quoteChain = (chain: ReadonlyArray<string>): string => chain.map((n) => `"${n}"`).join(" → ")

const label = (chain: ReadonlyArray<string>): string => `profile ${quoteChain(chain)}`

/** Prefixes a failure with the chain of profiles it happened in, keeping the original as cause. */
const within = (chain: ReadonlyArray<string>) => (error: CredentialsError): CredentialsError =>
  failure(error.provider, `${label(chain)}: ${error.message}`, error)

const staticKeys = (profile: IniSection): AwsCredentials | undefined => {
  const accessKeyId = stringValue(profile, "aws_access_key_id")
  const secretAccessKey = stringValue(profile, "aws_secret_access_key")
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined
  return make({ accessKeyId, secretAccessKey, sessionToken: stringValue(profile, "aws_session_token") })
}

const where = (config: SharedConfig): string => `${config.configFile} or ${config.credentialsFile}`

const validSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"]

/** The credentials a `credential_source` names. */
const fromCredentialSource = (
  source: string,
  chain: ReadonlyArray<string>,
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> => {
  const notConfigured = (provider: string, reason: string) =>
    fail(provider, `${label(chain)}: credential_source = ${source}, but ${reason}`)
  switch (source) {
    case "Environment": {
      const id = options.env.AWS_ACCESS_KEY_ID
      const secret = options.env.AWS_SECRET_ACCESS_KEY
      if (!id || !secret) {
        return notConfigured(
          "environment",
          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"
        )
      }
      return Effect.succeed(
        make({
          accessKeyId: id,
          secretAccessKey: secret,
          sessionToken: options.env.AWS_SESSION_TOKEN || undefined
        })
      )
    }
    case "Ec2InstanceMetadata":
      return Imds.fromInstanceMetadata(options).pipe(
        Effect.catchTag("NotConfigured", (e) => notConfigured(e.provider, e.reason)),
        Effect.mapError(within(chain))
      )
    case "EcsContainer":
      return Container.fromContainer(options).pipe(
        Effect.catchTag("NotConfigured", (e) => notConfigured(e.provider, e.reason)),
        Effect.mapError(within(chain))
      )
    default:
      return fail(
        "profile",
        `${label(chain)}: credential_source = ${source} is not one of ${validSources.join(", ")}`
      )
  }
}

const parseDuration = (
  value: string | undefined,
  chain: ReadonlyArray<string>
): Effect.Effect<number | undefined, CredentialsError> => {
  if (value === undefined) return Effect.succeed(undefined)
  const seconds = Number(value)
  return /^\d+$/.test(value) && seconds >= 900 && seconds <= 43200
    ? Effect.succeed(seconds)
    : fail(
      "profile",
      `${label(chain)}: duration_seconds must be a whole number from 900 to 43200, not ${value}`
    )
}

/** AssumeRole with the credentials of `source_profile` or `credential_source`. */
const assumeRole = (
  name: string,
  profile: IniSection,
  roleArn: string,
  chain: ReadonlyArray<string>,
  config: SharedConfig,
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    if (stringValue(profile, "mfa_serial") !== undefined) {
      return yield* fail(
        "assume-role",
        `${label(chain)}: mfa_serial is set, and MFA codes are not supported here; use a profile without ` +
          "mfa_serial, or get session credentials first (for example with `aws sts get-session-token`)"
      )
    }
    const sourceProfile = stringValue(profile, "source_profile")
    const credentialSource = stringValue(profile, "credential_source")
    if (sourceProfile !== undefined && credentialSource !== undefined) {
      return yield* fail(
        "profile",
        `${label(chain)}: set either source_profile or credential_source, not both`
      )
    }
    let source: AwsCredentials
    if (sourceProfile !== undefined) {
      if (sourceProfile === name && staticKeys(profile) !== undefined) {
        source = staticKeys(profile)!
      } else if (chain.includes(sourceProfile)) {
        return yield* fail(
          "profile",
          `source_profile cycle: ${quoteChain([...chain, sourceProfile])}; ` +
            "make the chain end in a profile with credentials"
        )
      } else if (lookup(config, sourceProfile) === undefined) {
        return yield* fail(
          "profile",
          `${label(chain)}: source_profile "${sourceProfile}" does not exist in ${where(config)}`
        )
      } else {
        source = yield* resolve(sourceProfile, [...chain, sourceProfile], config, options)
      }
    } else {
      source = yield* fromCredentialSource(credentialSource!, chain, options)
    }
    const durationSeconds = yield* parseDuration(stringValue(profile, "duration_seconds"), chain)
    const roleSessionName = stringValue(profile, "role_session_name") ?? (yield* Sts.defaultSessionName)
    return yield* Sts.assumeRole(
      { roleArn, roleSessionName, externalId: stringValue(profile, "external_id"), durationSeconds },
      source,
      options,
      Sts.region(options, stringValue(profile, "region"))
    ).pipe(Effect.mapError(within(chain)))
  })

/**
 * Credentials of profile `name`, the last entry of `chain` (the profiles visited so far).
 * The profile must exist.
 */
export const resolve = (
  name: string,
  chain: ReadonlyArray<string>,
  config: SharedConfig,
  options: Resolved
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => {
    const profile = lookup(config, name)!
    const keys = staticKeys(profile)
    if (chain.length > 1 && keys !== undefined) return Effect.succeed(keys)
    const roleArn = stringValue(profile, "role_arn")
    if (
      roleArn !== undefined &&
      (stringValue(profile, "source_profile") !== undefined ||
        stringValue(profile, "credential_source") !== undefined)
    ) {
      return assumeRole(name, profile, roleArn, chain, config, options)
    }
    if (keys !== undefined) return Effect.succeed(keys)
    const id = stringValue(profile, "aws_access_key_id")
    const secret = stringValue(profile, "aws_secret_access_key")
    if (id !== undefined || secret !== undefined) {
      return fail(
        "profile",
        `${label(chain)} sets ${id === undefined ? "aws_secret_access_key" : "aws_access_key_id"} but not ` +
          `${id === undefined ? "aws_access_key_id" : "aws_secret_access_key"}`
      )
    }
    const tokenFile = stringValue(profile, "web_identity_token_file")
    if (roleArn !== undefined && tokenFile !== undefined) {
      return WebIdentity.exchange(
        {
          roleArn,
          tokenFile,
          roleSessionName: stringValue(profile, "role_session_name"),
          region: stringValue(profile, "region")
        },
        options,
        "web_identity_token_file"
      ).pipe(Effect.mapError(within(chain)))
    }
    const command = stringValue(profile, "credential_process")
    if (command !== undefined) {
      return Process.fromCommand(command, options.env, options.processTimeout).pipe(
        Effect.mapError(within(chain))
      )
    }
    if (Sso.isSsoProfile(profile)) {
      return Sso.fromProfile(name, profile, config, options).pipe(Effect.mapError(within(chain)))
    }
    if (roleArn !== undefined) {
      return fail(
        "profile",
        `${label(chain)} sets role_arn without source_profile, credential_source or web_identity_token_file`
      )
    }
    return fail(
      "profile",
      `${label(chain)} has no credentials: set aws_access_key_id and aws_secret_access_key, role_arn, ` +
        `credential_process or sso_session (in ${where(config)})`
    )
  })
