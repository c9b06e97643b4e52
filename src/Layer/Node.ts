/**
 * Everything a Node program needs, with the defaults AWS users expect: the `AmplifyBackend`
 * service and the `Client` under it, over `@effect/platform-node`'s HTTP client and the
 * node:crypto signer, configured from options, the environment and the shared config files
 * (see `Config/ClientConfig.ts` for the precedence of each setting).
 *
 * Each part can be replaced: pass options here, or build your own with `Client.layer` and the
 * layers of `Credentials`, `Region`, `Endpoint`, `Signer`, `Retry` and an `HttpClient`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as AmplifyBackend from "../AmplifyBackend.js"
import type { ConfigurationError } from "../ClientErrors.js"
import * as Client from "./Client.js"
import * as ClientConfig from "./Config/ClientConfig.js"
import * as CredentialProviders from "./Config/CredentialProviders.js"
import * as Credentials from "./Credentials.js"
import * as EndpointRules from "./EndpointRules.js"
import * as Region from "./Region.js"
import { merge, Retry, type RetryOptions } from "./Retry.js"
import type { Signer } from "./Signer.js"
import * as SignerNode from "./SignerNode.js"

export interface Options extends Omit<CredentialProviders.ProviderOptions, "signer"> {
  /** The region; default `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`. */
  readonly region?: string | undefined
  /** The profile to read; default `AWS_PROFILE`, else `default`. */
  readonly profile?: string | undefined
  /**
   * Credentials: fixed ones, or a `Credentials` layer of your own. Default: the AWS default
   * provider chain (environment, web identity, profile, container, instance metadata).
   */
  readonly credentials?:
    | Credentials.AwsCredentials
    | Parameters<typeof Credentials.make>[0]
    | Layer.Layer<Credentials.Credentials>
    | undefined
  /** A custom endpoint URL; default the model's rule set for the region. */
  readonly endpoint?: string | undefined
  /** The FIPS endpoint variant; default `AWS_USE_FIPS_ENDPOINT` or the profile. */
  readonly useFips?: boolean | undefined
  /** The dual-stack endpoint variant; default `AWS_USE_DUALSTACK_ENDPOINT` or the profile. */
  readonly useDualStack?: boolean | undefined
  /** Retry and timeout settings over `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS` or the profile. */
  readonly retry?: RetryOptions | undefined
  /**
   * Another HTTP client; default `NodeHttpClient.layerUndici`. `LeanHttpClient.layer()` is the
   * faster choice for Node (see its module).
   */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient, ConfigurationError> | undefined
  /** Another signer; default the node:crypto signer. */
  readonly signer?: Layer.Layer<Signer> | undefined
}

const credentialsLayer = (
  options: Options,
  http: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
): Layer.Layer<Credentials.Credentials, ConfigurationError> => {
  const given = options.credentials
  if (given === undefined) {
    const { signer: _signer, profile, ...providerOptions } = options
    // The profile option names the profile for credentials too, as AWS_PROFILE would.
    const env = profile === undefined ? providerOptions.env : { ...(providerOptions.env ?? process.env), AWS_PROFILE: profile }
    return CredentialProviders.layerDefaultChain({ ...providerOptions, env }).pipe(Layer.provide(http))
  }
  if (Layer.isLayer(given)) return given as Layer.Layer<Credentials.Credentials>
  return Credentials.layerStatic(given as Credentials.AwsCredentials)
}

/** The `Client` alone, from options. */
export const layerClient = (options: Options = {}): Layer.Layer<Client.Client, ConfigurationError> =>
  Layer.unwrapEffect(
    Effect.map(Effect.zip(ClientConfig.resolve(options), Effect.serviceOption(Retry)), ([settings, outer]) => {
      // A `Retry` layer provided from outside wins over configuration; `retry` options refine it.
      const retry = Option.match(outer, {
        onNone: () => settings.retry,
        onSome: (policy) => (options.retry === undefined ? policy : merge(policy, options.retry))
      })
      const http = options.httpClient ?? NodeHttpClient.layerUndici
      const region = Region.layer(settings.region)
      return Client.layer.pipe(
        Layer.provide(EndpointRules.layer(settings.endpoint).pipe(Layer.provide(region))),
        Layer.provide(credentialsLayer(options, http)),
        Layer.provide(Layer.succeed(Retry, retry)),
        Layer.provide(options.signer ?? SignerNode.layer),
        Layer.provide(http)
      )
    })
  )

/** The `AmplifyBackend` service and the `Client` under it, from options. */
export const layer = (
  options: Options = {}
): Layer.Layer<AmplifyBackend.AmplifyBackend | Client.Client, ConfigurationError> =>
  Layer.provideMerge(AmplifyBackend.layer, layerClient(options))
