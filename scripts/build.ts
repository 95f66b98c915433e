/**
 * `npm run build`: src/ → dist/ as plain JavaScript that `node` runs without a TypeScript loader.
 * Each file is transpiled on its own (types stripped, nothing bundled), so dist/ mirrors src/ and
 * paths read at run time relative to a module (`../../migrations`, `../package.json`,
 * `./verify.css`) lead to the same files from both. Other files (the stylesheet) are copied as
 * they are. Type checking stays with `npm run typecheck`.
 */
import { readdirSync, rmSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Loader } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src')
const outdir = join(root, 'dist')

const files = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name))
  // Declaration files describe packages to the type checker; there is nothing in them to run.
  .filter((file) => !file.endsWith('.d.ts'))
const copied = new Set(files.map(extname).filter((ext) => ext !== '.ts' && ext !== '.tsx'))

// What an earlier build made from a source file since removed must not stay loadable.
rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: files,
  outdir,
  outbase: src,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  loader: Object.fromEntries([...copied].map((ext) => [ext, 'copy' satisfies Loader])),
  logLevel: 'warning',
})
