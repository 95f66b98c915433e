/**
 * `npm run build`: the entry points under src/ → plain JavaScript in dist/, run with `node` and no
 * TypeScript loader. Type checking stays with `npm run typecheck`.
 *
 * - Every output file lies directly in dist/ (entries by name, shared code in chunk-*.js files), as
 *   src/project-files.ts expects: one level up is the project, from src/ and from dist/ alike.
 * - The application and the packages made of many small ES modules (zod, drizzle-orm, hono: about
 *   240 files) are bundled: Node resolves and links each module file on its own, which cost a fifth
 *   of the start-up. Every other package stays in node_modules, loaded as it is: native code
 *   (better-sqlite3), files looked up beside their own (pino's worker, node-cron's daemon), or
 *   loaded only when a channel is on (grammy, Baileys).
 * - Files the program reads at run time are copied beside the code (dist/web/verify.css).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = join(root, 'dist')

const ENTRY_POINTS = {
  /** The server as deployed: `node dist/server.js`. */
  server: 'src/server.ts',
  main: 'src/main.ts',
  'startup-heap': 'src/startup-heap.ts',
  /** `node dist/cli.js <command>`: the same as `npm run cli -- <command>`. */
  cli: 'src/cli.ts',
  /** `node dist/chat.js`: the terminal chat, as `npm run chat`. */
  chat: 'src/bots/console/main.ts',
  'faq-cli': 'src/faq-cli.ts',
}
const BUNDLED = new Set(['zod', 'drizzle-orm', 'hono', '@hono/node-server'])
const COPIED = ['web/verify.css']

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

/** Leaves every package outside BUNDLED to be loaded from node_modules at run time. */
const onlyBundled: Plugin = {
  name: 'only-bundled-packages',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, ({ path }) => (BUNDLED.has(packageName(path)) ? undefined : { path, external: true }))
  },
}

// What an earlier build made must not stay loadable.
rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, join(root, file)])),
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [onlyBundled],
  logLevel: 'warning',
})
for (const file of COPIED) {
  mkdirSync(dirname(join(outdir, file)), { recursive: true })
  copyFileSync(join(root, 'src', file), join(outdir, file))
}
