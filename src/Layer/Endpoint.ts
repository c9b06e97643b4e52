/** Where requests go, and the scope their signatures are made for. */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigurationError } from "../ClientErrors.js"
import { Region } from "./Region.js"

/** The resolved endpoint: a base URL with no trailing slash, and the SigV4 scope. */
export interface ResolvedEndpoint {
  readonly url: string
  readonly signingRegion: string
  readonly signingName: string
}

export class Endpoint extends Context.Tag("amplifybackend/Endpoint")<Endpoint, ResolvedEndpoint>() {}

/** The service's signing name. */
export const signingName = "amplifybackend"

/** `https://amplifybackend.{region}.amazonaws.com`, for the region in context. */
export const layerDefault: Layer.Layer<Endpoint, never, Region> = Layer.effect(
  Endpoint,
  Effect.map(Region, (region) => ({
    url: `https://amplifybackend.${region}.amazonaws.com`,
    signingRegion: region,
    signingName
  }))
)

/** Parses a custom endpoint URL; only http and https with no query or fragment are accepted. */
export const parse = (url: string): Effect.Effect<string, ConfigurationError> =>
  Effect.suspend(() => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return Effect.fail(
        new ConfigurationError({ setting: "endpoint", message: `${JSON.stringify(url)} is not a URL` })
      )
    }
    if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.search || parsed.hash) {
      return Effect.fail(
        new ConfigurationError({
          setting: "endpoint",
          message: `${JSON.stringify(url)} must be an http or https URL without query or fragment`
        })
      )
    }
    return Effect.succeed(`${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`)
  })

/** A custom endpoint (a local AmplifyBackend, a proxy), signed for the region in context. */
export const layer = (url: string): Layer.Layer<Endpoint, ConfigurationError, Region> =>
  Layer.effect(
    Endpoint,
    Effect.zipWith(parse(url), Region, (base, region) => ({ url: base, signingRegion: region, signingName }))
  )
