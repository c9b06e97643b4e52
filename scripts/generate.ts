/**
 * Generates `src/Schema/Shapes.ts`, `src/Schema/Errors.ts`, `src/Operations/*.ts` and
 * `src/AmplifyBackend.ts` from the AmplifyBackend Smithy JSON AST.
 *
 *   npm run generate [-- --model PATH] [-- --out DIR]
 *
 * The model path defaults to `../shared/models/amplifybackend.json` (relative to the project
 * root), or `AMPLIFYBACKEND_MODEL` when set. `--out` writes the tree somewhere else (the
 * freshness test uses it to compare against the committed files).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { renderAll } from "./generator/render.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const argValue = (flag: string): string | undefined => {
  const at = process.argv.indexOf(flag)
  return at >= 0 ? process.argv[at + 1] : undefined
}

const modelPath = path.resolve(
  argValue("--model") ??
    process.env.AMPLIFYBACKEND_MODEL ??
    path.join(root, "..", "shared", "models", "amplifybackend.json")
)
const outDir = path.resolve(argValue("--out") ?? path.join(root, "src"))

if (!fs.existsSync(modelPath)) {
  console.error(`generate: no model at ${modelPath} (pass --model PATH or set AMPLIFYBACKEND_MODEL)`)
  process.exit(2)
}

const files = renderAll(JSON.parse(fs.readFileSync(modelPath, "utf8")))
for (const [relative, text] of files) {
  const target = path.join(outDir, relative)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.writeFileSync(target, text)
}
console.log(`generate: wrote ${files.size} files under ${path.relative(root, outDir) || "."}`)
