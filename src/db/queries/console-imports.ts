/**
 * The console's Impor data page: files kept between their preview and their confirmation
 * (`pending_imports`, an hour at most), and the history of imports read from the audit log (every
 * import writes one `import` entry; the console's also name the file and, for a regional account, its region).
 */

import { and, eq, gt, lt, or } from 'drizzle-orm'
import { type Db, first, statement } from '../client.js'
import { jsonText } from '../dialect.js'
import { type ImportKind, pendingImports } from '../schema.js'
import { transaction } from '../store.js'

export type PendingImport = typeof pendingImports.$inferSelect

/**
 * Keeps an uploaded file for its staff member until `expiresAt`, in place of their earlier one not
 * confirmed (a corrected file replaces the file it corrects); anyone's expired files go. Returns its id.
 */
export async function savePendingImport(
  db: Db,
  file: { staffId: number; kind: ImportKind; fileName: string; content: Uint8Array; sha256: string; now: Date; expiresAt: Date },
): Promise<number> {
  return await transaction(db, async (tx) => {
    await tx.delete(pendingImports).where(or(eq(pendingImports.staffId, file.staffId), lt(pendingImports.expiresAt, file.now)))
    const [row] = await tx
      .insert(pendingImports)
      .values({
        staffId: file.staffId,
        kind: file.kind,
        fileName: file.fileName,
        content: Buffer.from(file.content),
        sha256: file.sha256,
        createdAt: file.now,
        expiresAt: file.expiresAt,
      })
      .returning({ id: pendingImports.id })
    if (!row) throw new Error('pending import not stored')
    return row.id
  })
}

/** The staff member's own file `id`, while it has not expired; another's, or an expired one, is not found. */
export const pendingImportOf = async (db: Db, id: number, staffId: number, now: Date): Promise<PendingImport | undefined> =>
  await first(
    db
      .select()
      .from(pendingImports)
      .where(and(eq(pendingImports.id, id), eq(pendingImports.staffId, staffId), gt(pendingImports.expiresAt, now))),
  )

/** Deletes a kept file (confirmed or cancelled). */
export async function deletePendingImport(db: Db, id: number): Promise<void> {
  await db.delete(pendingImports).where(eq(pendingImports.id, id))
}

/** One import as the history shows it. */
export type ImportEntry = { id: number; at: Date; actor: string; entity: string | null; details: string | null }

/** Regional accounts see the imports done for their region; `null`: every import (CLI and API ones too). */
function regionWhere(db: Db, region: string | null): { sql: string; args: string[] } {
  return region === null ? { sql: '', args: [] } : { sql: ` and ${jsonText(db, 'details', 'region')} = ?`, args: [region] }
}

/** How many imports the history holds for `region` (null: all). */
export async function countImports(db: Db, region: string | null): Promise<number> {
  const where = regionWhere(db, region)
  const row = (await statement(db, `select count(*) as n from audit_log where action = 'import'${where.sql}`).get(
    ...where.args,
  )) as {
    n: number
  }
  return row.n
}

/** The imports, newest first, `limit` after `offset`. */
export async function importEntries(
  db: Db,
  region: string | null,
  page: { limit: number; offset: number },
): Promise<ImportEntry[]> {
  const where = regionWhere(db, region)
  const rows = (await statement(
    db,
    `select id, at, actor, entity, details from audit_log where action = 'import'${where.sql}
       order by at desc, id desc limit ? offset ?`,
  ).all(...where.args, page.limit, page.offset)) as {
    id: number
    at: number
    actor: string
    entity: string | null
    details: string | null
  }[]
  return rows.map((row) => ({ ...row, at: new Date(row.at) }))
}

/** One import of the history by its audit entry's id, if `region` (null: any) may see it. */
export async function importEntry(db: Db, id: number, region: string | null): Promise<ImportEntry | undefined> {
  const where = regionWhere(db, region)
  const row = (await statement(
    db,
    `select id, at, actor, entity, details from audit_log where action = 'import' and id = ?${where.sql}`,
  ).get(id, ...where.args)) as
    | { id: number; at: number; actor: string; entity: string | null; details: string | null }
    | undefined
  return row && { ...row, at: new Date(row.at) }
}

/** The id of the latest import entry of `actor` (the one just written: better-sqlite3 runs one statement at a time). */
export async function latestImportOf(db: Db, actor: string): Promise<number | undefined> {
  const row = (await statement(db, `select max(id) as id from audit_log where action = 'import' and actor = ?`).get(actor)) as {
    id: number | null
  }
  return row.id ?? undefined
}
