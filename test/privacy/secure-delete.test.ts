/**
 * A deleted row must not stay readable in the database file: SQLite leaves deleted cells in place
 * (free pages, free blocks) unless `secure_delete` is on, so a copy of the file after "hapus data"
 * would still hold the person's details.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase, statement } from '../../src/db/client.js'
import { tempDir } from '../support/programs.js'

const folder = tempDir('secure-delete')
afterEach(() => folder.cleanup())

describe('the database file after a deletion', () => {
  it('holds no trace of the deleted rows (secure_delete is on)', async () => {
    const path = join(folder.dir, 'kesos.db')
    const marker = 'Yohana Secure-Delete Marker 0812-5555-0101'
    const db = openDatabase(path)
    expect(db.$client.pragma('secure_delete', { simple: true })).toBe(1)
    const insert = db.$client.prepare(
      `insert into handoff_requests (code, channel, chat_id, name, phone_e164, topic, question) values (?, 'console', 'c' || ?, ?, null, 't', ?)`,
    )
    // Enough rows to fill pages, and one kept, so the page is not simply dropped from the file.
    for (let i = 0; i < 40; i++) insert.run(`PTG-${i}`, i, marker, `${marker} ${i}`.repeat(5))
    insert.run('PTG-KEEP', 'keep', 'Someone Else', 'kept')
    db.$client.pragma('wal_checkpoint(TRUNCATE)')
    await statement(db, `delete from handoff_requests where code <> 'PTG-KEEP'`).run()
    closeDatabase(db)

    for (const file of [path, `${path}-wal`]) {
      if (!existsSync(file)) continue
      expect(readFileSync(file).includes(Buffer.from(marker)), file).toBe(false)
    }
  })
})
