/**
 * Options shared by every credential provider, their defaults, and the internal "not
 * configured" signal the default chain uses to move on to the next provider.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { CredentialsError } from "../../Layer/Credentials.js"
import type { SignerService } from "../../Layer/Signer.js"
import * as SignerNode from "../../Layer/SignerNode.js"

/** An environment record, `process.env` by default. */
export type Env = Readonly<Record<string, string | undefined>>

/** Settings every provider accepts; each one reads only what it needs. */
export interface ProviderOptions {
  /** The environment to read; default `process.env`. */
  readonly env?: Env | undefined
  /** The shared config file; default `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  readonly configFile?: string | undefined
  /** The shared credentials file; default `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  readonly credentialsFile?: string | undefined
  /** The SSO token cache directory; default `~/.aws/sso/cache`. */
  readonly ssoCacheDir?: string | undefined
  /** The STS endpoint; default `AWS_ENDPOINT_URL_STS`, else `https://sts.{region}.amazonaws.com`. */
  readonly stsEndpoint?: string | undefined
  /** The region STS calls go to; default the profile's region, `AWS_REGION`, then `us-east-1`. */
  readonly stsRegion?: string | undefined
  /** The SSO endpoint; default `AWS_ENDPOINT_URL_SSO`, else `https://portal.sso.{region}.amazonaws.com`. */
  readonly ssoEndpoint?: string | undefined
  /** Base URL for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`; default `http://169.254.170.2`. */
  readonly containerHost?: string | undefined
  /** Extra host names `AWS_CONTAINER_CREDENTIALS_FULL_URI` may point at, beside loopback. */
  readonly containerAllowedHosts?: ReadonlyArray<string> | undefined
  /**
   * The instance metadata endpoint; default `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else
   * `http://169.254.169.254` (`http://[fd00:ec2::254]` when `..._ENDPOINT_MODE` is `IPv6`).
   */
  readonly imdsEndpoint?: string | undefined
  /** Time allowed for each instance metadata or container request; default 1 second. */
  readonly metadataTimeout?: Duration.DurationInput | undefined
  /** Retries of a failed instance metadata or container request; default 1. */
  readonly metadataRetries?: number | undefined
  /** Time allowed for each STS or SSO request; default 10 seconds. */
  readonly httpTimeout?: Duration.DurationInput | undefined
  /** Time allowed for a `credential_process` command; default 60 seconds. */
  readonly processTimeout?: Duration.DurationInput | undefined
  /** The signer for STS AssumeRole; default the node:crypto signer. */
  readonly signer?: SignerService | undefined
  /** How long before `Expiration` cached credentials are refreshed; default 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

/** Options with defaults applied. */
export interface Resolved {
  readonly env: Env
  readonly home: string
  readonly configFile: string | undefined
  readonly credentialsFile: string | undefined
  readonly ssoCacheDir: string
  readonly stsEndpoint: string | undefined
  readonly stsRegion: string | undefined
  readonly ssoEndpoint: string | undefined
  readonly containerHost: string
  readonly containerAllowedHosts: ReadonlyArray<string>
  readonly imdsEndpoint: string | undefined
  readonly metadataTimeout: Duration.Duration
  readonly metadataRetries: number
  readonly httpTimeout: Duration.Duration
  readonly httpRetries: number
  readonly processTimeout: Duration.Duration
  readonly signer: SignerService
}

/** The home directory: `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`, then the OS. */
export const homeDir = (env: Env): string =>
  nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ??
    (env.HOMEDRIVE && env.HOMEPATH ? env.HOMEDRIVE + env.HOMEPATH : undefined) ?? NodeOs.homedir()

/** A path with a leading `~/` replaced by the home directory. */
export const expandHome = (path: string, home: string): string =>
  path === "~" ? home : /^~[\\/]/.test(path) ? NodePath.join(home, path.slice(2)) : path

/** The string, or `undefined` when it is missing or empty. */
export const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

/** Applies the defaults. */
export const resolve = (options: ProviderOptions = {}): Resolved => {
  const env = options.env ?? process.env
  const home = homeDir(env)
  return {
    env,
    home,
    configFile: options.configFile,
    credentialsFile: options.credentialsFile,
    ssoCacheDir: options.ssoCacheDir ?? NodePath.join(home, ".aws", "sso", "cache"),
    stsEndpoint: options.stsEndpoint ?? nonEmpty(env.AWS_ENDPOINT_URL_STS),
    stsRegion: options.stsRegion,
    ssoEndpoint: options.ssoEndpoint ?? nonEmpty(env.AWS_ENDPOINT_URL_SSO),
    containerHost: options.containerHost ?? "http://169.254.170.2",
    containerAllowedHosts: options.containerAllowedHosts ?? [],
    imdsEndpoint: options.imdsEndpoint,
    metadataTimeout: Duration.decode(options.metadataTimeout ?? "1 second"),
    metadataRetries: options.metadataRetries ?? 1,
    httpTimeout: Duration.decode(options.httpTimeout ?? "10 seconds"),
    httpRetries: 2,
    processTimeout: Duration.decode(options.processTimeout ?? "60 seconds"),
    signer: options.signer ?? SignerNode.make
  }
}

/** The provider has nothing to work with (no variables, no profile): the chain moves on. */
export class NotConfigured extends Data.TaggedError("NotConfigured")<{
  readonly provider: string
  readonly reason: string
  readonly cause?: unknown
}> {}

/** A typed credentials failure. */
export const failure = (provider: string, message: string, cause?: unknown): CredentialsError =>
  cause === undefined
    ? new CredentialsError({ provider, message })
    : new CredentialsError({ provider, message, cause })

/** Fails with a typed credentials failure. */
export const fail = (
  provider: string,
  message: string,
  cause?: unknown
): Effect.Effect<never, CredentialsError> => Effect.fail(failure(provider, message, cause))

/** Turns "not configured" into an ordinary `CredentialsError`, for providers used alone. */
export const orFail = <A, R>(
  effect: Effect.Effect<A, CredentialsError | NotConfigured, R>
): Effect.Effect<A, CredentialsError, R> =>
  Effect.catchTag(effect, "NotConfigured", (e) => fail(e.provider, e.reason))

/** The message of an unknown error value, with no stack. */
export const describe = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message
  }
  return String(error)
}
