/**
 * A small interpreter of the Smithy rules language (`smithy.rules#endpointRuleSet`): it walks
 * a rule set with a set of parameters and yields the endpoint of the first rule that matches,
 * or the message of the error rule that matches, or why nothing could be resolved.
 *
 * Conditions run in order and fail on `false` or on an unset value; `assign` binds a
 * condition's value for the rest of its rule and the rules nested in it. Tree rules are
 * terminal: once a tree's conditions hold, one of its rules must match.
 */
import * as Either from "effect/Either"
import { partitionOf, partitions as defaultPartitions, type Partition } from "./partitions.js"

// ---------------------------------------------------------------------------------------------
// The rule set, as the model writes it

/** The type of a rule-set parameter (AWS models capitalize it, Smithy's own examples do not). */
export type ParameterType =
  | "String"
  | "Boolean"
  | "StringArray"
  | "string"
  | "boolean"
  | "stringArray"

/** A declared parameter of a rule set. */
export interface Parameter {
  readonly type: ParameterType
  readonly required?: boolean
  readonly default?: string | boolean | ReadonlyArray<string>
  readonly builtIn?: string
  readonly documentation?: string
}

/** A reference to a parameter or to a value a condition assigned. */
export interface Reference {
  readonly ref: string
}

/** A call of a library function. */
export interface FunctionCall {
  readonly fn: string
  readonly argv: ReadonlyArray<Expression>
}

/** An object literal (endpoint properties): its values are expressions too. */
export interface RecordLiteral {
  readonly [key: string]: Expression
}

/** Anything that evaluates to a value; strings are templates (`{Region}`, `{P#dnsSuffix}`). */
export type Expression =
  | string
  | number
  | boolean
  | Reference
  | FunctionCall
  | ReadonlyArray<Expression>
  | RecordLiteral

/** A condition: a function call, whose value may be bound to a name. */
export interface Condition extends FunctionCall {
  readonly assign?: string
}

/** The endpoint an endpoint rule yields. */
export interface EndpointTemplate {
  readonly url: Expression
  readonly properties?: RecordLiteral
  readonly headers?: { readonly [name: string]: ReadonlyArray<Expression> }
}

interface RuleBase {
  readonly conditions: ReadonlyArray<Condition>
  readonly documentation?: string
}

/** A rule that resolves to an endpoint. */
export interface EndpointRule extends RuleBase {
  readonly type: "endpoint"
  readonly endpoint: EndpointTemplate
}

/** A rule that fails resolution with a message. */
export interface ErrorRule extends RuleBase {
  readonly type: "error"
  readonly error: Expression
}

/** A rule whose rules apply when its conditions hold. */
export interface TreeRule extends RuleBase {
  readonly type: "tree"
  readonly rules: ReadonlyArray<Rule>
}

/** Any rule. */
export type Rule = EndpointRule | ErrorRule | TreeRule

/** A rule set: its parameters and its rules, tried in order. */
export interface RuleSet {
  readonly version: string
  readonly parameters: { readonly [name: string]: Parameter }
  readonly rules: ReadonlyArray<Rule>
}

/** The endpoint a model test case expects. */
export interface ExpectedEndpoint {
  readonly url: string
  readonly properties?: { readonly [name: string]: Value }
  readonly headers?: { readonly [name: string]: ReadonlyArray<string> }
}

/** A test case of `smithy.rules#endpointTests`: parameters, and the endpoint or error expected. */
export interface EndpointTestCase<P> {
  readonly documentation: string
  readonly params: P
  readonly expect: { readonly endpoint: ExpectedEndpoint } | { readonly error: string }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** A value during evaluation; `undefined` is the rules language's unset value. */
export type Value =
  | string
  | number
  | boolean
  | undefined
  | ReadonlyArray<Value>
  | { readonly [key: string]: Value }

/** The endpoint a rule set resolved to. */
export interface RuleEndpoint {
  readonly url: string
  readonly properties: { readonly [name: string]: Value }
  readonly headers: { readonly [name: string]: ReadonlyArray<string> }
}

/**
 * Why a rule set resolved to no endpoint: an error rule matched (`ErrorRule`, with the rule's
 * message), no rule matched (`NoMatch`), a parameter was missing or of the wrong type
 * (`InvalidParameter`), or the rule set itself is not something this interpreter can run
 * (`InvalidRuleSet`: an unknown function, a reference to nothing, a type mismatch).
 */
export interface RuleFailure {
  readonly reason: "ErrorRule" | "NoMatch" | "InvalidParameter" | "InvalidRuleSet"
  readonly message: string
}

/** Options of an evaluation: the partition table `aws.partition` reads. */
export interface EvaluateOptions {
  readonly partitions?: ReadonlyArray<Partition>
}

class Failure extends Error {
  constructor(readonly failure: RuleFailure) {
    super(failure.message)
  }
}

const fail = (reason: RuleFailure["reason"], message: string): never => {
  throw new Failure({ reason, message })
}

type Scope = ReadonlyMap<string, Value>

interface Context {
  readonly partitions: ReadonlyArray<Partition>
}

type LibraryFunction = (args: ReadonlyArray<Value>, context: Context) => Value

const isRecord = (v: Value): v is { readonly [key: string]: Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const show = (v: Value): string => (v === undefined ? "unset" : JSON.stringify(v))

const expectString = (fn: string, v: Value): string =>
  typeof v === "string" ? v : fail("InvalidRuleSet", `${fn} expects a string, got ${show(v)}`)

const expectBoolean = (fn: string, v: Value): boolean =>
  typeof v === "boolean" ? v : fail("InvalidRuleSet", `${fn} expects a boolean, got ${show(v)}`)

const expectNumber = (fn: string, v: Value): number =>
  typeof v === "number" && Number.isInteger(v)
    ? v
    : fail("InvalidRuleSet", `${fn} expects an integer, got ${show(v)}`)

const arity = (fn: string, args: ReadonlyArray<Value>, n: number): void => {
  if (args.length !== n) fail("InvalidRuleSet", `${fn} takes ${n} arguments, got ${args.length}`)
}

/** Splits a `getAttr` path (`a.b[0]`, `resourceId[2]`) into keys and indexes. */
const pathSteps = (path: string): ReadonlyArray<string | number> => {
  const steps: Array<string | number> = []
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    if (match === null || (match[1] === "" && match[2] === "")) {
      return fail("InvalidRuleSet", `invalid getAttr path ${JSON.stringify(path)}`)
    }
    if (match[1] !== "") steps.push(match[1]!)
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]))
  }
  return steps
}

const getAttr = (value: Value, path: string): Value => {
  let current = value
  for (const step of pathSteps(path)) {
    if (typeof step === "number") {
      current = Array.isArray(current) ? (current as ReadonlyArray<Value>)[step] : undefined
    } else {
      current = isRecord(current) ? current[step] : undefined
    }
    if (current === undefined) return undefined
  }
  return current
}

/** An RFC 1123 host label: 1 to 63 letters, digits and hyphens, no hyphen first or last. */
const hostLabel = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/

const isValidHostLabel = (value: string, allowSubDomains: boolean): boolean =>
  allowSubDomains ? value.split(".").every((l) => hostLabel.test(l)) : hostLabel.test(value)

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

const isIpv4 = (host: string): boolean => {
  const match = ipv4.exec(host)
  return match !== null && match.slice(1).every((octet) => Number(octet) <= 255)
}

/**
 * An S3 bucket name usable as a host name: 3 to 63 characters, lowercase host labels (several,
 * joined by dots, only when `allowSubDomains`), and not shaped like an IPv4 address.
 */
const isVirtualHostableS3Bucket = (value: string, allowSubDomains: boolean): boolean => {
  if (value.length < 3 || value.length > 63 || /^\d+\.\d+\.\d+\.\d+$/.test(value)) return false
  if (!allowSubDomains && value.includes(".")) return false
  return value
    .split(".")
    .every((label) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label))
}

const unreserved = /[A-Za-z0-9\-._~]/
const utf8 = new TextEncoder()

/** Percent-encodes everything outside RFC 3986's unreserved set, as UTF-8. */
const uriEncode = (value: string): string => {
  let out = ""
  for (const char of value) {
    if (unreserved.test(char)) {
      out += char
    } else {
      for (const byte of utf8.encode(char)) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
      }
    }
  }
  return out
}

const substring = (input: string, start: number, stop: number, reverse: boolean): Value => {
  if (!/^[\x00-\x7f]*$/.test(input) || start < 0 || start >= stop || input.length < stop) {
    return undefined
  }
  return reverse ? input.slice(input.length - stop, input.length - start) : input.slice(start, stop)
}

const urlShape = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]+)([^?#]*)(\?[^#]*)?(#.*)?$/

/** `parseURL`: an http(s) URL without a query, split into its parts (a fragment is dropped). */
const parseURL = (value: string): Value => {
  const match = urlShape.exec(value)
  if (match === null || match[4] !== undefined) return undefined
  const scheme = match[1]!.toLowerCase()
  if (scheme !== "http" && scheme !== "https") return undefined
  let hostname: string
  try {
    hostname = new URL(value).hostname
  } catch {
    return undefined
  }
  const authority = match[2]!
  const path = match[3]!
  const isIp = isIpv4(hostname) || hostname.startsWith("[")
  const withLead = path.startsWith("/") ? path : `/${path}`
  const normalizedPath = withLead.endsWith("/") ? withLead : `${withLead}/`
  return { scheme, authority, path, normalizedPath, isIp }
}

/** `aws.parseArn`: `arn:partition:service:region:account:resource`, resource split on `:`, `/`. */
const parseArn = (value: string): Value => {
  const parts = value.split(":")
  if (parts.length < 6 || parts[0] !== "arn") return undefined
  const [partition = "", service = "", region = "", accountId = ""] = parts.slice(1, 5)
  const resource = parts.slice(5).join(":")
  if (partition === "" || service === "" || resource === "") return undefined
  return { partition, service, region, accountId, resourceId: resource.split(/[:/]/) }
}

const library: { readonly [name: string]: LibraryFunction } = {
  isSet: (args) => {
    arity("isSet", args, 1)
    return args[0] !== undefined
  },
  not: (args) => {
    arity("not", args, 1)
    return !expectBoolean("not", args[0])
  },
  booleanEquals: (args) => {
    arity("booleanEquals", args, 2)
    if (args[0] === undefined || args[1] === undefined) return false
    return expectBoolean("booleanEquals", args[0]) === expectBoolean("booleanEquals", args[1])
  },
  stringEquals: (args) => {
    arity("stringEquals", args, 2)
    if (args[0] === undefined || args[1] === undefined) return false
    return expectString("stringEquals", args[0]) === expectString("stringEquals", args[1])
  },
  getAttr: (args) => {
    arity("getAttr", args, 2)
    return getAttr(args[0], expectString("getAttr", args[1]))
  },
  isValidHostLabel: (args) => {
    arity("isValidHostLabel", args, 2)
    return isValidHostLabel(
      expectString("isValidHostLabel", args[0]),
      expectBoolean("isValidHostLabel", args[1])
    )
  },
  substring: (args) => {
    arity("substring", args, 4)
    return substring(
      expectString("substring", args[0]),
      expectNumber("substring", args[1]),
      expectNumber("substring", args[2]),
      expectBoolean("substring", args[3])
    )
  },
  uriEncode: (args) => {
    arity("uriEncode", args, 1)
    return uriEncode(expectString("uriEncode", args[0]))
  },
  parseURL: (args) => {
    arity("parseURL", args, 1)
    return parseURL(expectString("parseURL", args[0]))
  },
  "aws.partition": (args, context) => {
    arity("aws.partition", args, 1)
    const result = partitionOf(expectString("aws.partition", args[0]), context.partitions)
    return result === undefined ? undefined : { ...result }
  },
  "aws.parseArn": (args) => {
    arity("aws.parseArn", args, 1)
    return parseArn(expectString("aws.parseArn", args[0]))
  },
  "aws.isVirtualHostableS3Bucket": (args) => {
    arity("aws.isVirtualHostableS3Bucket", args, 2)
    return isVirtualHostableS3Bucket(
      expectString("aws.isVirtualHostableS3Bucket", args[0]),
      expectBoolean("aws.isVirtualHostableS3Bucket", args[1])
    )
  }
}

/**
 * Functions that take an unset argument: `isSet`, the equalities (unset equals nothing) and
 * `getAttr` (of nothing). Any other function called with an unset argument yields unset.
 */
const takesUnset = new Set(["isSet", "booleanEquals", "stringEquals", "getAttr"])

/** The names of the library functions this interpreter implements. */
export const supportedFunctions: ReadonlyArray<string> = Object.keys(library)

const lookup = (scope: Scope, name: string): Value => {
  if (!scope.has(name)) {
    return fail("InvalidRuleSet", `reference to ${JSON.stringify(name)}, which is not defined`)
  }
  return scope.get(name)
}

/** Fills a template: `{Name}` and `{Name#path}` are replaced, `{{` and `}}` stand for braces. */
const template = (text: string, scope: Scope): string =>
  text.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, inner: string | undefined) => {
    if (whole === "{{") return "{"
    if (whole === "}}") return "}"
    const [name, path] = inner!.split("#", 2) as [string, string | undefined]
    const base = lookup(scope, name)
    const value = path === undefined ? base : getAttr(base, path)
    if (typeof value === "string") return value
    const where = `${JSON.stringify(text)}: {${inner}}`
    return fail("InvalidRuleSet", `${where} is ${show(value)}, not a string`)
  })

const isReference = (e: Expression): e is Reference =>
  typeof e === "object" && !Array.isArray(e) && typeof (e as { ref?: unknown }).ref === "string"

const isCall = (e: Expression): e is FunctionCall =>
  typeof e === "object" && !Array.isArray(e) && typeof (e as { fn?: unknown }).fn === "string"

const evaluate = (e: Expression, scope: Scope, context: Context): Value => {
  if (typeof e === "string") return template(e, scope)
  if (typeof e === "number" || typeof e === "boolean") return e
  if (Array.isArray(e)) {
    return (e as ReadonlyArray<Expression>).map((x) => evaluate(x, scope, context))
  }
  if (isReference(e)) return lookup(scope, e.ref)
  if (isCall(e)) {
    const fn = library[e.fn]
    if (fn === undefined) return fail("InvalidRuleSet", `unknown function ${JSON.stringify(e.fn)}`)
    const args = e.argv.map((arg) => evaluate(arg, scope, context))
    if (!takesUnset.has(e.fn) && args.includes(undefined)) return undefined
    return fn(args, context)
  }
  const record = e as RecordLiteral
  const entries = Object.entries(record).map(([k, v]) => [k, evaluate(v, scope, context)] as const)
  return Object.fromEntries(entries)
}

/** Runs a rule's conditions; the scope they leave when all hold, else `undefined`. */
const matches = (rule: Rule, scope: Scope, context: Context): Scope | undefined => {
  let current = scope
  for (const condition of rule.conditions) {
    const value = evaluate(condition, current, context)
    if (value === undefined || value === false) return undefined
    if (condition.assign !== undefined) {
      if (current.has(condition.assign)) {
        fail("InvalidRuleSet", `${JSON.stringify(condition.assign)} is assigned twice`)
      }
      current = new Map(current).set(condition.assign, value)
    }
  }
  return current
}

const endpointOf = (template: EndpointTemplate, scope: Scope, context: Context): RuleEndpoint => {
  const url = evaluate(template.url, scope, context)
  const properties = evaluate(template.properties ?? {}, scope, context)
  const headers: Record<string, ReadonlyArray<string>> = {}
  for (const [name, values] of Object.entries(template.headers ?? {})) {
    headers[name] = values.map((v) => expectString(`header ${name}`, evaluate(v, scope, context)))
  }
  return {
    url: expectString("endpoint url", url),
    properties: isRecord(properties) ? properties : {},
    headers
  }
}

/** The outcome of the first matching rule of a list; `undefined` when none matches. */
const firstMatch = (
  rules: ReadonlyArray<Rule>,
  scope: Scope,
  context: Context
): RuleEndpoint | undefined => {
  for (const rule of rules) {
    const inner = matches(rule, scope, context)
    if (inner === undefined) continue
    switch (rule.type) {
      case "endpoint":
        return endpointOf(rule.endpoint, inner, context)
      case "error":
        return fail("ErrorRule", expectString("error", evaluate(rule.error, inner, context)))
      case "tree": {
        const found = firstMatch(rule.rules, inner, context)
        return found ?? fail("NoMatch", "No endpoint rule matched the parameters")
      }
    }
  }
  return undefined
}

const typeOk = (type: ParameterType, value: unknown): boolean => {
  switch (type.toLowerCase()) {
    case "string":
      return typeof value === "string"
    case "boolean":
      return typeof value === "boolean"
    case "stringarray":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
    default:
      return false
  }
}

/** The parameters' values, defaults applied and types checked. */
const bind = (ruleSet: RuleSet, params: object): Scope => {
  const given = params as { readonly [name: string]: unknown }
  const scope = new Map<string, Value>()
  for (const [name, parameter] of Object.entries(ruleSet.parameters)) {
    const value = given[name] ?? parameter.default
    if (value === undefined) {
      if (parameter.required === true) {
        fail("InvalidParameter", `Missing required parameter ${name}`)
      }
      scope.set(name, undefined)
    } else if (!typeOk(parameter.type, value)) {
      fail("InvalidParameter", `Parameter ${name} must be of type ${parameter.type}`)
    } else {
      scope.set(name, value as Value)
    }
  }
  return scope
}

/** Resolves a rule set for some parameters: the endpoint, or why there is none. */
export const evaluateRuleSet = (
  ruleSet: RuleSet,
  params: object,
  options: EvaluateOptions = {}
): Either.Either<RuleEndpoint, RuleFailure> => {
  try {
    const context: Context = { partitions: options.partitions ?? defaultPartitions }
    const found = firstMatch(ruleSet.rules, bind(ruleSet, params), context)
    return found === undefined
      ? Either.left({ reason: "NoMatch", message: "No endpoint rule matched the parameters" })
      : Either.right(found)
  } catch (error) {
    if (error instanceof Failure) return Either.left(error.failure)
    throw error
  }
}

/** The library functions a rule set calls, each once, in the order first met. */
export const functionsUsed = (ruleSet: RuleSet): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const visitExpression = (e: Expression): void => {
    if (Array.isArray(e)) (e as ReadonlyArray<Expression>).forEach(visitExpression)
    else if (typeof e !== "object") return
    else if (isCall(e)) {
      seen.add(e.fn)
      e.argv.forEach(visitExpression)
    } else if (!isReference(e)) Object.values(e as RecordLiteral).forEach(visitExpression)
  }
  const visitRule = (rule: Rule): void => {
    rule.conditions.forEach(visitExpression)
    if (rule.type === "tree") rule.rules.forEach(visitRule)
    else if (rule.type === "error") visitExpression(rule.error)
    else {
      visitExpression(rule.endpoint.url)
      visitExpression(rule.endpoint.properties ?? {})
      Object.values(rule.endpoint.headers ?? {}).forEach((vs) => vs.forEach(visitExpression))
    }
  }
  ruleSet.rules.forEach(visitRule)
  return [...seen]
}
