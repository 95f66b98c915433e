/** A database file as a release before a given migration made it, for testing that migration on real rows. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '../../src/db/schema.js'
import { MIGRATIONS_FOLDER } from '../../src/project-files.js'

/**
 * Creates `old.db` in `dir` with every migration before the one whose tag ends with `tagSuffix`
 * (e.g. `_live_handoff`) and returns it open, with its path; the caller fills it, closes it, and
 * opens it with `openDatabase`, which applies the rest.
 */
export function databaseBefore(dir: string, tagSuffix: string): { sqlite: Database.Database; path: string } {
  const before = join(dir, 'migrations')
  cpSync(MIGRATIONS_FOLDER, before, { recursive: true })
  const journalPath = join(before, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
  const index = journal.entries.findIndex((entry) => entry.tag.endsWith(tagSuffix))
  if (index <= 0) throw new Error(`no migration tagged *${tagSuffix} after the first`)
  journal.entries = journal.entries.slice(0, index)
  writeFileSync(journalPath, JSON.stringify(journal))
  const path = join(dir, 'old.db')
  const sqlite = new Database(path)
  sqlite.pragma('foreign_keys = ON')
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: before })
  return { sqlite, path }
}
