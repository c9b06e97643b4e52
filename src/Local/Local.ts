/**
 * The embedded local AmplifyBackend, ready to use: as an in-process layer for tests (no
 * sockets) or as a loopback server, both verifying SigV4 with the credentials it is given.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AmplifyBackend from "../AmplifyBackend.js"
import type { ConfigurationError } from "../ClientErrors.js"
import * as Client from "../Layer/Client.js"
import * as Credentials from "../Layer/Credentials.js"
import * as Endpoint from "../Layer/Endpoint.js"
import * as Region from "../Layer/Region.js"
import * as SignerNode from "../Layer/SignerNode.js"
import * as Faults from "./Faults.js"
import * as LocalHttpClient from "./HttpClient.js"
import { makeHandler, type LocalRequest, type LocalResponse, type VerificationOptions } from "./Protocol.js"
import * as Server from "./Server.js"

export { LocalServerError } from "./Server.js"
import * as Service from "./Service.js"

/** The credentials the local service accepts unless told otherwise. */
export const defaultCredentials: Credentials.AwsCredentials = Credentials.make({
  accessKeyId: "AKIDLOCALAMPLIFYBACKEND",
  secretAccessKey: "local-amplifybackend-secret-access-key"
})

/** Credentials as `Credentials.make` takes them (plain strings), or already made. */
export type AnyCredentials = Credentials.AwsCredentials | Parameters<typeof Credentials.make>[0]

/** The region the local service answers for unless told otherwise. */
export const defaultRegion = "us-east-1"

export interface Options extends Service.LocalBackendOptions {
  /**
   * The credentials accepted: one set or several, secrets as strings or `Redacted`; default
   * `defaultCredentials`.
   */
  readonly credentials?: AnyCredentials | ReadonlyArray<AnyCredentials> | undefined
  /** Set to false to accept unsigned requests. */
  readonly verifySignatures?: boolean | undefined
  /** The region requests must be signed for; default `defaultRegion`. */
  readonly region?: string | undefined
  /** What to break, and when (see `Faults.ts`). Default: nothing; requests are still logged. */
  readonly faults?: Faults.FaultPlan | undefined
}

/** A running local AmplifyBackend: its state and its request handler. */
export interface LocalAmplifyBackendService {
  readonly backend: Service.LocalBackend
  readonly handle: (request: LocalRequest) => Effect.Effect<LocalResponse>
  readonly region: string
  readonly credentials: ReadonlyArray<Credentials.AwsCredentials>
  /** The fault plan in force and the log of the requests received. */
  readonly faults: Faults.FaultInjector
}

export class LocalAmplifyBackend extends Context.Tag("amplifybackend/LocalAmplifyBackend")<
  LocalAmplifyBackend,
  LocalAmplifyBackendService
>() {}

/** Starts a local AmplifyBackend in memory; a malformed `region` is a `ConfigurationError`. */
export const make = (options: Options = {}): Effect.Effect<LocalAmplifyBackendService, ConfigurationError> =>
  Effect.map(
    Effect.zip(
      Service.make(options),
      Region.validate(options.region ?? defaultRegion, "the region option of the local AmplifyBackend", "region")
    ),
    ([backend, region]) => {
      const given = options.credentials ?? [defaultCredentials]
      const credentials = (Array.isArray(given) ? given as ReadonlyArray<AnyCredentials> : [given as AnyCredentials])
        .map(Credentials.normalize)
      const verification: VerificationOptions = {
        credentials,
        region,
        verifySignatures: options.verifySignatures ?? true
      }
      const faults = Faults.make(options.faults)
      const handle = makeHandler(backend.handlers, { ...verification, faults })
      return { backend, handle, region, credentials, faults }
    }
  )

/** The local service as a layer. */
export const layerService = (options: Options = {}): Layer.Layer<LocalAmplifyBackend, ConfigurationError> =>
  Layer.effect(LocalAmplifyBackend, make(options))

/** The base URL an in-process client addresses; nothing listens there. */
export const inProcessEndpoint = "http://amplifybackend.local"

/**
 * A client wired to a local AmplifyBackend in the same process: `AmplifyBackend`, `Client` and
 * `LocalAmplifyBackend` (to inspect state). The default test layer.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<AmplifyBackend.AmplifyBackend | Client.Client | LocalAmplifyBackend, ConfigurationError> => {
  const client = Layer.unwrapEffect(
    Effect.map(LocalAmplifyBackend, (local) =>
      Client.layer.pipe(
        Layer.provide(Endpoint.layer(inProcessEndpoint).pipe(Layer.provide(Region.layer(local.region)))),
        Layer.provide(Credentials.layerStatic(local.credentials[0] ?? defaultCredentials)),
        Layer.provide(SignerNode.layer),
        Layer.provide(LocalHttpClient.layer(local.handle))
      ))
  )
  return Layer.provideMerge(AmplifyBackend.layer, client).pipe(
    Layer.provideMerge(layerService(options))
  )
}

/**
 * Serves a local AmplifyBackend on a loopback port for the life of the scope, and gives its
 * URL: point any AWS client at it with the region and credentials it accepts.
 */
export const serve = (options: Options & Server.ServeOptions = {}) =>
  Effect.flatMap(make(options), (local) =>
    Effect.map(Server.serve(local.handle, options), (server) => ({ ...server, local })))
