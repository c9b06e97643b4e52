/**
 * Locating and reading the shared `config` and `credentials` files.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import * as Ini from "./ini.js"
import { type Env, expandHome, homeDir, nonEmpty } from "./options.js"

/** A shared config file exists but could not be read; `path` names it. */
export class SharedConfigError extends Schema.TaggedError<SharedConfigError>()("SharedConfigError", {
  path: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

/** The merged view of both files. */
export interface SharedConfig {
  /** Profiles by name; credentials-file keys override config-file keys. */
  readonly profiles: Readonly<Record<string, Ini.IniSection>>
  /** `[sso-session name]` sections by name. */
  readonly ssoSessions: Readonly<Record<string, Ini.IniSection>>
  /** `[services name]` sections by name. */
  readonly services: Readonly<Record<string, Ini.IniSection>>
  /** The config file path that was read (it may not exist). */
  readonly configFile: string
  /** The credentials file path that was read (it may not exist). */
  readonly credentialsFile: string
}

/** Where to look for the files. */
export interface FileLocations {
  readonly env?: Env | undefined
  readonly configFile?: string | undefined
  readonly credentialsFile?: string | undefined
}

/** The file paths: explicit, else `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/`. */
export const paths = (
  locations: FileLocations = {}
): { readonly configFile: string; readonly credentialsFile: string } => {
  const env = locations.env ?? process.env
  const home = homeDir(env)
  return {
    configFile: expandHome(
      locations.configFile ?? nonEmpty(env.AWS_CONFIG_FILE) ?? NodePath.join(home, ".aws", "config"),
      home
    ),
    credentialsFile: expandHome(
      locations.credentialsFile ?? nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ??
        NodePath.join(home, ".aws", "credentials"),
      home
    )
  }
}

const missingCodes = new Set(["ENOENT", "ENOTDIR"])

/** Reads a text file; a missing file reads as `undefined`, any other failure is a typed error. */
export const readOptional = (
  path: string,
  what: string
): Effect.Effect<string | undefined, SharedConfigError> =>
  Effect.tryPromise({
    try: () => NodeFs.readFile(path, "utf8"),
    catch: (cause) => cause
  }).pipe(
    Effect.map((text): string | undefined => text),
    Effect.catchAll((cause) => {
      const code = (cause as { code?: unknown } | null)?.code
      if (typeof code === "string" && missingCodes.has(code)) return Effect.succeed(undefined)
      return Effect.fail(
        new SharedConfigError({
          path,
          message: `cannot read the ${what} ${path}` +
            (typeof code === "string" ? ` (${code})` : "") +
            ": fix its permissions or point the setting at a readable file",
          cause
        })
      )
    })
  )

/** Reads and parses one file as config (`[profile x]`) or credentials (`[x]`) sections. */
export const readFile = (
  path: string,
  kind: "config" | "credentials"
): Effect.Effect<Ini.SharedSections, SharedConfigError> =>
  Effect.map(
    readOptional(path, kind === "config" ? "AWS config file" : "AWS shared credentials file"),
    (text) => {
      const occurrences = Ini.parseOccurrences(text ?? "")
      return kind === "config" ? Ini.configSections(occurrences) : Ini.credentialsSections(occurrences)
    }
  )

/** Reads both files and merges them; a missing file is an empty file. */
export const load = (locations: FileLocations = {}): Effect.Effect<SharedConfig, SharedConfigError> => {
  const { configFile, credentialsFile } = paths(locations)
  return Effect.zipWith(
    readFile(configFile, "config"),
    readFile(credentialsFile, "credentials"),
    (config, credentials) => ({ ...Ini.mergeFiles(config, credentials), configFile, credentialsFile }),
    { concurrent: true }
  )
}
