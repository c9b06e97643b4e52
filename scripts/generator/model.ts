/**
 * A typed view of the parts of a Smithy JSON AST that the generator reads, and the questions
 * it asks of them (which shapes an input reaches, which an output reaches, member bindings).
 */

export interface Trait {
  readonly [name: string]: unknown
}

export interface Member {
  readonly target: string
  readonly traits?: Trait
}

export interface Shape {
  readonly type: string
  readonly members?: Readonly<Record<string, Member>>
  readonly member?: Member
  readonly input?: { readonly target: string }
  readonly output?: { readonly target: string }
  readonly errors?: ReadonlyArray<{ readonly target: string }>
  readonly operations?: ReadonlyArray<{ readonly target: string }>
  readonly traits?: Trait
}

export interface SmithyModel {
  readonly smithy: string
  readonly shapes: Readonly<Record<string, Shape>>
}

export const shortName = (id: string): string => id.slice(id.indexOf("#") + 1)

const supportedTraits = new Set([
  "smithy.api#documentation",
  "smithy.api#jsonName",
  "smithy.api#required",
  "smithy.api#clientOptional",
  "smithy.api#enumValue",
  "smithy.api#httpLabel",
  "smithy.api#range",
  "smithy.api#sensitive",
  "smithy.api#input",
  "smithy.api#output",
  "smithy.api#http",
  "smithy.api#error",
  "smithy.api#httpError"
])

/** The model, indexed, with the facts the renderers need. Fails loudly on what it cannot map. */
export class Model {
  readonly shapes: Readonly<Record<string, Shape>>
  readonly serviceId: string
  readonly operationIds: ReadonlyArray<string>
  readonly inputReach = new Set<string>()
  readonly outputReach = new Set<string>()

  constructor(ast: SmithyModel) {
    this.shapes = ast.shapes
    const services = Object.entries(ast.shapes).filter(([, s]) => s.type === "service")
    if (services.length !== 1) throw new Error(`expected one service, found ${services.length}`)
    const [serviceId, service] = services[0]!
    this.serviceId = serviceId
    this.operationIds = (service.operations ?? []).map((o) => o.target)
    for (const id of this.operationIds) {
      const op = this.shape(id)
      this.reach(op.input!.target, this.inputReach)
      this.reach(op.output!.target, this.outputReach)
      for (const e of op.errors ?? []) this.reach(e.target, this.outputReach)
    }
    this.checkSupported()
  }

  shape(id: string): Shape {
    const found = this.shapes[id]
    if (found === undefined) throw new Error(`the model has no shape ${id}`)
    return found
  }

  isAggregate(id: string): boolean {
    const type = this.shapes[id]?.type
    return type === "structure" || type === "list" || type === "enum"
  }

  /** Shape ids in an order where every shape comes after the shapes it refers to. */
  ordered(roots: Iterable<string>): Array<string> {
    const seen = new Set<string>()
    const out: Array<string> = []
    const visit = (id: string, trail: ReadonlyArray<string>) => {
      if (seen.has(id) || !this.isAggregate(id)) return
      if (trail.includes(id)) throw new Error(`recursive shapes are not supported: ${trail.join(" > ")}`)
      for (const child of this.children(id)) visit(child, [...trail, id])
      seen.add(id)
      out.push(id)
    }
    for (const id of [...roots].sort()) visit(id, [])
    return out
  }

  children(id: string): Array<string> {
    const s = this.shape(id)
    if (s.type === "structure") return Object.values(s.members ?? {}).map((m) => m.target)
    if (s.type === "list") return [s.member!.target]
    return []
  }

  private reach(id: string, into: Set<string>): void {
    if (into.has(id)) return
    into.add(id)
    for (const child of this.children(id)) this.reach(child, into)
  }

  private checkSupported(): void {
    for (const [id, s] of Object.entries(this.shapes)) {
      const known = ["structure", "list", "enum", "string", "integer", "double", "boolean"]
      if (!["service", "operation", ...known].includes(s.type)) {
        throw new Error(`shape ${id} has type ${s.type}, which the generator does not map`)
      }
      const traitSets = [s.traits, ...Object.values(s.members ?? {}).map((m) => m.traits)]
      for (const traits of traitSets) {
        for (const name of Object.keys(traits ?? {})) {
          if (s.type === "service") continue
          if (!supportedTraits.has(name)) {
            throw new Error(`shape ${id} uses trait ${name}, which the generator does not map`)
          }
        }
      }
      const http = s.traits?.["smithy.api#http"] as { uri: string } | undefined
      if (http && /\{[^}]*\+\}/.test(http.uri)) {
        throw new Error(`operation ${id} has a greedy label, which the generator does not map`)
      }
      if (s.traits?.["smithy.api#sparse"] !== undefined) {
        throw new Error(`shape ${id} is sparse, which the generator does not map`)
      }
    }
  }
}

/** Turns the model's HTML documentation into plain text lines for a doc comment. */
export const docText = (html: unknown): Array<string> => {
  if (typeof html !== "string" || html.trim() === "") return []
  const text = html
    .replace(/<\/?(p|ul|ol)>/g, "\n")
    .replace(/<li>/g, "\n- ")
    .replace(/<\/li>/g, "")
    .replace(/<\/?code>/g, "`")
    .replace(/<a [^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/g, "$2 ($1)")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, "\"")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\*\//g, "*\\/")
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line, i, all) => line !== "" || (i > 0 && all[i - 1] !== ""))
    .filter((line, i, all) => !(line === "" && (i === 0 || i === all.length - 1)))
}

export const jsDoc = (html: unknown, indent = "", extra: ReadonlyArray<string> = []): string => {
  const lines = [...docText(html), ...extra]
  if (lines.length === 0) return ""
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */\n`
}
