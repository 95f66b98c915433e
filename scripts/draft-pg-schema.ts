/**
 * One-off: prints a first draft of src/db/pg/schema.ts (the PostgreSQL mirror of src/db/schema.ts)
 * from the SQLite tables' own configuration, so that no column, index, key or check is forgotten
 * when writing it. The committed file was drafted by this and then tidied by hand; from then on it
 * is maintained by hand, and test/db/schema-equivalence.test.ts keeps the two schemas equal.
 *
 *   npx tsx scripts/draft-pg-schema.ts > src/db/pg/schema.ts
 *
 * The mapping (docs/notes, issue 24): times in milliseconds stay numbers (bigint), booleans stay
 * 0/1 integers, AUTOINCREMENT becomes an identity column, SQLite's "now" default the same moment
 * from PostgreSQL's clock.
 */
import { readFileSync } from 'node:fs'
import { type Column, is, SQL, StringChunk } from 'drizzle-orm'
import { getTableConfig, type SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from '../src/db/schema.js'
import * as announcementWords from '../src/vocabulary/announcements.js'
import * as eventWords from '../src/vocabulary/events.js'
import * as messageWords from '../src/vocabulary/message.js'
import * as staffWords from '../src/vocabulary/staff.js'
import * as stageWords from '../src/vocabulary/stages.js'

/** Tables whose ids may outgrow a 4-byte integer (one row per message or audited act), and columns holding such ids. */
const BIGINT = new Set(['audit_log.id', 'outbox.id', 'handoff_messages.id', 'handoff_messages.outbox_id'])

const SQLITE_NOW = "(unixepoch('subsec') * 1000)"

// The tables in the order src/db/schema.ts declares them (a module namespace lists names alphabetically).
const source = readFileSync(new URL('../src/db/schema.ts', import.meta.url), 'utf8')
const order = [...source.matchAll(/export const (\w+) = sqliteTable\(/g)].map((m) => m[1] as string)
const tables = order.map((name) => [name, (schema as Record<string, unknown>)[name]] as const)
for (const [name, table] of tables) if (!is(table, SQLiteTable)) throw new Error(`${name} is not a table`)

// Enum value lists by their constant's name, so the draft names the constant rather than copying it.
const constants = new Map<string, string>()
const where: Record<string, string> = {}
for (const [module, from] of [
  [eventWords, '../../vocabulary/events.js'],
  [stageWords, '../../vocabulary/stages.js'],
  [announcementWords, '../../vocabulary/announcements.js'],
  [messageWords, '../../vocabulary/message.js'],
  [staffWords, '../../vocabulary/staff.js'],
  [schema, '../schema.js'],
] as const) {
  for (const [name, value] of Object.entries(module)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string') && /^[A-Z_]+$/.test(name)) {
      if (!constants.has(JSON.stringify(value))) {
        constants.set(JSON.stringify(value), name)
        where[name] = from
      }
    }
  }
}
const used = new Set<string>()

const tableName = new Map<unknown, string>(tables.map(([name, table]) => [table, name]))
const propertyOf = (table: SQLiteTable, column: Column) => {
  const found = Object.entries(table).find(([, value]) => value === column)
  if (!found) throw new Error(`column ${column.name} not found on its table`)
  return found[0]
}

/** A `sql` template from an SQLite SQL object, its columns as `${t.property}`. */
function template(table: SQLiteTable, value: SQL): string {
  const parts = value.queryChunks.map((chunk) => {
    if (is(chunk, StringChunk)) return chunk.value.join('')
    if (is(chunk, SQL)) return template(table, chunk)
    if (typeof chunk === 'object' && chunk && 'columnType' in chunk) return `\${t.${propertyOf(table, chunk as Column)}}`
    throw new Error(`unexpected part of an SQL expression: ${String(chunk)}`)
  })
  return `sql\`${parts.join('')}\``
}

function defaultOf(column: SQLiteColumn): string | undefined {
  const value = column.default
  if (value === undefined) return undefined
  if (is(value, SQL)) {
    const text = value.queryChunks.map((chunk) => (is(chunk, StringChunk) ? chunk.value.join('') : '?')).join('')
    if (text === SQLITE_NOW) return 'PG_NOW'
    throw new Error(`no PostgreSQL form for the default ${text} of ${column.name}`)
  }
  if (typeof value === 'boolean') return value ? '1' : '0'
  return JSON.stringify(value).replaceAll('"', "'")
}

const builders = new Set<string>(['pgTable'])
const lines: string[] = []
for (const [name, table] of tables) {
  const config = getTableConfig(table as SQLiteTable)
  const columns: string[] = []
  for (const column of config.columns) {
    const property = propertyOf(table as SQLiteTable, column)
    const key = `${config.name}.${column.name}`
    const dflt = defaultOf(column)
    if (column.columnType === 'SQLiteTimestamp' && dflt === 'PG_NOW' && ['created_at', 'updated_at'].includes(column.name)) {
      columns.push(`${property}: ${column.name === 'created_at' ? 'createdAt' : 'updatedAt'}(),`)
      continue
    }
    let out: string
    switch (column.columnType) {
      case 'SQLiteTimestamp':
        out = `msTimestamp('${column.name}')`
        break
      case 'SQLiteBoolean':
      case 'SQLiteInteger':
        if (BIGINT.has(key)) {
          builders.add('bigint')
          out = `bigint('${column.name}', { mode: 'number' })`
        } else {
          builders.add('integer')
          out = `integer('${column.name}')`
        }
        break
      case 'SQLiteText': {
        builders.add('text')
        const values = column.enumValues
        if (values && values.length > 0) {
          const constant = constants.get(JSON.stringify(values))
          if (constant) used.add(constant)
          out = `text('${column.name}', { enum: ${constant ?? JSON.stringify(values).replaceAll('"', "'")} })`
        } else out = `text('${column.name}')`
        break
      }
      case 'SQLiteBlobBuffer':
        out = `bytes('${column.name}')`
        break
      default:
        throw new Error(`no PostgreSQL type for ${key} (${column.columnType})`)
    }
    if (column.primary) out += '.primaryKey()'
    if ((column as unknown as { autoIncrement?: boolean }).autoIncrement) out += '.generatedByDefaultAsIdentity()'
    if (column.notNull && !column.primary) out += '.notNull()'
    if (column.isUnique) out += '.unique()'
    if (dflt !== undefined) out += dflt === 'PG_NOW' ? '.default(PG_NOW)' : `.default(${dflt})`
    const fk = config.foreignKeys.find((f) => {
      const ref = f.reference()
      return ref.columns.length === 1 && ref.columns[0] === column
    })
    if (fk) {
      const ref = fk.reference()
      const target = tableName.get(ref.foreignTable)
      const targetColumn = propertyOf(ref.foreignTable as SQLiteTable, ref.foreignColumns[0] as Column)
      const action = fk.onDelete && fk.onDelete !== 'no action' ? `, { onDelete: '${fk.onDelete}' }` : ''
      out += `.references(() => ${target}.${targetColumn}${action})`
    }
    columns.push(`${property}: ${out},`)
  }
  const extras: string[] = []
  for (const pk of config.primaryKeys) {
    builders.add('primaryKey')
    extras.push(`primaryKey({ columns: [${pk.columns.map((c) => `t.${propertyOf(table as SQLiteTable, c)}`).join(', ')}] }),`)
  }
  for (const ix of config.indexes) {
    const kind = ix.config.unique ? 'uniqueIndex' : 'index'
    builders.add(kind)
    const on = ix.config.columns.map((c) => `t.${propertyOf(table as SQLiteTable, c as Column)}`).join(', ')
    const predicate = ix.config.where ? `.where(${template(table as SQLiteTable, ix.config.where)})` : ''
    extras.push(`${kind}('${ix.config.name}').on(${on})${predicate},`)
  }
  for (const ck of config.checks) {
    builders.add('check')
    extras.push(`check('${ck.name}', ${template(table as SQLiteTable, ck.value)}),`)
  }
  if (config.uniqueConstraints.length > 0) throw new Error(`${config.name}: table unique() constraints are not drafted`)
  const foreign = config.foreignKeys.filter((f) => f.reference().columns.length > 1)
  if (foreign.length > 0) throw new Error(`${config.name}: foreign keys over several columns are not drafted`)
  lines.push(
    `export const ${name} = pgTable('${config.name}', {\n${columns.join('\n')}\n}${extras.length > 0 ? `, (t) => [\n${extras.join('\n')}\n]` : ''})\n`,
  )
}

const imports = new Map<string, string[]>()
for (const constant of used) {
  const from = where[constant] as string
  imports.set(from, [...(imports.get(from) ?? []), constant])
}
builders.add('customType')
console.log(`import { sql } from 'drizzle-orm'
import { ${[...builders].sort().join(', ')} } from 'drizzle-orm/pg-core'
${[...imports].map(([from, names]) => `import { ${names.sort().join(', ')} } from '${from}'`).join('\n')}

const msTimestamp = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
})
// drizzle-orm 0.45's pg-core has no bytea column: Buffers pass through node-postgres as they are.
const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })
const PG_NOW = sql\`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint\`
const createdAt = () => msTimestamp('created_at').notNull().default(PG_NOW)
const updatedAt = () => msTimestamp('updated_at').notNull().default(PG_NOW)

${lines.join('\n')}`)
