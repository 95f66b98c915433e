/**
 * The layers hold: the database layer knows nothing of the conversation core or the front ends,
 * the core knows no channel, web or CLI code and no platform library, and the shared vocabulary
 * depends on nothing; the understanding step and the places reach the database only through its queries, and
 * idn-area-data is read by the gazetteer alone. Read from the import graph of src/ (every import, `import type`,
 * `export … from`, `import()` and a package required or resolved by name), so a violation is named by file and import.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SRC = join(ROOT, 'src')

type Import = { file: string; specifier: string; target: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** A relative import as a path under the project root (`src/db/schema.ts`), a package import as its name. */
function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier
  return relative(ROOT, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
}

// A package reached without an import: `require('x')`, `require.resolve('x/…')` (how the gazetteer finds idn-area-data's CSVs).
const REQUIRED = /\b(?:require|resolve)\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every module `text` (the file at `path`) imports, as the compiler sees them, and every module it requires or resolves by name. */
function importsOf(path: string, text: string): Import[] {
  const file = relative(ROOT, path)
  const imported = ts.preProcessFile(text, true, true).importedFiles.map(({ fileName }) => fileName)
  const required = [...text.matchAll(REQUIRED)].map((match) => match[1] ?? '')
  return [...imported, ...required].map((specifier) => ({ file, specifier, target: targetOf(path, specifier) }))
}

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`)
const exactly = (path: string) => (target: string) => target === path
const isPackage = (name: string) => (target: string) => target === name || target.startsWith(`${name}/`)
const isProject = (target: string) => target.startsWith('src/') || target.startsWith('test/') || target.startsWith('bench/')

type Rule = {
  from: (file: string) => boolean
  forbidden: { name: string; matches: (target: string) => boolean }[]
}

/** What builds on the core: the channels, the web layer, the command lines and the composition roots. */
const OUTER = [
  { name: 'src/bots', matches: under('src/bots') },
  { name: 'src/web', matches: under('src/web') },
  {
    name: 'src/cli*',
    matches: (target: string) => target === 'src/cli.ts' || under('src/cli')(target) || target === 'src/faq-cli.ts',
  },
  { name: 'a composition root', matches: (target: string) => target === 'src/main.ts' || target === 'src/bootstrap.ts' },
]

const RULES: Rule[] = [
  {
    from: under('src/db'),
    forbidden: [
      { name: 'src/core', matches: under('src/core') },
      ...OUTER,
      { name: 'src/config.ts', matches: exactly('src/config.ts') },
    ],
  },
  {
    from: under('src/core'),
    forbidden: [
      ...OUTER,
      // The core gets its settings passed in; reading the configuration made a cycle (config → core → config).
      { name: 'src/config.ts', matches: exactly('src/config.ts') },
      { name: 'src/settings.ts', matches: exactly('src/settings.ts') },
      { name: 'grammy', matches: isPackage('grammy') },
      { name: '@grammyjs/*', matches: isPackage('@grammyjs') },
      { name: '@whiskeysockets/baileys', matches: isPackage('@whiskeysockets/baileys') },
      { name: 'hono', matches: isPackage('hono') },
      { name: '@hono/*', matches: isPackage('@hono') },
    ],
  },
  {
    from: under('src/vocabulary'),
    forbidden: [{ name: 'the project', matches: (target) => isProject(target) && !under('src/vocabulary')(target) }],
  },
]

/** The understanding step and the places (issue 20): the database only through its queries; the gazetteer alone reads idn-area-data. */
const UNDERSTANDING_RULES: Rule[] = [
  {
    from: (file) => under('src/core/understanding')(file) || under('src/core/places')(file),
    forbidden: [
      {
        name: 'src/db other than src/db/queries',
        matches: (target) => under('src/db')(target) && !under('src/db/queries')(target),
      },
    ],
  },
  {
    from: (file) => file !== 'src/core/places/gazetteer.ts',
    forbidden: [{ name: 'idn-area-data outside the gazetteer', matches: isPackage('idn-area-data') }],
  },
]

/** "src/db/x.ts imports '../core/y.js' (src/core)" for each import that breaks a rule. */
function violations(imports: Import[], rules: Rule[] = RULES): string[] {
  return imports.flatMap((entry) =>
    rules
      .filter((rule) => rule.from(entry.file))
      .flatMap((rule) => rule.forbidden.filter((forbidden) => forbidden.matches(entry.target)))
      .map((forbidden) => `${entry.file} imports '${entry.specifier}' (${forbidden.name})`),
  )
}

const graph = sourceFiles(SRC).flatMap((path) => importsOf(path, readFileSync(path, 'utf8')))

describe('layers', () => {
  it('reads the import graph of src/ (the rules below would pass vacuously on an empty one)', () => {
    expect(graph.some((entry) => entry.file === 'src/db/queries/outbox.ts' && entry.target === 'src/vocabulary/message.ts')).toBe(
      true,
    )
    expect(graph.some((entry) => entry.file.startsWith('src/core/') && entry.target === 'src/db/schema.ts')).toBe(true)
  })

  it('src/db imports nothing from the core, the channels, web, CLI, composition roots or the configuration', () => {
    expect(violations(graph.filter((entry) => under('src/db')(entry.file)))).toEqual([])
  })

  it('src/core imports no channel, web, CLI or composition-root code and no platform library', () => {
    expect(violations(graph.filter((entry) => under('src/core')(entry.file)))).toEqual([])
  })

  it('src/vocabulary imports nothing from the project but itself', () => {
    expect(violations(graph.filter((entry) => under('src/vocabulary')(entry.file)))).toEqual([])
  })

  it('the gazetteer is the one module that reads idn-area-data (the rule below would pass vacuously without it)', () => {
    expect(graph.filter((entry) => isPackage('idn-area-data')(entry.target)).map((entry) => entry.file)).toEqual([
      'src/core/places/gazetteer.ts',
    ])
  })

  it('src/core/understanding and src/core/places import no platform library, reach the database only through src/db/queries, and only the gazetteer reads idn-area-data', () => {
    const understanding = graph.filter(
      (entry) => under('src/core/understanding')(entry.file) || under('src/core/places')(entry.file),
    )
    expect(understanding.length).toBeGreaterThan(10)
    expect(violations(understanding)).toEqual([])
    expect(violations(graph, UNDERSTANDING_RULES)).toEqual([])
  })

  it('names the file and the import of each violation of the understanding rules', () => {
    const planted = [
      importsOf(
        join(SRC, 'core/understanding/planted.ts'),
        `import { people } from '../../db/schema.js'\nimport { Bot } from 'grammy'`,
      ),
      importsOf(
        join(SRC, 'core/places/planted.ts'),
        `import type { Db } from '../../db/client.js'\nimport { x } from '../../db/queries/sessions.js'`,
      ),
      importsOf(join(SRC, 'core/understanding/slots/planted.ts'), `const dir = require.resolve('idn-area-data/package.json')`),
      importsOf(join(SRC, 'core/places/gazetteer.ts'), `import { getProvinces } from 'idn-area-data'`),
    ].flat()
    expect([...violations(planted), ...violations(planted, UNDERSTANDING_RULES)]).toEqual([
      `src/core/understanding/planted.ts imports 'grammy' (grammy)`,
      `src/core/understanding/planted.ts imports '../../db/schema.js' (src/db other than src/db/queries)`,
      `src/core/places/planted.ts imports '../../db/client.js' (src/db other than src/db/queries)`,
      `src/core/understanding/slots/planted.ts imports 'idn-area-data/package.json' (idn-area-data outside the gazetteer)`,
    ])
  })

  it('names the file and the import of each kind of violation, type-only and re-exports included', () => {
    const planted = [
      importsOf(join(SRC, 'db/queries/planted.ts'), `import type { Reply } from '../../core/types.js'`),
      importsOf(join(SRC, 'db/planted.ts'), `export { loadConfig } from '../config.js'`),
      importsOf(join(SRC, 'core/planted.ts'), `import { Bot } from 'grammy'\nimport { Hono } from 'hono'`),
      importsOf(join(SRC, 'core/x/planted.ts'), `type A = typeof import('../../web/app.js')`),
      importsOf(join(SRC, 'core/planted.ts'), `import type { WASocket } from '@whiskeysockets/baileys'`),
      importsOf(join(SRC, 'core/planted.ts'), `import { serve } from '@hono/node-server'\nimport '../cli/io.js'`),
      importsOf(join(SRC, 'core/x/planted.ts'), `import type { Config } from '../../config.js'`),
      importsOf(
        join(SRC, 'vocabulary/planted.ts'),
        `import type { Db } from '../db/client.js'\nimport type { Text } from './message.js'`,
      ),
    ].flat()
    expect(violations(planted)).toEqual([
      `src/db/queries/planted.ts imports '../../core/types.js' (src/core)`,
      `src/db/planted.ts imports '../config.js' (src/config.ts)`,
      `src/core/planted.ts imports 'grammy' (grammy)`,
      `src/core/planted.ts imports 'hono' (hono)`,
      `src/core/x/planted.ts imports '../../web/app.js' (src/web)`,
      `src/core/planted.ts imports '@whiskeysockets/baileys' (@whiskeysockets/baileys)`,
      `src/core/planted.ts imports '@hono/node-server' (@hono/*)`,
      `src/core/planted.ts imports '../cli/io.js' (src/cli*)`,
      `src/core/x/planted.ts imports '../../config.js' (src/config.ts)`,
      `src/vocabulary/planted.ts imports '../db/client.js' (the project)`,
    ])
  })
})
