/**
 * A SQLite database with rows in every table, for the tests of `db copy-to-postgres`: the demo
 * dataset (sessions, people with encrypted NIKs, stages, outbox with its kept counts, handoffs…),
 * then a few rows by hand in each table the demo leaves empty, with the values a copy can get wrong:
 * files (blobs, every byte value), ciphertexts, booleans kept as 0/1, NULLs, text beyond ASCII, an
 * integer beyond 2^53, and an AUTOINCREMENT id handed out and deleted again.
 */

import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { createByteBox, HANDOFF_FILE_PURPOSE } from '../../src/core/privacy/data-key.js'
import { type DataKeyring, openDataKeys } from '../../src/data-keys.js'
import { type Db, openDatabase, statement, written } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import * as t from '../../src/db/schema.js'
import { testConfig } from './core.js'

/** A name no ASCII-only path would keep: Latin letters with marks, a dash, CJK and an emoji. */
export const NON_ASCII_NAME = 'Ñur Aisyah Ğül — 北京 😀'
/** Past 2^53: a number would round it to …992. */
export const BIG_INTEGER = '9007199254740993'
/** Every byte value, in a file the console kept for an import. */
export const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

export type CopySource = { db: Db; keyring: DataKeyring; key: string; nonAsciiPersonId: number; deletedAuditId: number }

/** Opens (creating) the database at `path` and fills every table; the data key is `key` (64 hex digits), or a fresh one. */
export async function seedEveryTable(path: string, now: Date, key = randomBytes(32).toString('hex')): Promise<CopySource> {
  const db = openDatabase(path)
  await ensureReferenceData(db)
  const keyring = await openDataKeys(testConfig({ DATA_ENCRYPTION_KEY: key }, path), pino({ level: 'silent' }), db, now)
  await loadDemoData(db, now, keyring.vault)
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000)

  const nonAscii = written(
    await db
      .insert(t.people)
      .values({
        fullName: NON_ASCII_NAME,
        nikHash: keyring.vault.hash('3171011203990001'),
        nikCiphertext: keyring.vault.encrypt('3171011203990001'),
        birthDate: '1999-03-12',
        provinceCode: '31',
        institution: null,
      })
      .returning({ id: t.people.id }),
  )
  const [admin, regional] = await db
    .insert(t.staff)
    .values([
      { name: 'Admin Pusat', email: 'admin@kemensos.go.id', role: 'admin', createdAt: now, updatedAt: now },
      {
        name: 'Petugas Wilayah',
        email: 'r2@kemensos.go.id',
        role: 'regional',
        region: 'R2',
        status: 'disabled',
        totpSecret: keyring.authBox.seal('JBSWY3DPEHPK3PXP'),
        totpEnabledAt: at(1),
        totpLastStep: 59_000_000,
        telegramUserId: '777',
        createdAt: now,
        updatedAt: at(2),
      },
    ])
    .returning({ id: t.staff.id })
  if (!admin || !regional) throw new Error('staff not inserted')
  await db.insert(t.staffSessions).values({ idHash: 'a'.repeat(64), staffId: admin.id, createdAt: now, lastSeenAt: at(5) })
  await db.insert(t.staffLinks).values([
    { tokenHash: 'b'.repeat(64), purpose: 'invite', staffId: regional.id, createdAt: now, expiresAt: at(1440) },
    { tokenHash: 'c'.repeat(64), purpose: 'first-admin', createdAt: now, expiresAt: at(1440), usedAt: at(3) },
  ])
  await db
    .insert(t.staffApiTokens)
    .values({ staffId: admin.id, name: 'laporan', tokenHash: 'd'.repeat(64), createdAt: now, expiresAt: at(60 * 24 * 30) })
  await db.insert(t.signInFailures).values({ subject: 'client:127.0.0.1', at: now })
  await db.insert(t.identityAttempts).values([
    { channel: 'telegram', chatId: '42', subject: 'e'.repeat(64), at: now, succeeded: false },
    { channel: 'whatsapp', chatId: '6281100000001@s.whatsapp.net', at: at(1), succeeded: true },
  ])
  await db.insert(t.identityCodes).values({
    personId: nonAscii.id,
    channel: 'telegram',
    chatId: '42',
    codeHash: 'f'.repeat(64),
    createdAt: now,
    expiresAt: at(10),
  })
  await db.insert(t.nameChecks).values({ number: 'LSPS202500042', day: '2026-11-23', count: 3 })
  await db.insert(t.outboxCapDays).values({ channel: 'whatsapp', day: 20_415, count: 250 })
  await db
    .insert(t.outboxDispatchers)
    .values({ id: 'run-1', role: 'server', host: 'kesos-1', pid: 4242, startedAt: now, heartbeatAt: at(1) })
  await db.insert(t.pendingImports).values({
    staffId: admin.id,
    kind: 'status',
    fileName: 'status-ñ.csv',
    content: EVERY_BYTE,
    sha256: '0'.repeat(64),
    createdAt: now,
    expiresAt: at(60),
  })
  await db.insert(t.processedMessages).values({ channel: 'telegram', chatId: '42', messageId: '1001', receivedAt: now })
  await db.insert(t.whatsappAuth).values([
    { type: 'creds', id: 'creds', value: keyring.authBox.seal('{"noiseKey":{"private":"…"}}'), updatedAt: now },
    { type: 'pre-key', id: '17', value: keyring.authBox.seal('{"public":"…"}'), updatedAt: now },
  ])
  await db.insert(t.consentRecords).values({
    personId: nonAscii.id,
    channel: 'telegram',
    chatId: '42',
    purpose: 'registration',
    textVersion: '2026-01',
    granted: true,
    recordedAt: now,
  })
  const request = (await db.select({ id: t.handoffRequests.id }).from(t.handoffRequests).limit(1))[0]
  if (!request) throw new Error('the demo data has no handoff request')
  const files = createByteBox(keyring.keys, HANDOFF_FILE_PURPOSE)
  const attachment = written(
    await db
      .insert(t.handoffAttachments)
      .values({
        handoffId: request.id,
        kind: 'pdf',
        mimeType: 'application/pdf',
        fileName: 'ijazah.pdf',
        size: EVERY_BYTE.length,
        sha256: '1'.repeat(64),
        content: files.seal(EVERY_BYTE),
        createdAt: now,
      })
      .returning({ id: t.handoffAttachments.id }),
  )
  await db
    .insert(t.handoffMessages)
    .values({ handoffId: request.id, at: at(2), author: 'person', via: 'chat', attachmentId: attachment.id })
  // handoff_messages.outbox_id is a bigint in PostgreSQL; written raw, as a number could not hold it.
  await statement(db, `update handoff_messages set outbox_id = ${BIG_INTEGER} where attachment_id = ?`).run(attachment.id)
  await db
    .insert(t.handoffGroupCleanups)
    .values({ tgChatId: '-100123', tgTopicId: 7, tgMessageIds: '[1,2,3]', reason: 'erasure', createdAt: now })
  // The last audit entry deleted: AUTOINCREMENT never hands its id out again, nor may PostgreSQL.
  const deleted = written(
    await db.insert(t.auditLog).values({ at: now, actor: 'cli', action: 'test.deleted' }).returning({ id: t.auditLog.id }),
  )
  await statement(db, 'delete from audit_log where id = ?').run(deleted.id)
  return { db, keyring, key, nonAsciiPersonId: nonAscii.id, deletedAuditId: deleted.id }
}
