/**
 * Browser bundle (c): the `AmplifyBackend` service (all 31 operations), with the fetch
 * HttpClient and the aws4fetch signer, calling one of them. Built, never run.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AmplifyBackend from "../../src/AmplifyBackend.js"
import * as Client from "../../src/Layer/Client.js"
import * as Credentials from "../../src/Layer/Credentials.js"
import * as Endpoint from "../../src/Layer/Endpoint.js"
import * as Region from "../../src/Layer/Region.js"
import * as SignerAws4fetch from "../../src/Layer/SignerAws4fetch.js"

const client = Client.layer.pipe(
  Layer.provide(Endpoint.layer("http://127.0.0.1:4566").pipe(Layer.provide(Region.layer("us-east-1")))),
  Layer.provide(Credentials.layerStatic({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" })),
  Layer.provide(SignerAws4fetch.layer),
  Layer.provide(FetchHttpClient.layer)
)

const program = Effect.flatMap(
  AmplifyBackend.AmplifyBackend,
  (amplify) => amplify.getBackend({ AppId: "d2abc123", BackendEnvironmentName: "staging" })
)

Effect.runPromise(program.pipe(Effect.provide(Layer.provideMerge(AmplifyBackend.layer, client))))
  .then((output) => console.log(output.AppName))
