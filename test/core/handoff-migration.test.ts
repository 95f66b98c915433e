/**
 * Migration 0014 (live handoff) on a database that already holds requests: a request still to
 * answer promised a phone call, so it stays one (waiting, not live: the chat is not silenced); a
 * closed one stays closed; the new tables and columns work on the migrated database.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, statement } from '../../src/db/client.js'
import { databaseBefore } from '../support/migrations.js'

describe('migration 0014 (live handoff) on a database with requests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kesos-migration-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps open requests as phone-call requests and closed ones closed', async () => {
    const { sqlite, path } = databaseBefore(dir, '_live_handoff')
    const insert = sqlite.prepare(
      "insert into handoff_requests (code, channel, chat_id, name, phone_e164, topic, question, status, created_at, closed_at) values (?, 'whatsapp', ?, 'Siti', '+6281234567890', 'lain', 'Tolong telepon saya', ?, 1764000000000, ?)",
    )
    insert.run('PTG-OPEN22', '6281@s.whatsapp.net', 'open', null)
    insert.run('PTG-DONE22', '6282@s.whatsapp.net', 'closed', 1764100000000)
    sqlite.close()

    const db = openDatabase(path)
    const rows = await statement(
      db,
      'select code, status, live, rating_pending as ratingPending, closed_at as closedAt from handoff_requests order by code',
    ).all()
    expect(rows).toEqual([
      { code: 'PTG-DONE22', status: 'closed', live: 0, ratingPending: 0, closedAt: 1764100000000 },
      { code: 'PTG-OPEN22', status: 'waiting', live: 0, ratingPending: 0, closedAt: null },
    ])
    // A live request can now be filed in the same chat (the old one does not count as live) …
    const live =
      "insert into handoff_requests (code, channel, chat_id, name, topic, question) values (?, 'whatsapp', '6281@s.whatsapp.net', 'Siti', 'lain', 'Halo')"
    await statement(db, live).run('PTG-LIVE22')
    // … but only one.
    await expect(statement(db, live).run('PTG-LIVE33')).rejects.toThrow(/UNIQUE/)
    db.$client.close()
  })
})
