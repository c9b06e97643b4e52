import { AmplifyBackendClient } from "@aws-sdk/client-amplifybackend"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { isDeepStrictEqual } from "node:util"
import type { ConfigurationError } from "../src/ClientErrors.js"
import {
  evaluateRuleSet,
  functionsUsed,
  supportedFunctions,
  type Condition,
  type Expression,
  type Rule,
  type RuleSet
} from "../src/internal/endpointRules.js"
import { partitionOf, partitions, type Partition } from "../src/internal/partitions.js"
import { Endpoint, type ResolvedEndpoint } from "../src/Layer/Endpoint.js"
import * as EndpointRules from "../src/Layer/EndpointRules.js"
import * as Region from "../src/Layer/Region.js"
import { ruleSet, testCases, type EndpointParameters } from "../src/Schema/EndpointRules.js"

/**
 * The partition data the model's test cases were written against. Those cases expect aws-iso
 * and aws-iso-b to refuse dual-stack; both partitions have since gained dual-stack endpoints
 * (`api.aws.ic.gov`, `api.aws.scloud`), which the built-in table and the official SDK follow.
 */
const asOfModel: ReadonlyArray<Partition> = partitions.map((p) =>
  p.name === "aws-iso" || p.name === "aws-iso-b"
    ? { ...p, supportsDualStack: false, dualStackDnsSuffix: p.dnsSuffix }
    : p
)

/** The error side of an Either, if it failed. */
const leftOf = <E>(result: Either.Either<unknown, E>): E | undefined =>
  Either.isLeft(result) ? result.left : undefined

type Outcome = { readonly url: string } | { readonly error: string }

/** Our resolution, the URL as `new URL` writes it so it compares with the SDK's. */
const ours = (params: EndpointParameters, options: EndpointRules.ResolveOptions = {}): Outcome =>
  Either.match(EndpointRules.resolve(params, options), {
    onLeft: (error) => ({ error: error.message }),
    onRight: (endpoint) => ({ url: new URL(endpoint.url).href })
  })

const sdk = new AmplifyBackendClient({
  region: "us-east-1",
  credentials: { accessKeyId: "a", secretAccessKey: "b" }
})
afterAll(() => sdk.destroy())

/** The official SDK's resolution of the same parameters: computed, no request is sent. */
const official = (params: EndpointParameters): Outcome => {
  try {
    return { url: sdk.config.endpointProvider({ ...params }).url.href }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

const expected = (c: (typeof testCases)[number]): Outcome =>
  "error" in c.expect ? { error: c.expect.error } : { url: new URL(c.expect.endpoint.url).href }

const combos: ReadonlyArray<readonly [fips: boolean, dualStack: boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true]
]

describe("the model's endpoint test cases", () => {
  it("are all there", () => {
    expect(testCases.length).toBe(41)
  })

  for (const c of testCases) {
    it(c.documentation, () => {
      const result = evaluateRuleSet(ruleSet, c.params, { partitions: asOfModel })
      if ("error" in c.expect) {
        expect(result).toEqual(Either.left({ reason: "ErrorRule", message: c.expect.error }))
      } else {
        const endpoint = Either.getOrThrow(result)
        expect(endpoint.url).toBe(c.expect.endpoint.url)
        expect(endpoint.properties).toEqual(c.expect.endpoint.properties ?? {})
        expect(endpoint.headers).toEqual(c.expect.endpoint.headers ?? {})
        expect(ours(c.params, { partitions: asOfModel })).toEqual(expected(c))
      }
    })
  }

  it("differ from today's partition data only where aws-iso, aws-iso-b gained dual-stack", () => {
    const changed = testCases.filter((c) => !isDeepStrictEqual(ours(c.params), expected(c)))
    expect(changed.map((c) => c.documentation)).toEqual([
      "For region us-iso-east-1 with FIPS enabled and DualStack enabled",
      "For region us-iso-east-1 with FIPS disabled and DualStack enabled",
      "For region us-isob-east-1 with FIPS enabled and DualStack enabled",
      "For region us-isob-east-1 with FIPS disabled and DualStack enabled"
    ])
    expect(changed.map((c) => ours(c.params))).toEqual([
      { url: "https://amplifybackend-fips.us-iso-east-1.api.aws.ic.gov/" },
      { url: "https://amplifybackend.us-iso-east-1.api.aws.ic.gov/" },
      { url: "https://amplifybackend-fips.us-isob-east-1.api.aws.scloud/" },
      { url: "https://amplifybackend.us-isob-east-1.api.aws.scloud/" }
    ])
  })

  it("use only functions the interpreter implements", () => {
    const used = functionsUsed(ruleSet)
    expect(used.length).toBeGreaterThan(0)
    for (const fn of used) expect(supportedFunctions).toContain(fn)
  })
})

describe("resolution against the official SDK", () => {
  for (const c of testCases) {
    it(`same outcome for the model case: ${c.documentation}`, () => {
      expect(ours(c.params)).toEqual(official(c.params))
    })
  }

  const regions = [
    "ap-southeast-7",
    "mx-central-1",
    "us-isof-south-1",
    "us-isof-east-1",
    "eu-isoe-west-1",
    "eusc-de-east-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-iso-west-1",
    "us-isob-west-1",
    "aws-global",
    "aws-cn-global",
    "ca-west-1",
    "ap-east-2",
    "xx-future-1",
    "cn-future-9",
    "us-gov-future-3",
    "eusc-fr-future-1"
  ]
  for (const region of regions) {
    for (const [fips, dualStack] of combos) {
      it(`same outcome for ${region}, FIPS ${fips}, dual-stack ${dualStack}`, () => {
        const params = { Region: region, UseFIPS: fips, UseDualStack: dualStack }
        const outcome = ours(params)
        expect(outcome).toEqual(official(params))
        expect("url" in outcome).toBe(true)
      })
    }
  }

  for (const url of ["https://example.com", "http://127.0.0.1:4566", "https://proxy.test/base"]) {
    for (const region of ["eu-west-1", undefined]) {
      for (const [fips, dualStack] of combos) {
        const name = `endpoint ${url}, region ${region}, FIPS ${fips}, dual-stack ${dualStack}`
        it(`same outcome for ${name}`, () => {
          const params = {
            Endpoint: url,
            UseFIPS: fips,
            UseDualStack: dualStack,
            ...(region === undefined ? {} : { Region: region })
          }
          expect(ours(params)).toEqual(official(params))
        })
      }
    }
  }

  it("same outcome with no region and no endpoint", () => {
    expect(ours({})).toEqual(official({}))
    expect(ours({})).toEqual({ error: "Invalid Configuration: Missing Region" })
  })
})

describe("resolve", () => {
  it("signs for the region and amplifybackend when the endpoint names no auth scheme", () => {
    expect(EndpointRules.resolve({ Region: "ap-southeast-7", UseFIPS: true })).toEqual(
      Either.right({
        url: "https://amplifybackend-fips.ap-southeast-7.amazonaws.com",
        signingRegion: "ap-southeast-7",
        signingName: "amplifybackend"
      })
    )
  })

  it("strips a custom endpoint's trailing slash, and signs for us-east-1 with no region", () => {
    expect(EndpointRules.resolve({ Endpoint: "http://127.0.0.1:4566/" })).toEqual(
      Either.right({
        url: "http://127.0.0.1:4566",
        signingRegion: "us-east-1",
        signingName: "amplifybackend"
      })
    )
  })

  it("takes the signing scope from the endpoint's sigv4 auth scheme", () => {
    const withAuth: RuleSet = {
      version: "1.0",
      parameters: { Region: { type: "String", required: true } },
      rules: [
        {
          type: "endpoint",
          conditions: [],
          endpoint: {
            url: "https://global.example.test",
            properties: {
              authSchemes: [
                { name: "sigv4a", signingName: "other", signingRegionSet: ["*"] },
                { name: "sigv4", signingName: "amplify-global", signingRegion: "us-east-1" }
              ]
            }
          }
        }
      ]
    }
    const result = EndpointRules.resolve({ Region: "eu-west-3" }, { ruleSet: withAuth })
    expect(result).toEqual(
      Either.right({
        url: "https://global.example.test",
        signingRegion: "us-east-1",
        signingName: "amplify-global"
      })
    )
  })

  it("fails with the error rule's message as a tagged error", () => {
    const error = leftOf(
      EndpointRules.resolve({ Region: "us-east-1", UseFIPS: true, Endpoint: "https://x.test" })
    )
    expect(error).toBeInstanceOf(EndpointRules.EndpointResolutionError)
    expect(error?._tag).toBe("EndpointResolutionError")
    expect(error?.reason).toBe("ErrorRule")
    expect(error?.message).toBe("Invalid Configuration: FIPS and custom endpoint are not supported")
  })
})

describe("partitions", () => {
  it("places every explicit region, and every implicit global region, in its own partition", () => {
    for (const p of partitions) {
      for (const region of [...p.regions, p.implicitGlobalRegion]) {
        expect(partitionOf(region)?.name, region).toBe(p.name)
      }
    }
  })

  it("prefers an explicit region list to another partition's pattern", () => {
    const special: Partition = { ...partitions[0]!, name: "special", regions: ["us-special-1"] }
    const table = [partitions[0]!, special]
    expect(partitionOf("us-special-1", table)?.name).toBe("special")
    expect(partitionOf("us-other-1", table)?.name).toBe("aws")
  })

  it("places unknown regions by pattern, and anything else in aws", () => {
    expect(partitionOf("cn-future-9")?.name).toBe("aws-cn")
    expect(partitionOf("us-isof-west-7")?.name).toBe("aws-iso-f")
    expect(partitionOf("eusc-de-west-2")?.name).toBe("aws-eusc")
    expect(partitionOf("xx-future-1")?.name).toBe("aws")
    expect(partitionOf("not a region")?.name).toBe("aws")
  })
})

// ---------------------------------------------------------------------------------------------
// The interpreter on small rule sets of its own

const call = (fn: string, ...argv: ReadonlyArray<Expression>): Condition => ({ fn, argv })
const ref = (name: string): Expression => ({ ref: name })
const endpointRule = (conditions: ReadonlyArray<Condition>, url: Expression): Rule => ({
  type: "endpoint",
  conditions,
  endpoint: { url }
})
const errorRule = (conditions: ReadonlyArray<Condition>, error: Expression): Rule => ({
  type: "error",
  conditions,
  error
})

/** A rule set over one string parameter `In` that answers with an error carrying its result. */
const probe = (condition: Condition, answer: string): RuleSet => ({
  version: "1.0",
  parameters: { In: { type: "string", required: true } },
  rules: [
    errorRule([{ ...condition, assign: "out" }], answer),
    errorRule([], "none")
  ]
})

const answer = (rules: RuleSet, input: string): string =>
  Either.match(evaluateRuleSet(rules, { In: input }), {
    onLeft: (failure) => failure.message,
    onRight: (endpoint) => `endpoint ${endpoint.url}`
  })

describe("the rules interpreter", () => {
  it("substring: from the start, from the end, ASCII only", () => {
    const front = probe(call("substring", ref("In"), 0, 4, false), "{out}")
    const back = probe(call("substring", ref("In"), 0, 4, true), "{out}")
    const middle = probe(call("substring", ref("In"), 1, 3, false), "{out}")
    expect(answer(front, "abcdefg")).toBe("abcd")
    expect(answer(front, "abcd")).toBe("abcd")
    expect(answer(front, "abc")).toBe("none")
    expect(answer(front, "abcdef\u0080")).toBe("none")
    expect(answer(front, "\u007fabcdef")).toBe("\u007fabc")
    expect(answer(back, "abcdefg")).toBe("defg")
    expect(answer(middle, "defg")).toBe("ef")
    expect(answer(middle, "ab")).toBe("none")
  })

  it("uriEncode: everything but RFC 3986's unreserved characters, as UTF-8", () => {
    const encode = probe(call("uriEncode", ref("In")), "[{out}]")
    expect(answer(encode, "0123456789.under_dash-Tilde~")).toBe("[0123456789.under_dash-Tilde~]")
    expect(answer(encode, "a:b/c d!*'()")).toBe("[a%3Ab%2Fc%20d%21%2A%27%28%29]")
    expect(answer(encode, "\u{1F639}")).toBe("[%F0%9F%98%B9]")
    expect(answer(encode, "")).toBe("[]")
  })

  it("isValidHostLabel, with and without sub-domains", () => {
    const single = probe(call("isValidHostLabel", ref("In"), false), "yes")
    const dotted = probe(call("isValidHostLabel", ref("In"), true), "yes")
    for (const ok of ["us-east-1", "3aws4", "a"]) expect(answer(single, ok)).toBe("yes")
    for (const bad of ["", "part1.part2", "part1 part2", "-a", "a-", "x".repeat(64)]) {
      expect(answer(single, bad), bad).toBe("none")
    }
    expect(answer(dotted, "part1.part2")).toBe("yes")
    for (const bad of ["part1.", "part1..part2", "part1.-part2"]) {
      expect(answer(dotted, bad), bad).toBe("none")
    }
  })

  it("aws.isVirtualHostableS3Bucket", () => {
    const plain = probe(call("aws.isVirtualHostableS3Bucket", ref("In"), false), "yes")
    const dotted = probe(call("aws.isVirtualHostableS3Bucket", ref("In"), true), "yes")
    for (const ok of ["bucket-name", "bucket-with-number-1"]) expect(answer(plain, ok)).toBe("yes")
    for (const bad of ["BucketName", "bucket_name", "-bucket", "bucket-", "aa", "a".repeat(64)]) {
      expect(answer(plain, bad), bad).toBe("none")
    }
    expect(answer(plain, "bucket.name")).toBe("none")
    expect(answer(dotted, "bucket.name.multiple.dots1")).toBe("yes")
    for (const bad of [".bucket", "bucket.", "192.168.5.4", "bucket-.name", "bucket.-name"]) {
      expect(answer(dotted, bad), bad).toBe("none")
    }
  })

  it("parseURL: scheme, authority, path, normalized path, IP or not; no query", () => {
    const parse = probe(
      call("parseURL", ref("In")),
      "{out#scheme}|{out#authority}|{out#path}|{out#normalizedPath}"
    )
    const ipAttr = call("getAttr", call("parseURL", ref("In")), "isIp")
    const isIp = probe(call("booleanEquals", ipAttr, true), "ip")
    expect(answer(parse, "https://authority.com/custom-path")).toBe(
      "https|authority.com|/custom-path|/custom-path/"
    )
    expect(answer(parse, "https://authority.com")).toBe("https|authority.com||/")
    expect(answer(parse, "https://authority.com:8000/port")).toBe(
      "https|authority.com:8000|/port|/port/"
    )
    expect(answer(parse, "https://[2001:db8::7348]:443")).toBe("https|[2001:db8::7348]:443||/")
    expect(answer(parse, "http://99_ab-.com")).toBe("http|99_ab-.com||/")
    for (const bad of ["acbd://example.com", "http://abc.com:a/foo", "https://example.com/p?q=1"]) {
      expect(answer(parse, bad), bad).toBe("none")
    }
    expect(answer(isIp, "http://192.168.1.1:1234/foo/")).toBe("ip")
    expect(answer(isIp, "https://[2001:db8::7348]:443")).toBe("ip")
    expect(answer(isIp, "https://999.999.abc.blah")).toBe("none")
  })

  it("aws.parseArn and getAttr paths with an index", () => {
    const arn = probe(
      call("aws.parseArn", ref("In")),
      "{out#partition}|{out#service}|{out#region}|{out#accountId}|" +
        "{out#resourceId[0]}|{out#resourceId[1]}"
    )
    expect(answer(arn, "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap")).toBe(
      "aws|s3|us-west-2|123456789012|accesspoint|my-ap"
    )
    expect(answer(arn, "arn:aws:sns:us-east-1:1:topic:sub")).toBe("aws|sns|us-east-1|1|topic|sub")
    const bads = ["arn:aws:s3", "arn::s3:::b", "arn:aws::::b", "arn:aws:s3:::", "urn:aws:s3:::b"]
    for (const bad of bads) {
      expect(answer(arn, bad), bad).toBe("none")
    }
    const third = probe(call("getAttr", call("aws.parseArn", ref("In")), "resourceId[2]"), "{out}")
    expect(answer(third, "arn:aws:iam::1:role/a/b")).toBe("b")
    expect(answer(third, "arn:aws:iam::1:role/a")).toBe("none")
  })

  it("templates: {Name}, {Name#attr}, and doubled braces for literal ones", () => {
    const rules = probe(
      call("aws.partition", ref("In")),
      "{{{In}}} in {out#name} ({out#dnsSuffix})"
    )
    expect(answer(rules, "cn-north-1")).toBe("{cn-north-1} in aws-cn (amazonaws.com.cn)")
  })

  it("binds an assignment for nested rules only, and makes a matching tree terminal", () => {
    const rules: RuleSet = {
      version: "1.0",
      parameters: { In: { type: "String", required: true } },
      rules: [
        {
          type: "tree",
          conditions: [{ ...call("stringEquals", ref("In"), "tree"), assign: "hit" }],
          rules: [endpointRule([call("booleanEquals", ref("hit"), false)], "https://never.test")]
        },
        endpointRule([call("not", call("stringEquals", ref("In"), "x"))], "https://{In}.test"),
        errorRule([], "fallback")
      ]
    }
    expect(answer(rules, "abc")).toBe("endpoint https://abc.test")
    expect(answer(rules, "x")).toBe("fallback")
    expect(evaluateRuleSet(rules, { In: "tree" })).toEqual(
      Either.left({ reason: "NoMatch", message: "No endpoint rule matched the parameters" })
    )
  })

  it("takes an unset value as equal to nothing, and as unset in other functions", () => {
    const rules: RuleSet = {
      version: "1.0",
      parameters: { Flag: { type: "Boolean" }, Url: { type: "String" } },
      rules: [
        errorRule([call("booleanEquals", ref("Flag"), true)], "flag"),
        errorRule([call("parseURL", ref("Url"))], "url"),
        errorRule([call("not", call("stringEquals", ref("Url"), "x"))], "neither")
      ]
    }
    expect(leftOf(evaluateRuleSet(rules, {}))?.message).toBe("neither")
    expect(leftOf(evaluateRuleSet(rules, { Flag: true }))?.message).toBe("flag")
    expect(leftOf(evaluateRuleSet(rules, { Url: "https://a.test" }))?.message).toBe("url")
  })

  it("checks parameters: required ones, defaults, types", () => {
    const rules: RuleSet = {
      version: "1.0",
      parameters: {
        Name: { type: "String", required: true },
        Flag: { type: "Boolean", required: true, default: true },
        List: { type: "StringArray", required: false }
      },
      rules: [endpointRule([call("booleanEquals", ref("Flag"), true)], "https://{Name}.test")]
    }
    expect(Either.map(evaluateRuleSet(rules, { Name: "a" }), (e) => e.url)).toEqual(
      Either.right("https://a.test")
    )
    expect(evaluateRuleSet(rules, {})).toEqual(
      Either.left({ reason: "InvalidParameter", message: "Missing required parameter Name" })
    )
    expect(leftOf(evaluateRuleSet(rules, { Name: 1 }))?.reason).toBe("InvalidParameter")
    expect(leftOf(evaluateRuleSet(rules, { Name: "a", List: ["x", 2] }))?.reason).toBe(
      "InvalidParameter"
    )
  })

  it("reports what it cannot run: unknown functions, references to nothing", () => {
    const unknownFn: RuleSet = {
      version: "1.0",
      parameters: {},
      rules: [endpointRule([call("aws.mystery")], "https://x.test")]
    }
    const dangling: RuleSet = {
      version: "1.0",
      parameters: {},
      rules: [endpointRule([], "https://{Nope}.test")]
    }
    expect(leftOf(evaluateRuleSet(unknownFn, {}))?.reason).toBe("InvalidRuleSet")
    expect(leftOf(evaluateRuleSet(dangling, {}))?.reason).toBe("InvalidRuleSet")
  })

  it("evaluates endpoint properties and headers as templates", () => {
    const rules: RuleSet = {
      version: "1.0",
      parameters: { Region: { type: "String", required: true } },
      rules: [
        {
          type: "endpoint",
          conditions: [],
          endpoint: {
            url: "https://svc.{Region}.test",
            properties: { authSchemes: [{ name: "sigv4", signingRegion: "{Region}", flag: true }] },
            headers: { "x-region": ["{Region}", "static"] }
          }
        }
      ]
    }
    expect(evaluateRuleSet(rules, { Region: "eu-west-1" })).toEqual(
      Either.right({
        url: "https://svc.eu-west-1.test",
        properties: { authSchemes: [{ name: "sigv4", signingRegion: "eu-west-1", flag: true }] },
        headers: { "x-region": ["eu-west-1", "static"] }
      })
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Settings from the environment, and the layer

type Settings = EndpointRules.EndpointSettings

const fromEnv = (env: Record<string, string>): Either.Either<Settings, ConfigurationError> =>
  Effect.runSync(Effect.either(EndpointRules.settingsFromEnvironment(env)))

const failedSetting = (env: Record<string, string>): string | undefined =>
  leftOf(fromEnv(env))?.setting

describe("settingsFromEnvironment", () => {
  it("reads nothing from an empty environment", () => {
    expect(fromEnv({})).toEqual(Either.right({}))
  })

  it("reads AWS_USE_FIPS_ENDPOINT", () => {
    expect(fromEnv({ AWS_USE_FIPS_ENDPOINT: "true" })).toEqual(Either.right({ useFips: true }))
  })

  it("reads AWS_USE_DUALSTACK_ENDPOINT", () => {
    expect(fromEnv({ AWS_USE_DUALSTACK_ENDPOINT: "false" })).toEqual(
      Either.right({ useDualStack: false })
    )
  })

  it("takes true and false in any case", () => {
    expect(fromEnv({ AWS_USE_FIPS_ENDPOINT: "TRUE", AWS_USE_DUALSTACK_ENDPOINT: "False" })).toEqual(
      Either.right({ useFips: true, useDualStack: false })
    )
  })

  it("refuses another value of AWS_USE_FIPS_ENDPOINT, naming the variable", () => {
    expect(failedSetting({ AWS_USE_FIPS_ENDPOINT: "yes" })).toBe("AWS_USE_FIPS_ENDPOINT")
  })

  it("refuses another value of AWS_USE_DUALSTACK_ENDPOINT, naming the variable", () => {
    expect(failedSetting({ AWS_USE_DUALSTACK_ENDPOINT: "1" })).toBe("AWS_USE_DUALSTACK_ENDPOINT")
  })

  it("takes an empty variable as unset", () => {
    expect(fromEnv({ AWS_USE_FIPS_ENDPOINT: "", AWS_ENDPOINT_URL: "" })).toEqual(Either.right({}))
  })

  it("reads AWS_ENDPOINT_URL", () => {
    expect(fromEnv({ AWS_ENDPOINT_URL: "http://127.0.0.1:4566/" })).toEqual(
      Either.right({ endpointUrl: "http://127.0.0.1:4566" })
    )
  })

  it("prefers AWS_ENDPOINT_URL_AMPLIFYBACKEND to AWS_ENDPOINT_URL", () => {
    const env = {
      AWS_ENDPOINT_URL_AMPLIFYBACKEND: "http://svc.test",
      AWS_ENDPOINT_URL: "http://all.test"
    }
    expect(fromEnv(env)).toEqual(Either.right({ endpointUrl: "http://svc.test" }))
  })

  it("ignores both URL variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true", () => {
    const env = {
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "True",
      AWS_ENDPOINT_URL_AMPLIFYBACKEND: "http://svc.test",
      AWS_ENDPOINT_URL: "http://all.test"
    }
    expect(fromEnv(env)).toEqual(Either.right({}))
  })

  it("uses the URL variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is false", () => {
    const env = {
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
      AWS_ENDPOINT_URL: "http://all.test"
    }
    expect(fromEnv(env)).toEqual(Either.right({ endpointUrl: "http://all.test" }))
  })

  it("refuses another value of AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, naming the variable", () => {
    expect(failedSetting({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "on" })).toBe(
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
    )
  })

  it("refuses a URL variable that is not an http(s) URL, naming the variable", () => {
    expect(failedSetting({ AWS_ENDPOINT_URL_AMPLIFYBACKEND: "ftp://x.test" })).toBe(
      "AWS_ENDPOINT_URL_AMPLIFYBACKEND"
    )
    expect(failedSetting({ AWS_ENDPOINT_URL: "not a url" })).toBe("AWS_ENDPOINT_URL")
  })
})

const endpointFor = (
  layer: Layer.Layer<Endpoint, ConfigurationError, Region.Region>,
  region: string
): Either.Either<ResolvedEndpoint, ConfigurationError> =>
  Effect.runSync(
    Effect.either(Effect.provide(Endpoint, Layer.provide(layer, Region.layer(region))))
  )

describe("EndpointRules.layer", () => {
  it("resolves for the region in context", () => {
    expect(endpointFor(EndpointRules.layer({ useDualStack: true }), "us-isof-south-1")).toEqual(
      Either.right({
        url: "https://amplifybackend.us-isof-south-1.api.aws.hci.ic.gov",
        signingRegion: "us-isof-south-1",
        signingName: "amplifybackend"
      })
    )
  })

  it("sends to a custom URL, signed for the region", () => {
    const layer = EndpointRules.layer({ endpointUrl: "http://127.0.0.1:4566/" })
    expect(endpointFor(layer, "eu-west-1")).toEqual(
      Either.right({
        url: "http://127.0.0.1:4566",
        signingRegion: "eu-west-1",
        signingName: "amplifybackend"
      })
    )
  })

  it("fails with a ConfigurationError carrying the rule's message", () => {
    const layer = EndpointRules.layer({ useFips: true, endpointUrl: "https://x.test" })
    const error = leftOf(endpointFor(layer, "us-east-1"))
    expect(error?._tag).toBe("ConfigurationError")
    expect(error?.message).toBe("Invalid Configuration: FIPS and custom endpoint are not supported")
  })

  it("fails with a ConfigurationError for a custom URL that is not http(s)", () => {
    const layer = EndpointRules.layer({ endpointUrl: "ftp://x.test" })
    const error = leftOf(endpointFor(layer, "us-east-1"))
    expect(error?.setting).toBe("endpoint")
  })

  it("reads its settings from the environment", () => {
    const layer = EndpointRules.layerEnvironment({ AWS_USE_FIPS_ENDPOINT: "true" })
    expect(Either.map(endpointFor(layer, "us-gov-west-1"), (e) => e.url)).toEqual(
      Either.right("https://amplifybackend-fips.us-gov-west-1.amazonaws.com")
    )
  })
})
