import { describe, expect, it } from "@effect/vitest"
import * as SharedConfig from "../../src/Layer/Config/SharedConfig.js"

describe("INI parser", () => {
  it("skips full-line comments with # and ;, indented or not", () => {
    const file = SharedConfig.parse(`# top comment
; another
[default]
  # indented comment
region = us-east-1
    ; indented semicolon comment
output = json
`)
    expect(file.default).toEqual({ region: "us-east-1", output: "json" })
  })

  it("strips inline comments only when whitespace precedes # or ;", () => {
    const file = SharedConfig.parse(`[default]
region = eu-west-1 # the region
output = json	; tab before semicolon
sso_start_url = https://example.awsapps.com/start/#/home
note = a;b#c
[profile x] # header comment
region = us-west-2
`)
    expect(file.default).toEqual({
      region: "eu-west-1",
      output: "json",
      sso_start_url: "https://example.awsapps.com/start/#/home",
      note: "a;b#c"
    })
    expect(file["profile x"]).toEqual({ region: "us-west-2" })
  })

  it("accepts any spacing around = and the : delimiter, and empty values", () => {
    const file = SharedConfig.parse(`[default]
a=1
b   =    2
c	=	3
d: 4
e =
url = https://h:8443/p?q=1
`)
    expect(file.default).toEqual({ a: "1", b: "2", c: "3", d: "4", e: "", url: "https://h:8443/p?q=1" })
  })

  it("keeps unknown keys and the case keys are written in", () => {
    const file = SharedConfig.parse(`[default]
Region = us-east-1
cli_pager =
my_custom_tool_setting = on
AWS_ACCESS_KEY_ID = AKIDUPPER
`)
    expect(file.default).toEqual({
      Region: "us-east-1",
      cli_pager: "",
      my_custom_tool_setting: "on",
      AWS_ACCESS_KEY_ID: "AKIDUPPER"
    })
  })

  it("merges duplicate sections, later keys winning", () => {
    const file = SharedConfig.parse(`[profile dev]
region = us-east-1
output = json
[profile prod]
region = eu-west-1
[profile dev]
region = us-west-2
cli_pager =
`)
    expect(file["profile dev"]).toEqual({ region: "us-west-2", output: "json", cli_pager: "" })
    expect(file["profile prod"]).toEqual({ region: "eu-west-1" })
  })

  it("reads indented lines after an empty value as a sub-section", () => {
    const file = SharedConfig.parse(`[default]
region = us-east-1
s3 =
  max_concurrent_requests = 20
  addressing_style=path
  # a comment inside
  use_accelerate_endpoint = true ; inline
output = json
`)
    expect(file.default).toEqual({
      region: "us-east-1",
      s3: { max_concurrent_requests: "20", addressing_style: "path", use_accelerate_endpoint: "true" },
      output: "json"
    })
  })

  it("reads indented lines after a non-empty value as more lines of it", () => {
    const file = SharedConfig.parse(`[default]
ca_bundle = first
  second
    third
next = 1
`)
    expect(file.default).toEqual({ ca_bundle: "first\nsecond\nthird", next: "1" })
  })

  it("skips lines outside sections, lines without a delimiter, and a broken header's keys", () => {
    const file = SharedConfig.parse(`orphan = 1
[default]
just words
region = us-east-1
[broken
key = lost
[ok]
key = kept
`)
    expect(Object.keys(file)).toEqual(["default", "ok"])
    expect(file.default).toEqual({ region: "us-east-1" })
    expect(file.ok).toEqual({ key: "kept" })
  })

  it("handles CRLF line endings and a byte order mark", () => {
    const file = SharedConfig.parse("\ufeff[default]\r\nregion = us-east-2\r\n\r\n[profile b]\r\nregion=x\r\n")
    expect(file.default).toEqual({ region: "us-east-2" })
    expect(file["profile b"]).toEqual({ region: "x" })
  })

  it("treats __proto__ and constructor as ordinary names", () => {
    const file = SharedConfig.parse(`[__proto__]
__proto__ = 1
constructor = 2
`)
    expect(Object.keys(file)).toEqual(["__proto__"])
    expect(Object.entries(file["__proto__"]!)).toEqual([["__proto__", "1"], ["constructor", "2"]])
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
  })
})

describe("config file sections", () => {
  it("reads [default], [profile name] and [sso-session name], and ignores bare names", () => {
    const config = SharedConfig.parseConfig(`[default]
region = us-east-1
[profile dev]
region = eu-west-1
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[services local]
s3 =
  endpoint_url = http://127.0.0.1:9000
[stray]
region = nowhere
`)
    expect(Object.keys(config.profiles).sort()).toEqual(["default", "dev"])
    expect(config.profiles.dev).toEqual({ region: "eu-west-1" })
    expect(config.ssoSessions.corp).toEqual({
      sso_start_url: "https://corp.awsapps.com/start",
      sso_region: "us-east-1"
    })
  })

  it("merges [default] and [profile default] in file order", () => {
    const config = SharedConfig.parseConfig(`[default]
region = us-east-1
output = json
[profile default]
region = eu-central-1
`)
    expect(config.profiles.default).toEqual({ region: "eu-central-1", output: "json" })
  })

  it("reads spaced and quoted profile names", () => {
    const config = SharedConfig.parseConfig(`[ profile   spaced ]
region = a
[profile "with space"]
region = b
[profile 'single']
region = c
[profile]
region = none
`)
    expect(config.profiles.spaced).toEqual({ region: "a" })
    expect(config.profiles["with space"]).toEqual({ region: "b" })
    expect(config.profiles.single).toEqual({ region: "c" })
    expect(Object.keys(config.profiles).sort()).toEqual(["single", "spaced", "with space"])
  })

  it("reads credentials-file sections as plain names, a 'profile' prefix included", () => {
    const credentials = SharedConfig.parseCredentials(`[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret
[dev]
aws_access_key_id = AKIDDEV
aws_secret_access_key = secret
[profile odd]
aws_access_key_id = AKIDODD
`)
    expect(Object.keys(credentials.profiles).sort()).toEqual(["default", "dev", "profile odd"])
    expect(Object.keys(credentials.ssoSessions)).toEqual([])
  })

  it("parses a realistic config file", () => {
    const config = SharedConfig.parseConfig(`# ~/.aws/config, as seen in the wild
[default]
region=us-east-1
output = json
cli_pager=

[profile admin]   ; assume the admin role
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = default
role_session_name = alice
duration_seconds = 3600
external_id = 0123-abc

[profile sso-dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session my-sso]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile tools]
credential_process = /opt/bin/creds --account "dev account" --json
s3 =
    max_concurrent_requests = 10
    max_queue_size = 1000
retry_mode=adaptive
max_attempts	=	5

[profile admin]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
`)
    expect(config.profiles.default).toEqual({ region: "us-east-1", output: "json", cli_pager: "" })
    expect(config.profiles.admin).toEqual({
      role_arn: "arn:aws:iam::123456789012:role/Admin",
      source_profile: "default",
      role_session_name: "alice",
      duration_seconds: "3600",
      external_id: "0123-abc",
      mfa_serial: "arn:aws:iam::123456789012:mfa/alice"
    })
    expect(config.profiles["sso-dev"]).toEqual({
      sso_session: "my-sso",
      sso_account_id: "111122223333",
      sso_role_name: "ReadOnly",
      region: "eu-west-1"
    })
    expect(config.ssoSessions["my-sso"]).toEqual({
      sso_start_url: "https://my-sso-portal.awsapps.com/start",
      sso_region: "us-east-1",
      sso_registration_scopes: "sso:account:access"
    })
    expect(config.profiles.tools).toEqual({
      credential_process: "/opt/bin/creds --account \"dev account\" --json",
      s3: { max_concurrent_requests: "10", max_queue_size: "1000" },
      retry_mode: "adaptive",
      max_attempts: "5"
    })
  })

  it("exposes string values only through stringValue", () => {
    const config = SharedConfig.parseConfig(`[default]
region = us-east-1
empty =
s3 =
  a = b
`)
    expect(SharedConfig.stringValue(config.profiles.default, "region")).toBe("us-east-1")
    expect(SharedConfig.stringValue(config.profiles.default, "empty")).toBeUndefined()
    expect(SharedConfig.stringValue(config.profiles.default, "s3")).toBeUndefined()
    expect(SharedConfig.stringValue(config.profiles.default, "missing")).toBeUndefined()
    expect(SharedConfig.stringValue(config.profiles.default, "toString")).toBeUndefined()
  })
})
