/**
 * AWS Signature Version 4 (header signing, non-S3 rules), synchronous, on `node:crypto`.
 *
 * The steps follow the SigV4 specification and keep its names: canonical URI, canonical query
 * string, canonical headers, signed headers, hashed payload, canonical request, string to sign,
 * signing key and signature.
 *
 * The URL is read the way a WHATWG `fetch` sends it. Plain ASCII URLs are split by hand (the
 * common case, and cheap); a URL with characters the URL parser would rewrite (spaces,
 * non-ASCII, `\`, IPv6 hosts, user info, ...) goes through `new URL` so that what is signed is
 * what is sent.
 */
import * as NodeCrypto from "node:crypto"
import type { SignableRequest } from "../Layer/Signer.js"

/** The request to sign: the `Signer` service's `SignableRequest`. */
export type SigV4Request = SignableRequest

/** Plain (unwrapped) credentials. */
export interface SigV4Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
}

/** The credential scope: region and service the signature is made for. */
export interface SigV4Scope {
  readonly region: string
  readonly service: string
}

/** Every intermediate value of a signature, in the specification's words. */
export interface CanonicalParts {
  /** `x-amz-date`: YYYYMMDD'T'HHMMSS'Z'. */
  readonly amzDate: string
  /** `date/region/service/aws4_request`. */
  readonly credentialScope: string
  readonly canonicalUri: string
  readonly canonicalQueryString: string
  /** One `name:value\n` line per signed header. */
  readonly canonicalHeaders: string
  readonly signedHeaders: string
  readonly hashedPayload: string
  readonly canonicalRequest: string
  readonly stringToSign: string
  /** The headers to send (lower-case names), everything but `authorization`. */
  readonly headers: Record<string, string>
}

const ALGORITHM = "AWS4-HMAC-SHA256"
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// ---------------------------------------------------------------------------------------------
// URI encoding

/** RFC 3986 unreserved characters: `A-Z a-z 0-9 - . _ ~`. */
const UNRESERVED = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  UNRESERVED[c] =
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
      c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e
      ? 1
      : 0
}

/** `%XX` (upper-case hex) for every byte value. */
const PERCENT: ReadonlyArray<string> = Array.from(
  { length: 256 },
  (_, b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")
)

/** The value of a hex digit's character code, or -1. */
const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const lower = c | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1
}

/** Percent-encodes the UTF-8 bytes of the code point at `s[i]`; returns the code units used. */
const appendUtf8 = (parts: Array<string>, s: string, i: number): number => {
  const c = s.charCodeAt(i)
  if (c < 0x80) {
    parts.push(PERCENT[c]!)
    return 1
  }
  if (c < 0x800) {
    parts.push(PERCENT[0xc0 | (c >> 6)]!, PERCENT[0x80 | (c & 0x3f)]!)
    return 1
  }
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const low = s.charCodeAt(i + 1)
    if (low >= 0xdc00 && low <= 0xdfff) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00)
      parts.push(
        PERCENT[0xf0 | (cp >> 18)]!,
        PERCENT[0x80 | ((cp >> 12) & 0x3f)]!,
        PERCENT[0x80 | ((cp >> 6) & 0x3f)]!,
        PERCENT[0x80 | (cp & 0x3f)]!
      )
      return 2
    }
  }
  // A lone surrogate is sent as U+FFFD, as UTF-8 encoders do.
  const cp = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c
  parts.push(
    PERCENT[0xe0 | (cp >> 12)]!,
    PERCENT[0x80 | ((cp >> 6) & 0x3f)]!,
    PERCENT[0x80 | (cp & 0x3f)]!
  )
  return 1
}

/** A character URI encoding changes in a path: not unreserved, not `/`. */
const ENCODED_IN_PATH = /[^A-Za-z0-9\-._~/]/

/**
 * URI-encodes a path the SigV4 way: unreserved characters and `/` stay, every other byte of
 * the UTF-8 form becomes `%XX`. Returns `s` itself when nothing needs encoding.
 */
const uriEncodePath = (s: string): string => {
  const length = s.length
  let i = s.search(ENCODED_IN_PATH)
  if (i < 0) return s
  const parts: Array<string> = [s.slice(0, i)]
  let run = -1
  while (i < length) {
    const c = s.charCodeAt(i)
    if (c < 128 && (UNRESERVED[c] === 1 || c === 0x2f)) {
      if (run < 0) run = i
      i++
      continue
    }
    if (run >= 0) {
      parts.push(s.slice(run, i))
      run = -1
    }
    i += appendUtf8(parts, s, i)
  }
  if (run >= 0) parts.push(s.slice(run))
  return parts.join("")
}

/**
 * One query-string name or value (`s[from..to)`, as it appears in the URL), decoded and
 * URI-encoded again, at the byte level: `+` is a space, valid `%XX` escapes are decoded (and
 * re-encoded unless unreserved), anything else not unreserved is encoded.
 */
const encodeQueryComponent = (s: string, from: number, to: number): string => {
  let i = from
  for (; i < to; i++) {
    const c = s.charCodeAt(i)
    if (!(c < 128 && UNRESERVED[c] === 1)) break
  }
  if (i === to) return from === 0 && to === s.length ? s : s.slice(from, to)
  const parts: Array<string> = [s.slice(from, i)]
  let run = -1
  while (i < to) {
    const c = s.charCodeAt(i)
    if (c < 128 && UNRESERVED[c] === 1) {
      if (run < 0) run = i
      i++
      continue
    }
    if (run >= 0) {
      parts.push(s.slice(run, i))
      run = -1
    }
    if (c === 0x2b) {
      parts.push("%20")
      i++
    } else if (c === 0x25) {
      const hi = i + 2 < to ? hexValue(s.charCodeAt(i + 1)) : -1
      const lo = hi >= 0 ? hexValue(s.charCodeAt(i + 2)) : -1
      if (lo >= 0) {
        const byte = (hi << 4) | lo
        const unreserved = byte < 128 && UNRESERVED[byte] === 1
        parts.push(unreserved ? String.fromCharCode(byte) : PERCENT[byte]!)
        i += 3
      } else {
        parts.push("%25")
        i++
      }
    } else {
      i += appendUtf8(parts, s, i)
    }
  }
  if (run >= 0) parts.push(s.slice(run, to))
  return parts.join("")
}

// ---------------------------------------------------------------------------------------------
// The request's URL, as sent

interface SentUrl {
  readonly host: string
  readonly path: string
  readonly query: string
}

/**
 * A character the WHATWG URL parser would not send as is in an http(s) URL (or that would
 * change how it splits one). Anything but unreserved, sub-delims and `: @ / % ? #`.
 */
const UNUSUAL_URL_CHARACTER = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%?#]/

const IPV4_PART = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`

/**
 * An authority the URL parser keeps as is, but for lower case and a default port: a DNS name
 * whose last label starts with a letter (so it is not read as an IPv4 number) or a dotted-quad
 * IPv4 address, and an optional decimal port.
 */
const PLAIN_AUTHORITY = new RegExp(
  String.raw`^(?:(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*|(?:${IPV4_PART}\.){3}${IPV4_PART})` +
    String.raw`(?::[1-9]\d{0,4})?$`
)

/** The host as sent, when `authority` is plain: lower case, without a default port. */
const plainHost = (authority: string, https: boolean): string | undefined => {
  if (!PLAIN_AUTHORITY.test(authority)) return undefined
  const host = authority.toLowerCase()
  if (host.indexOf("xn--") >= 0) return undefined
  const colon = host.indexOf(":")
  if (colon < 0) return host
  const port = host.slice(colon + 1)
  if (port.length === 5 && Number(port) > 65535) return undefined
  return port === (https ? "443" : "80") ? host.slice(0, colon) : host
}

/**
 * Splits `url` into host, path and query as a WHATWG `fetch` would send them: by hand for a
 * plain http(s) URL, through `new URL` for anything the parser would rewrite.
 */
const sentUrl = (url: string): SentUrl => {
  const https = url.startsWith("https://")
  const start = https ? 8 : url.startsWith("http://") ? 7 : -1
  if (start > 0 && !UNUSUAL_URL_CHARACTER.test(url)) {
    let end = url.indexOf("#", start)
    if (end < 0) end = url.length
    let question = url.indexOf("?", start)
    if (question < 0 || question > end) question = end
    let slash = url.indexOf("/", start)
    if (slash < 0 || slash > question) slash = question
    const host = plainHost(url.slice(start, slash), https)
    if (host !== undefined) {
      return {
        host,
        path: slash < question ? resolveDotSegments(url.slice(slash, question)) : "/",
        query: question < end ? url.slice(question + 1, end) : ""
      }
    }
  }
  const parsed = new URL(url)
  return { host: parsed.host, path: parsed.pathname, query: parsed.search.slice(1) }
}

/** 0: not a dot segment, 1: `.` (or `%2e`), 2: `..` (or `.%2e`, `%2e.`, `%2e%2e`). */
const dotSegment = (segment: string): 0 | 1 | 2 => {
  const length = segment.length
  if (length === 0 || length > 6) return 0
  let dots = 0
  let i = 0
  while (i < length) {
    if (segment.charCodeAt(i) === 0x2e) {
      i++
    } else if (
      segment.charCodeAt(i) === 0x25 && segment.charCodeAt(i + 1) === 0x32 &&
      (segment.charCodeAt(i + 2) | 0x20) === 0x65
    ) {
      i += 3
    } else {
      return 0
    }
    dots++
  }
  return dots === 1 ? 1 : dots === 2 ? 2 : 0
}

/**
 * Removes `.` and `..` segments the way the WHATWG URL parser does (and so the way the path
 * is sent): a trailing dot segment leaves a trailing `/`, and `..` also pops empty segments.
 */
const resolveDotSegments = (path: string): string => {
  if (path.indexOf("/.") < 0 && path.indexOf("/%2") < 0) return path
  const segments = path.slice(1).split("/")
  const output: Array<string> = []
  let changed = false
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!
    const last = i === segments.length - 1
    const dots = dotSegment(segment)
    if (dots === 0) {
      output.push(segment)
      continue
    }
    changed = true
    if (dots === 2) output.pop()
    if (last) output.push("")
  }
  return changed ? "/" + output.join("/") : path
}

/** Merges runs of `/` into one, as the AWS services do before checking the signature. */
const mergeSlashes = (path: string): string => {
  if (path.indexOf("//") < 0) return path
  const parts: Array<string> = []
  let from = 0
  for (let i = 1; i < path.length; i++) {
    if (path.charCodeAt(i) === 0x2f && path.charCodeAt(i - 1) === 0x2f) {
      parts.push(path.slice(from, i))
      from = i + 1
    }
  }
  parts.push(path.slice(from))
  return parts.join("")
}

// ---------------------------------------------------------------------------------------------
// The steps

let lastDateMillis = Number.NaN
let lastAmzDate = ""

const TWO_DIGITS: ReadonlyArray<string> = Array.from(
  { length: 100 },
  (_, n) => String(n).padStart(2, "0")
)

/** `x-amz-date`: the signing date as YYYYMMDD'T'HHMMSS'Z' (UTC). */
const amzDate = (date: Date): string => {
  const millis = date.getTime()
  if (millis === lastDateMillis) return lastAmzDate
  if (Number.isNaN(millis)) throw new RangeError("Invalid signing date")
  const year = date.getUTCFullYear()
  const formatted = String(year).padStart(4, "0") +
    TWO_DIGITS[date.getUTCMonth() + 1] + TWO_DIGITS[date.getUTCDate()] + "T" +
    TWO_DIGITS[date.getUTCHours()] + TWO_DIGITS[date.getUTCMinutes()] +
    TWO_DIGITS[date.getUTCSeconds()] + "Z"
  lastDateMillis = millis
  lastAmzDate = formatted
  return formatted
}

/** Canonical URI: the path as sent, dot segments resolved, slashes merged, URI-encoded again. */
const canonicalUri = (sentPath: string): string => uriEncodePath(mergeSlashes(sentPath))

/**
 * Canonical query string: each name and value decoded and URI-encoded, sorted by encoded name
 * then value, joined as `name=value` with `&`. Parameters without a name are left out.
 */
const canonicalQueryString = (query: string): string => {
  if (query.length === 0) return ""
  const names: Array<string> = []
  const values: Array<string> = []
  let from = 0
  while (from <= query.length) {
    let amp = query.indexOf("&", from)
    if (amp < 0) amp = query.length
    let equals = query.indexOf("=", from)
    if (equals < 0 || equals > amp) equals = amp
    if (equals > from) {
      names.push(encodeQueryComponent(query, from, equals))
      values.push(equals < amp ? encodeQueryComponent(query, equals + 1, amp) : "")
    }
    from = amp + 1
  }
  if (names.length === 1) return names[0] + "=" + values[0]
  const order = names.map((_, i) => i)
  order.sort((a, b) => {
    const na = names[a]!
    const nb = names[b]!
    if (na !== nb) return na < nb ? -1 : 1
    const va = values[a]!
    const vb = values[b]!
    return va < vb ? -1 : va > vb ? 1 : 0
  })
  let out = ""
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!
    out += (i === 0 ? "" : "&") + names[k] + "=" + values[k]
  }
  return out
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09

/** A header value as sent: leading and trailing spaces and tabs removed. */
const trimValue = (value: string): string => {
  let start = 0
  let end = value.length
  while (start < end && isSpace(value.charCodeAt(start))) start++
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

/** A canonical header value: a trimmed value with inner runs of spaces/tabs made one space. */
const canonicalValue = (trimmed: string): string => {
  const tab = trimmed.indexOf("\t")
  const spaces = trimmed.indexOf("  ")
  if (tab < 0 && spaces < 0) return trimmed
  let i = tab < 0 ? spaces : spaces < 0 ? tab : Math.min(tab, spaces)
  while (i > 0 && isSpace(trimmed.charCodeAt(i - 1))) i--
  let out = trimmed.slice(0, i)
  let inSpace = false
  for (; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i)
    if (isSpace(c)) {
      if (!inSpace) out += " "
      inSpace = true
    } else {
      out += trimmed[i]
      inSpace = false
    }
  }
  return out
}

/** Hex SHA-256: the one-shot `crypto.hash` where Node has it (20.12 and later), else a Hash. */
const sha256Hex: (data: string | Uint8Array) => string = typeof NodeCrypto.hash === "function"
  ? (data) => NodeCrypto.hash("sha256", data, "hex")
  : (data) => NodeCrypto.createHash("sha256").update(data).digest("hex")

/** Hashed payload: hex SHA-256 of the body, or the caller's non-empty `x-amz-content-sha256`. */
const hashedPayload = (body: string | Uint8Array | undefined, given: string | undefined): string =>
  given !== undefined && given.length > 0
    ? given
    : body === undefined || body.length === 0
    ? EMPTY_SHA256
    : sha256Hex(body)

/**
 * Signing key: HMAC chain over date, region, service and `aws4_request`, cached in a small
 * bounded map per (secret, date, region, service). The secret is part of the key by value.
 */
const SIGNING_KEY_CACHE_SIZE = 32
const signingKeys = new Map<string, Buffer>()
interface CachedKey {
  readonly secret: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly key: Buffer
}
let lastKey: CachedKey | undefined

const hmac = (key: string | Buffer, data: string): Buffer =>
  NodeCrypto.createHmac("sha256", key).update(data).digest()

const signingKey = (secret: string, date: string, region: string, service: string): Buffer => {
  const last = lastKey
  if (
    last !== undefined && last.secret === secret && last.date === date && last.region === region &&
    last.service === service
  ) {
    return last.key
  }
  const cacheKey = date + region.length + ":" + region + service.length + ":" + service + secret
  let key = signingKeys.get(cacheKey)
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request")
    if (signingKeys.size >= SIGNING_KEY_CACHE_SIZE) {
      const oldest = signingKeys.keys().next()
      if (oldest.done !== true) signingKeys.delete(oldest.value)
    }
    signingKeys.set(cacheKey, key)
  }
  lastKey = { secret, date, region, service, key }
  return key
}

/** Sets header `name` (lower case) to `value`, replacing any given value. */
const putHeader = (names: Array<string>, values: Array<string>, name: string, value: string) => {
  const at = names.indexOf(name)
  if (at < 0) {
    names.push(name)
    values.push(value)
  } else {
    values[at] = value
  }
}

/** Sorts header names (and their values alongside) by character code: an insertion sort. */
const sortHeaders = (names: Array<string>, values: Array<string>) => {
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!
    const value = values[i]!
    let j = i - 1
    while (j >= 0 && names[j]! > name) {
      names[j + 1] = names[j]!
      values[j + 1] = values[j]!
      j--
    }
    names[j + 1] = name
    values[j + 1] = value
  }
}

/**
 * Canonical request and string to sign for `request`, without the secret key. `sessionToken`
 * (when given) is added as `x-amz-security-token` and signed.
 *
 * Headers: names are lower-cased; names that differ only in case are one multi-valued header,
 * joined with `,`; `host` comes from the URL and any given `authorization` is dropped;
 * `x-amz-date` is set from `signingDate`. Every other given header is signed.
 */
export const canonicalize = (
  request: SigV4Request,
  scope: SigV4Scope,
  signingDate: Date,
  sessionToken?: string | undefined
): CanonicalParts => {
  const url = sentUrl(request.url)
  const date = amzDate(signingDate)

  // Header names and values (as sent) side by side; requests carry few headers, so a linear
  // search beats a map here.
  const names: Array<string> = []
  const values: Array<string> = []
  const given = request.headers
  for (const key in given) {
    const value = given[key]
    if (value === undefined) continue
    const name = key.toLowerCase()
    if (name === "host" || name === "authorization") continue
    const at = names.indexOf(name)
    if (at < 0) {
      names.push(name)
      values.push(trimValue(value))
    } else {
      values[at] += "," + trimValue(value)
    }
  }
  putHeader(names, values, "host", url.host)
  putHeader(names, values, "x-amz-date", date)
  if (sessionToken !== undefined) putHeader(names, values, "x-amz-security-token", sessionToken)
  sortHeaders(names, values)

  const headers: Record<string, string> = {}
  let canonicalHeaders = ""
  let signedHeaders = ""
  let contentSha256: string | undefined
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const value = values[i]!
    if (name === "__proto__") {
      Object.defineProperty(headers, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true
      })
    } else {
      headers[name] = value
    }
    if (name === "x-amz-content-sha256") contentSha256 = value
    canonicalHeaders += name + ":" + canonicalValue(value) + "\n"
    signedHeaders += i === 0 ? name : ";" + name
  }

  const uri = canonicalUri(url.path)
  const queryString = canonicalQueryString(url.query)
  const payload = hashedPayload(request.body, contentSha256)
  const canonicalRequest = request.method.toUpperCase() + "\n" + uri + "\n" + queryString + "\n" +
    canonicalHeaders + "\n" + signedHeaders + "\n" + payload

  const credentialScope = date.slice(0, 8) + "/" + scope.region + "/" + scope.service +
    "/aws4_request"
  const stringToSign = ALGORITHM + "\n" + date + "\n" + credentialScope + "\n" +
    sha256Hex(canonicalRequest)

  return {
    amzDate: date,
    credentialScope,
    canonicalUri: uri,
    canonicalQueryString: queryString,
    canonicalHeaders,
    signedHeaders,
    hashedPayload: payload,
    canonicalRequest,
    stringToSign,
    headers
  }
}

/**
 * Signs `request`: returns the headers to send (lower-case names), `host`, `x-amz-date`,
 * `x-amz-security-token` (with a session token) and `authorization` included.
 */
export const sign = (
  request: SigV4Request,
  credentials: SigV4Credentials,
  scope: SigV4Scope,
  signingDate: Date
): Record<string, string> => {
  const parts = canonicalize(request, scope, signingDate, credentials.sessionToken)
  const key = signingKey(
    credentials.secretAccessKey,
    parts.amzDate.slice(0, 8),
    scope.region,
    scope.service
  )
  const signature = NodeCrypto.createHmac("sha256", key).update(parts.stringToSign).digest("hex")
  const headers = parts.headers
  headers["authorization"] = ALGORITHM + " Credential=" + credentials.accessKeyId + "/" +
    parts.credentialScope + ", SignedHeaders=" + parts.signedHeaders + ", Signature=" + signature
  return headers
}
