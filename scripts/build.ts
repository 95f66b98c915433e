/**
 * `npm run build`: the entry points under src/ → plain JavaScript in dist/, run with `node` and no
 * TypeScript loader. Type checking stays with `npm run typecheck`.
 *
 * - Every output file lies directly in dist/ (entries by name, shared code in chunk-*.js files), as
 *   src/project-files.ts expects: one level up is the project, from src/ and from dist/ alike.
 * - The application is bundled with the packages that cost most to load file by file (zod,
 *   drizzle-orm and hono are about 240 small ES modules; grammy and ics pull in many CommonJS ones):
 *   Node resolves, reads and links each module file on its own, which took a third of the start-up.
 *   The other packages stay in node_modules, loaded as they are: native code (better-sqlite3), files
 *   looked up beside their own (pino's worker thread), Baileys (loaded only when WhatsApp is on), and
 *   single-file packages, where bundling gains nothing.
 * - Files the program reads at run time are copied beside the code (dist/web/verify.css, dist/web/console/console.css, dist/web/console/console-live.js).
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
  /** The composition root server.js loads once its heap setting is in place. */
  main: 'src/main.ts',
  /** Preloaded by the startup bench before its own preload (see bench/groups/startup.ts). */
  'startup-heap': 'src/startup-heap.ts',
  /** `node dist/cli.js <command>`: the same as `npm run cli -- <command>`. */
  cli: 'src/cli.ts',
  /** `node dist/chat.js`: the terminal chat, as `npm run chat`. */
  chat: 'src/bots/console/main.ts',
  'faq-cli': 'src/faq-cli.ts',
  /** The worker thread main.js starts to make the understanding step's networks (second-opinion-worker.ts). */
  'understanding-worker': 'src/core/understanding/second-opinion-worker.ts',
}
const BUNDLED = new Set(['zod', 'drizzle-orm', 'hono', '@hono/node-server', 'grammy', '@grammyjs/auto-retry', 'ics'])
const COPIED = ['web/verify.css', 'web/console/console.css', 'web/console/console-live.js']

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
  // Bundled CommonJS code requires what stays in node_modules: give it a `require`.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
for (const file of COPIED) {
  mkdirSync(dirname(join(outdir, file)), { recursive: true })
  copyFileSync(join(root, 'src', file), join(outdir, file))
}
