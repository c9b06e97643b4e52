/**
 * Everything a Node program needs, with sensible defaults: the `AmplifyBackend` service and the
 * `Client` under it, over `@effect/platform-node`'s HTTP client and the node:crypto signer.
 *
 * Each part can be replaced: pass options here, or build your own with `Client.layer` and the
 * layers of `Credentials`, `Region`, `Endpoint`, `Signer` and an `HttpClient`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Layer from "effect/Layer"
import * as AmplifyBackend from "../AmplifyBackend.js"
import type { ConfigurationError } from "../ClientErrors.js"
import * as Client from "./Client.js"
import * as Credentials from "./Credentials.js"
import * as Endpoint from "./Endpoint.js"
import * as Region from "./Region.js"
import type { Signer } from "./Signer.js"
import * as SignerNode from "./SignerNode.js"

export interface Options {
  /** The region; default `AWS_REGION`. */
  readonly region?: string | undefined
  /** Fixed credentials; default the environment (`AWS_ACCESS_KEY_ID`, ...). */
  readonly credentials?: Credentials.AwsCredentials | Parameters<typeof Credentials.make>[0] | undefined
  /** A custom endpoint URL; default `https://amplifybackend.{region}.amazonaws.com`. */
  readonly endpoint?: string | undefined
  /** Another HTTP client; default `NodeHttpClient.layerUndici`. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  /** Another signer; default the node:crypto signer. */
  readonly signer?: Layer.Layer<Signer> | undefined
}

/** The `Client` alone, from options. */
export const layerClient = (options: Options = {}): Layer.Layer<Client.Client, ConfigurationError> => {
  const region = options.region === undefined ? Region.layerEnvironment() : Region.layer(options.region)
  const endpoint = (options.endpoint === undefined ? Endpoint.layerDefault : Endpoint.layer(options.endpoint)).pipe(
    Layer.provide(region)
  )
  const credentials = options.credentials === undefined
    ? Credentials.layerEnvironment()
    : Credentials.layerStatic(options.credentials)
  return Client.layer.pipe(
    Layer.provide(endpoint),
    Layer.provide(credentials),
    Layer.provide(options.signer ?? SignerNode.layer),
    Layer.provide(options.httpClient ?? NodeHttpClient.layerUndici)
  )
}

/** The `AmplifyBackend` service and the `Client` under it, from options. */
export const layer = (
  options: Options = {}
): Layer.Layer<AmplifyBackend.AmplifyBackend | Client.Client, ConfigurationError> =>
  Layer.provideMerge(AmplifyBackend.layer, layerClient(options))
