/**
 * The AWS credential providers and the default provider chain, as `Credentials` layers.
 *
 * The default chain tries, in the AWS SDKs' order: the environment (`AWS_ACCESS_KEY_ID`...),
 * web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), the shared profile
 * (`AWS_PROFILE`, else `default`), container credentials, and EC2 instance metadata. A provider
 * with nothing to work with is skipped; one that is configured but fails stops the chain with
 * its error. Every layer caches temporary credentials and refreshes them ahead of expiry.
 *
 * Everything the providers read comes from the options: `env` (default `process.env`), file
 * paths and every endpoint, so that tests and unusual setups never depend on the machine.
 * HTTP calls go through the `HttpClient` in context.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Cache from "../../internal/config/cache.js"
import * as Chain from "../../internal/config/chain.js"
import * as Container from "../../internal/config/container.js"
import * as Imds from "../../internal/config/imds.js"
import * as Options from "../../internal/config/options.js"
import * as Process from "../../internal/config/process.js"
import * as WebIdentity from "../../internal/config/webIdentity.js"
import { type AwsCredentials, Credentials, CredentialsError, make } from "../Credentials.js"

/** Settings for every provider: `env`, file paths, endpoints, timeouts, signer, refresh window. */
export type ProviderOptions = Options.ProviderOptions

/** Settings of the web identity provider, beside the environment's. */
export interface WebIdentityOptions extends ProviderOptions {
  /** The role to assume; default `AWS_ROLE_ARN`. */
  readonly roleArn?: string | undefined
  /** The token file; default `AWS_WEB_IDENTITY_TOKEN_FILE`. */
  readonly webIdentityTokenFile?: string | undefined
  /** The session name; default `AWS_ROLE_SESSION_NAME`, else a generated one. */
  readonly roleSessionName?: string | undefined
}

// ---------------------------------------------------------------------------------------------
// Providers, uncached

/** The default chain: environment → web identity → profile → container → instance metadata. */
export const defaultChain = (
  options: ProviderOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => Chain.defaultChain(Options.resolve(options)))

/** The credentials of profile `name` (default `AWS_PROFILE`, else `default`). */
export const fromProfile = (
  name?: string,
  options: ProviderOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => Options.orFail(Chain.profile(Options.resolve(options), name)))

/** The credentials printed by a `credential_process` command. */
export const fromProcess = (
  command: string,
  options: ProviderOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError> =>
  Effect.suspend(() => {
    const resolved = Options.resolve(options)
    return Process.fromCommand(command, resolved.env, resolved.processTimeout)
  })

/** Container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `..._FULL_URI`). */
export const fromContainer = (
  options: ProviderOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => Options.orFail(Container.fromContainer(Options.resolve(options))))

/** EC2 instance metadata credentials (IMDSv2). */
export const fromInstanceMetadata = (
  options: ProviderOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => Options.orFail(Imds.fromInstanceMetadata(Options.resolve(options))))

/** Web identity credentials: a token file exchanged with STS AssumeRoleWithWebIdentity. */
export const fromWebIdentity = (
  options: WebIdentityOptions = {}
): Effect.Effect<AwsCredentials, CredentialsError, HttpClient.HttpClient> =>
  Effect.suspend(() => {
    const resolved = Options.resolve(options)
    const env = {
      ...resolved.env,
      AWS_ROLE_ARN: options.roleArn ?? resolved.env.AWS_ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: options.webIdentityTokenFile ??
        resolved.env.AWS_WEB_IDENTITY_TOKEN_FILE,
      AWS_ROLE_SESSION_NAME: options.roleSessionName ?? resolved.env.AWS_ROLE_SESSION_NAME
    }
    return Options.orFail(WebIdentity.fromEnvironment({ ...resolved, env }))
  })

// ---------------------------------------------------------------------------------------------
// Caching and layers

/**
 * Caches a provider: temporary credentials are refreshed `refreshBefore` (default 5 minutes)
 * ahead of their expiration, concurrent callers share one refresh, and a failed refresh keeps
 * still-valid credentials.
 */
export const cached = <R>(
  provider: Effect.Effect<AwsCredentials, CredentialsError, R>,
  options: { readonly refreshBefore?: ProviderOptions["refreshBefore"] } = {}
): Effect.Effect<Effect.Effect<AwsCredentials, CredentialsError>, never, R> =>
  Cache.make(provider, options.refreshBefore ?? "5 minutes")

/** A cached `Credentials` layer over any provider effect. */
export const layerFrom = <R>(
  provider: Effect.Effect<AwsCredentials, CredentialsError, R>,
  options: { readonly refreshBefore?: ProviderOptions["refreshBefore"] } = {}
): Layer.Layer<Credentials, never, R> =>
  Layer.effect(Credentials, Effect.map(cached(provider, options), (get) => ({ get })))

/** The default chain, cached. Needs an `HttpClient`. */
export const layerDefaultChain = (
  options: ProviderOptions = {}
): Layer.Layer<Credentials, never, HttpClient.HttpClient> => layerFrom(defaultChain(options), options)

/** One profile of the shared files (default `AWS_PROFILE`, else `default`), cached. */
export const layerProfile = (
  name?: string,
  options: ProviderOptions = {}
): Layer.Layer<Credentials, never, HttpClient.HttpClient> =>
  layerFrom(fromProfile(name, options), options)

/** A `credential_process` command, cached. */
export const layerProcess = (
  command: string,
  options: ProviderOptions = {}
): Layer.Layer<Credentials> => layerFrom(fromProcess(command, options), options)

/** Container credentials, cached. */
export const layerContainer = (
  options: ProviderOptions = {}
): Layer.Layer<Credentials, never, HttpClient.HttpClient> => layerFrom(fromContainer(options), options)

/** EC2 instance metadata credentials, cached. */
export const layerInstanceMetadata = (
  options: ProviderOptions = {}
): Layer.Layer<Credentials, never, HttpClient.HttpClient> =>
  layerFrom(fromInstanceMetadata(options), options)

/** Web identity credentials, cached. */
export const layerWebIdentity = (
  options: WebIdentityOptions = {}
): Layer.Layer<Credentials, never, HttpClient.HttpClient> =>
  layerFrom(fromWebIdentity(options), options)

// ---------------------------------------------------------------------------------------------
// AWS SDK v3 providers

/** What an AWS SDK v3 credential provider function resolves to. */
export interface SdkCredentialIdentity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
  readonly expiration?: Date | undefined
}

/** Wraps an AWS SDK v3 credential provider function (`fromIni()`, `fromNodeProviderChain()`...). */
export const fromSdkProviderEffect = (
  provider: () => Promise<SdkCredentialIdentity>,
  name = "sdk"
): Effect.Effect<AwsCredentials, CredentialsError> =>
  Effect.tryPromise({
    try: () => provider(),
    catch: (cause) =>
      new CredentialsError({
        provider: name,
        message: `the AWS SDK credential provider failed: ${Options.describe(cause)}`,
        cause
      })
  }).pipe(
    Effect.flatMap((identity) =>
      identity === null || typeof identity !== "object" || typeof identity.accessKeyId !== "string" ||
        typeof identity.secretAccessKey !== "string" || identity.accessKeyId === "" ||
        identity.secretAccessKey === ""
        ? Options.fail(name, "the AWS SDK credential provider returned no accessKeyId/secretAccessKey")
        : Effect.succeed(
          make({
            accessKeyId: identity.accessKeyId,
            secretAccessKey: identity.secretAccessKey,
            sessionToken: identity.sessionToken || undefined,
            expiration: identity.expiration instanceof Date ? identity.expiration : undefined
          })
        )
    )
  )

/** A cached `Credentials` layer over an AWS SDK v3 credential provider function. */
export const fromSdkProvider = (
  provider: () => Promise<SdkCredentialIdentity>,
  options: { readonly name?: string; readonly refreshBefore?: ProviderOptions["refreshBefore"] } = {}
): Layer.Layer<Credentials> => layerFrom(fromSdkProviderEffect(provider, options.name), options)
