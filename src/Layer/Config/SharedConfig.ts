/**
 * The AWS shared configuration files, `~/.aws/config` and `~/.aws/credentials`, parsed the way
 * the AWS CLI parses them (see `parse` for the dialect).
 *
 * Paths come from `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and
 * `~/.aws/credentials` under `HOME` (or `USERPROFILE`) of the environment record given. A
 * missing file reads as an empty one; an unreadable one fails with a `SharedConfigError`
 * naming the path. A profile may live in either file; for a key set in both, the credentials
 * file wins.
 */
import * as Files from "../../internal/config/files.js"
import * as Ini from "../../internal/config/ini.js"

/** A value: a string, or a sub-section (`s3 =` followed by indented `key = value` lines). */
export type IniValue = Ini.IniValue

/** The keys of one section, as written (case kept). */
export type IniSection = Ini.IniSection

/** A parsed file: its sections by header, repeated sections merged, later keys winning. */
export type IniFile = Ini.IniFile

/** The merged view of both files. */
export type SharedConfig = Files.SharedConfig

/** Where to look for the files: explicit paths, else the environment's variables and home. */
export type FileLocations = Files.FileLocations

/** A shared config file exists but could not be read; `path` names it. */
export const SharedConfigError = Files.SharedConfigError

/** A shared config file exists but could not be read; `path` names it. */
export type SharedConfigError = Files.SharedConfigError

/** Parses the text of a config or credentials file into its sections. */
export const parse: (text: string) => IniFile = Ini.parse

/**
 * Parses a config file's text into profiles (`[default]`, `[profile default]`, `[profile x]`)
 * and SSO sessions (`[sso-session x]`).
 */
export const parseConfig = (text: string): Ini.SharedSections =>
  Ini.configSections(Ini.parseOccurrences(text))

/** Parses a credentials file's text: every section is a profile, named as written. */
export const parseCredentials = (text: string): Ini.SharedSections =>
  Ini.credentialsSections(Ini.parseOccurrences(text))

/** The two file paths that `load` reads. */
export const paths = Files.paths

/** Reads and merges both files. */
export const load = Files.load

/** A key's value when it is a non-empty string (not a sub-section). */
export const stringValue = Ini.stringValue
