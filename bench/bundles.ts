/**
 * Browser bundle sizes, built with esbuild (bundle, minify, tree-shaking, platform browser,
 * ESM), measured minified and gzipped (zlib level 9):
 *
 * - (a) `bundle/one-op.ts`: one operation, fetch HttpClient, aws4fetch signer;
 * - (b) Effect's own cost for the same Effect modules: a generated program that keeps exactly
 *   the Effect and @effect/platform exports (a) uses, found by reading the TypeScript of every
 *   module (a) bundles (value uses only: `Effect.gen`, not `Effect.Effect<A>`), so that
 *   a − b is our code, our schemas and aws4fetch;
 * - (c) `bundle/all-ops.ts`: the `AmplifyBackend` service with all 31 operations;
 * - the official SDK's bare-bones client with one command, and a floor (aws4fetch + fetch);
 * - the schemas alone, of the one operation and of all 31 (with Effect's encoder and decoder in
 *   both), so that "more operations cost only their schemas" can be checked:
 *   (c − a) − (schemas31 − schemas1) is what the 30 extra operations cost beyond their schemas.
 */
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import ts from "typescript"
import { operations } from "../src/AmplifyBackend.js"
import * as Errors from "../src/Schema/Errors.js"
import * as Shapes from "../src/Schema/Shapes.js"
import { root } from "./procs.js"

export interface Bundle {
  readonly minified: number
  readonly gzipped: number
  /** Minified bytes by origin: ours (src/), effect, @effect/platform, aws4fetch, other. */
  readonly origins: Readonly<Record<string, number>>
}

export interface BundleReport {
  readonly oneOp: Bundle
  readonly effectOnly: Bundle
  readonly allOps: Bundle
  readonly sdkOneOp: Bundle
  readonly floor: Bundle
  readonly schemasOneOp: Bundle
  readonly schemasAllOps: Bundle
  /** How many Effect / @effect/platform exports (b) keeps. */
  readonly effectExports: number
}

const bundleDir = path.join(root, "bench", "bundle")

const origin = (input: string): string => {
  if (input.startsWith("src/")) return "ours"
  if (input.includes("node_modules/effect/")) return "effect"
  if (input.includes("node_modules/@effect/platform")) return "@effect/platform"
  if (input.includes("node_modules/aws4fetch/")) return "aws4fetch"
  if (input.includes("node_modules/@aws-sdk/") || input.includes("node_modules/@smithy/")) return "aws-sdk"
  return "other"
}

interface Built extends Bundle {
  readonly inputs: ReadonlyArray<string>
}

const build = async (entry: { file: string } | { contents: string; name: string }): Promise<Built> => {
  const result = await esbuild.build({
    ...("file" in entry
      ? { entryPoints: [path.join(bundleDir, entry.file)] }
      : {
        stdin: {
          contents: entry.contents,
          resolveDir: bundleDir,
          sourcefile: entry.name,
          loader: "ts" as const
        }
      }),
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "error",
    absWorkingDir: root
  })
  const out = result.outputFiles[0]!.contents
  const output = Object.values(result.metafile.outputs)[0]!
  const origins: Record<string, number> = {}
  const inputs: Array<string> = []
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue
    inputs.push(input)
    const key = origin(input)
    origins[key] = (origins[key] ?? 0) + bytesInOutput
  }
  return {
    minified: out.length,
    gzipped: zlib.gzipSync(out, { level: 9 }).length,
    origins,
    inputs
  }
}

const effectModule = /^(effect|@effect\/platform)(\/[\w/]+)?$/

/** The Effect and @effect/platform exports a TypeScript file uses as values. */
const effectUses = (file: string, into: Map<string, Set<string>>) => {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)
  const namespaces = new Map<string, string>()
  const add = (module: string, member: string) => {
    let members = into.get(module)
    if (members === undefined) into.set(module, members = new Set())
    members.add(member)
  }
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue
    const module = statement.moduleSpecifier.text
    const clause = statement.importClause
    if (!effectModule.test(module) || clause === undefined || clause.isTypeOnly) continue
    const bindings = clause.namedBindings
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, module)
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (!element.isTypeOnly) add(module, (element.propertyName ?? element.name).text)
      }
    }
  }
  // `X.member` in value positions; type positions are `QualifiedName`s and never match.
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const module = namespaces.get(node.expression.text)
      if (module !== undefined) add(module, node.name.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

/** Program (b): keeps the same Effect exports as the bundle built from `inputs`. */
const effectOnlyProgram = async (
  inputs: ReadonlyArray<string>
): Promise<{ contents: string; count: number }> => {
  const uses = new Map<string, Set<string>>()
  for (const input of inputs) {
    if (input.endsWith(".ts") && !input.includes("node_modules/")) effectUses(path.join(root, input), uses)
  }
  const lines: Array<string> = []
  const kept: Array<string> = []
  let i = 0
  for (const [module, members] of [...uses.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const namespace = (await import(module)) as Record<string, unknown>
    const alias = `M${i++}`
    lines.push(`import * as ${alias} from ${JSON.stringify(module)}`)
    for (const member of [...members].sort()) if (member in namespace) kept.push(`${alias}.${member}`)
  }
  lines.push(`export const kept = [\n  ${kept.join(",\n  ")}\n]`)
  return { contents: lines.join("\n") + "\n", count: kept.length }
}

/** The name under which a module exports `value`. */
const exportName = (module: Record<string, unknown>, value: unknown): string => {
  const found = Object.entries(module).find(([, v]) => v === value)
  if (found === undefined) throw new Error("a schema of an operation is not exported by name")
  return found[0]
}

/** A program that keeps the schemas of `names` (inputs, outputs, errors) and nothing else of ours. */
const schemasProgram = (names: ReadonlyArray<keyof typeof operations>): string => {
  const shapes = new Set<string>()
  const errors = new Set<string>()
  for (const name of names) {
    const spec = operations[name].spec
    shapes.add(exportName(Shapes, spec.input))
    shapes.add(exportName(Shapes, spec.output))
    for (const error of spec.errors) errors.add(exportName(Errors, error))
  }
  return [
    `import * as Schema from "effect/Schema"`,
    `import { ${[...shapes].join(", ")} } from "../../src/Schema/Shapes.js"`,
    `import { ${[...errors].join(", ")} } from "../../src/Schema/Errors.js"`,
    "export const kept = [Schema.encodeUnknownEither, Schema.decodeUnknownEither, " +
    `${[...shapes, ...errors].join(", ")}]`
  ].join("\n") + "\n"
}

const strip = ({ minified, gzipped, origins }: Built): Bundle => ({ minified, gzipped, origins })

export const measureBundles = async (): Promise<BundleReport> => {
  const oneOp = await build({ file: "one-op.ts" })
  const effectOnly = await effectOnlyProgram(oneOp.inputs)
  const names = Object.keys(operations) as Array<keyof typeof operations>
  return {
    oneOp: strip(oneOp),
    effectOnly: strip(await build({ contents: effectOnly.contents, name: "effect-only.ts" })),
    allOps: strip(await build({ file: "all-ops.ts" })),
    sdkOneOp: strip(await build({ file: "sdk-one-op.ts" })),
    floor: strip(await build({ file: "floor.ts" })),
    schemasOneOp: strip(await build({ contents: schemasProgram(["GetBackend"]), name: "schemas-one.ts" })),
    schemasAllOps: strip(await build({ contents: schemasProgram(names), name: "schemas-all.ts" })),
    effectExports: effectOnly.count
  }
}
