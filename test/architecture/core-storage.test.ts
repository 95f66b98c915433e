/**
 * Storage is reached only through src/db (issue 24): no file outside it (the core, the channels, the
 * web layer, the CLI, the composition roots) builds SQL with drizzle, names a table of the schema,
 * writes SQL text for src/db's statement cache (`cached`), or takes the driver out of the database
 * (`$client`), so a second storage engine changes src/db alone. Read with the TypeScript compiler,
 * so comments and strings never count; type-only imports from the schema (row types) and its
 * constants (enum values) are fine.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { is, Table } from 'drizzle-orm'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import * as schema from '../../src/db/schema.js'

const ROOT = join(import.meta.dirname, '..', '..')

const isTable = (name: string) => is((schema as Record<string, unknown>)[name], Table)

/** What in `source` (the file at `path`, relative to the root) reaches storage past src/db's functions. */
function storageReaches(path: string, source: string): string[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text
      const target = specifier.startsWith('.')
        ? relative(ROOT, resolve(dirname(join(ROOT, path)), specifier)).replace(/\.js$/, '.ts')
        : specifier
      const clause = node.importClause
      if (target === 'drizzle-orm' || target.startsWith('drizzle-orm/')) found.push(`imports '${specifier}'`)
      else if (target === 'src/db/client.ts' && clause && !clause.isTypeOnly) {
        const bindings = clause.namedBindings
        if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === 'cached'))
          found.push('imports cached (raw SQL)')
      } else if (target === 'src/db/schema.ts' && clause && !clause.isTypeOnly) {
        const bindings = clause.namedBindings
        if (bindings && ts.isNamespaceImport(bindings)) found.push('imports the whole schema')
        else if (bindings && ts.isNamedImports(bindings)) {
          const tables = bindings.elements
            .filter((element) => !element.isTypeOnly && isTable((element.propertyName ?? element.name).text))
            .map((element) => (element.propertyName ?? element.name).text)
          if (tables.length > 0) found.push(`imports the table${tables.length > 1 ? 's' : ''} ${tables.join(', ')}`)
        }
      }
    }
    if (ts.isPropertyAccessExpression(node) && node.name.text === '$client') found.push('uses $client')
    ts.forEachChild(node, visit)
  }
  visit(file)
  return [...new Set(found)]
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every file of src/ but src/db's that reaches storage past src/db's functions, with what it does. */
const reaching = new Map(
  sourceFiles('src')
    .filter((path) => !path.startsWith('src/db/'))
    .map((path) => [path, storageReaches(path, readFileSync(join(ROOT, path), 'utf8'))] as const)
    .filter(([, reaches]) => reaches.length > 0),
)
const inCore = (path: string) => path.startsWith('src/core/')
const described = (part: (path: string) => boolean) =>
  [...reaching].filter(([path]) => part(path)).map(([path, why]) => `${path}: ${why.join('; ')}`)

describe('the core reaches storage only through src/db', () => {
  it('no core file imports drizzle-orm, a schema table or cached, or uses $client', () => {
    expect(described(inCore)).toEqual([])
  })

  it('names what reaches storage, and lets type-only imports, constants, comments and strings pass', () => {
    const planted = `
import { and, eq } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm/sql'
import { cached, type Db, inTransaction } from '../../db/client.js'
import { CERTIFICATION_STAGES, people, type registrations } from '../../db/schema.js'
import type { outbox } from '../../db/schema.js'
import { channelIdentities as links } from '../../db/schema.js'
// db.$client in a comment
const text = 'db.$client'
export const run = (db: { $client: { prepare(s: string): unknown } }) => db.$client.prepare('select 1')
`
    expect(storageReaches('src/core/x/planted.ts', planted)).toEqual([
      `imports 'drizzle-orm'`,
      `imports 'drizzle-orm/sql'`,
      'imports cached (raw SQL)',
      'imports the table people',
      'imports the table channelIdentities',
      'uses $client',
    ])
    expect(storageReaches('src/core/planted.ts', `import * as everything from '../db/schema.js'`)).toEqual([
      'imports the whole schema',
    ])
    expect(
      storageReaches(
        'src/core/x/clean.ts',
        `import { type Db, inTransaction } from '../../db/client.js'\nimport { type PersonRow, personById } from '../../db/queries/people.js'\nimport { CERTIFICATION_STAGES } from '../../db/schema.js'`,
      ),
    ).toEqual([])
  })
})

describe('the channels, the web layer, the CLI and the composition roots reach storage only through src/db', () => {
  it('no file outside src/core and src/db imports drizzle-orm, a schema table or cached, or uses $client', () => {
    expect(described((path) => !inCore(path))).toEqual([])
  })
})
