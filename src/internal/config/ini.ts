/**
 * The INI dialect of the AWS shared `config` and `credentials` files, read the way the AWS CLI
 * reads it:
 *
 * - full-line comments start with `#` or `;` (after optional indentation); an inline `#` or `;`
 *   starts a comment only when whitespace precedes it, so `url = http://h/#x` keeps its `#`;
 * - `key = value` and `key: value`, split at the first `=` or `:`, spaces around it ignored;
 *   keys keep the case they are written in;
 * - a line indented deeper than the key line before it continues that key's value: after an
 *   empty value (`s3 =`) the indented lines are a sub-section of `key = value` pairs, after a
 *   non-empty one they are further lines of the value;
 * - a section repeated in one file is merged with its earlier occurrence, later keys winning;
 * - lines outside any section and lines that are neither a section, a key nor a comment are
 *   skipped.
 */

/** A value: a string, or a sub-section (`s3 =` followed by indented `key = value` lines). */
export type IniValue = string | Readonly<Record<string, string>>

/** The keys of one section. */
export type IniSection = Readonly<Record<string, IniValue>>

/** A parsed file: sections by their name as written between the brackets (trimmed). */
export type IniFile = Readonly<Record<string, IniSection>>

/** A record with no prototype, so keys such as `__proto__` are plain keys. */
export const emptyRecord = <V>(): Record<string, V> => Object.create(null) as Record<string, V>

const hasOwn = (record: object, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key)

/** The line up to an inline comment: a `#` or `;` preceded by whitespace. */
const stripInlineComment = (line: string): string => {
  for (let i = 1; i < line.length; i++) {
    const c = line[i]
    if ((c === "#" || c === ";") && /\s/.test(line[i - 1]!)) return line.slice(0, i)
  }
  return line
}

const indentOf = (line: string): number => line.length - line.trimStart().length

/** Splits `key = value` (or `key: value`) at its first delimiter. */
const splitAssignment = (text: string): readonly [string, string] | undefined => {
  const eq = text.indexOf("=")
  const colon = text.indexOf(":")
  const at = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon)
  if (at === -1) return undefined
  const key = text.slice(0, at).trim()
  return key === "" ? undefined : [key, text.slice(at + 1).trim()]
}

interface Pending {
  readonly section: Record<string, IniValue>
  readonly key: string
  readonly indent: number
  readonly first: string
  readonly more: Array<string>
}

/** Stores a key's value once all its continuation lines are known. */
const settle = (pending: Pending): void => {
  if (pending.more.length === 0) {
    pending.section[pending.key] = pending.first
  } else if (pending.first === "") {
    const nested = emptyRecord<string>()
    for (const line of pending.more) {
      const pair = splitAssignment(line)
      if (pair !== undefined) nested[pair[0]] = pair[1]
    }
    pending.section[pending.key] = nested
  } else {
    pending.section[pending.key] = [pending.first, ...pending.more].join("\n")
  }
}

const mergeInto = (
  target: Record<string, Record<string, IniValue>>,
  name: string,
  section: IniSection
): void => {
  const existing = hasOwn(target, name) ? target[name]! : emptyRecord<IniValue>()
  for (const key of Object.keys(section)) existing[key] = section[key]!
  target[name] = existing
}

/** One `[header]` and the keys under it, before duplicate sections are merged. */
export interface Occurrence {
  readonly header: string
  readonly section: IniSection
}

/** Parses a file into its sections in file order, a repeated header appearing once per occurrence. */
export const parseOccurrences = (text: string): ReadonlyArray<Occurrence> => {
  const occurrences: Array<Occurrence> = []
  let section: Record<string, IniValue> | undefined
  let pending: Pending | undefined
  const flush = () => {
    if (pending !== undefined) settle(pending)
    pending = undefined
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  for (const raw of source.split(/\r\n|\n|\r/)) {
    const trimmed = raw.trim()
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue
    const line = stripInlineComment(raw).trimEnd()
    const content = line.trim()
    if (content === "") continue
    const indent = indentOf(line)
    if (pending !== undefined && indent > 0 && indent > pending.indent) {
      pending.more.push(content)
      continue
    }
    flush()
    if (content.startsWith("[")) {
      if (content.endsWith("]")) {
        section = emptyRecord<IniValue>()
        occurrences.push({ header: content.slice(1, -1).trim(), section })
      } else {
        section = undefined
      }
      continue
    }
    if (section === undefined) continue
    const pair = splitAssignment(content)
    if (pair === undefined) continue
    pending = { section, key: pair[0], indent, first: pair[1], more: [] }
  }
  flush()
  return occurrences
}

/** Parses the text of a shared config or credentials file, merging repeated sections. */
export const parse = (text: string): IniFile => {
  const file = emptyRecord<Record<string, IniValue>>()
  for (const { header, section } of parseOccurrences(text)) mergeInto(file, header, section)
  return file
}

/** What a config or credentials file holds, sorted by kind of section. */
export interface SharedSections {
  /** Profiles by name. */
  readonly profiles: Readonly<Record<string, IniSection>>
  /** `[sso-session name]` sections by name (config file only). */
  readonly ssoSessions: Readonly<Record<string, IniSection>>
  /** `[services name]` sections by name (config file only): per-service settings. */
  readonly services: Readonly<Record<string, IniSection>>
}

/** `profile  "my name"` → `my name`: the name after a section prefix, unquoted. */
const nameAfter = (prefix: string, header: string): string | undefined => {
  const match = new RegExp(`^${prefix}\\s+(.+)$`).exec(header)
  if (match === null) return undefined
  const name = match[1]!.trim()
  const quoted = /^(["'])(.*)\1$/.exec(name)
  return quoted === null ? name : quoted[2]!
}

/**
 * Sorts a config file's sections: `[default]` and `[profile default]` are the default profile,
 * `[profile name]` the profile `name`, `[sso-session name]` an SSO session. Other sections
 * (`[services x]`, a bare `[name]`) are not profiles. Sections naming the same profile merge in
 * file order, later keys winning.
 */
export const configSections = (occurrences: ReadonlyArray<Occurrence>): SharedSections => {
  const profiles = emptyRecord<Record<string, IniValue>>()
  const ssoSessions = emptyRecord<Record<string, IniValue>>()
  const services = emptyRecord<Record<string, IniValue>>()
  for (const { header, section } of occurrences) {
    if (header === "default") {
      mergeInto(profiles, "default", section)
      continue
    }
    const profile = nameAfter("profile", header)
    if (profile !== undefined) {
      mergeInto(profiles, profile, section)
      continue
    }
    const session = nameAfter("sso-session", header)
    if (session !== undefined) {
      mergeInto(ssoSessions, session, section)
      continue
    }
    const serviceSection = nameAfter("services", header)
    if (serviceSection !== undefined) mergeInto(services, serviceSection, section)
  }
  return { profiles, ssoSessions, services }
}

/** A credentials file's sections: every section is a profile, named as written. */
export const credentialsSections = (occurrences: ReadonlyArray<Occurrence>): SharedSections => {
  const profiles = emptyRecord<Record<string, IniValue>>()
  for (const { header, section } of occurrences) mergeInto(profiles, header, section)
  return { profiles, ssoSessions: emptyRecord(), services: emptyRecord() }
}

/**
 * Merges the two files: a profile present in either file exists; for a key set in both, the
 * credentials file wins.
 */
export const mergeFiles = (config: SharedSections, credentials: SharedSections): SharedSections => {
  const profiles = emptyRecord<Record<string, IniValue>>()
  for (const name of Object.keys(config.profiles)) mergeInto(profiles, name, config.profiles[name]!)
  for (const name of Object.keys(credentials.profiles)) {
    mergeInto(profiles, name, credentials.profiles[name]!)
  }
  return { profiles, ssoSessions: config.ssoSessions, services: config.services }
}

/** A key's value when it is a plain, non-empty string. */
export const stringValue = (section: IniSection | undefined, key: string): string | undefined => {
  if (section === undefined || !hasOwn(section, key)) return undefined
  const value = section[key]
  return typeof value === "string" && value !== "" ? value : undefined
}
