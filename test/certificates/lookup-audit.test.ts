/**
 * The batched audit of certificate lookups on the real schema (in-memory SQLite, or PostgreSQL in
 * the suite's PostgreSQL run): record() only
 * buffers, a flush writes the batch in one transaction (on a timer, at maxBatch, on demand, at
 * stop), a failed write keeps the entries, and nothing personal is stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { createLookupAudit, LOOKUP_ACTION, type LookupEntry } from '../../src/core/certificates/lookup-audit.js'
import { closeStore } from '../../src/db/client.js'
import { auditLog } from '../../src/db/schema.js'
import { transactionsBegun } from '../../src/db/store.js'
import { fakeClock, testCore } from '../support/core.js'
import { onPostgres } from '../support/engine.js'
import { failInserts } from '../support/store.js'

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  await closeStore(core.db)
})

const rows = async () => await core.db.select().from(auditLog)
const details = async () => (await rows()).map((row) => JSON.parse(row.details ?? '{}') as Record<string, string>)
const entry = (over: Partial<LookupEntry> = {}): LookupEntry => ({
  channel: 'web',
  number: 'LSPS202400009',
  outcome: 'valid',
  ...over,
})
const nextTick = () => new Promise((resolve) => setImmediate(resolve))
/** Makes every write to the audit log fail with `message`, as a locked or broken database would. */
const failWrites = (message: string) => failInserts(core.db, 'audit_log', message)

describe('createLookupAudit', () => {
  it('record() returns at once without touching the database; flush() writes the batch in one transaction', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: () => new Date() })
    const begun = transactionsBegun(core.db)
    const transactions = () => transactionsBegun(core.db) - begun
    const insert = vi.spyOn(core.db, 'insert')
    const results = [
      audit.record(entry()),
      audit.record(entry({ channel: 'api', number: 'LSPS202499999', outcome: 'not-found' })),
      audit.record(entry({ channel: 'chat', number: undefined, outcome: 'invalid' })),
    ]
    expect(results).toEqual([undefined, undefined, undefined])
    expect(transactions()).toBe(0)
    expect(insert).not.toHaveBeenCalled()
    expect(await rows()).toEqual([])

    await audit.flush()
    expect(transactions()).toBe(1)
    expect((await rows()).map((row) => [row.actor, row.action, row.entity, row.entityId])).toEqual([
      ['web', LOOKUP_ACTION, 'certificate', 'LSPS202400009'],
      ['api', LOOKUP_ACTION, 'certificate', 'LSPS202499999'],
      ['chat', LOOKUP_ACTION, 'certificate', null],
    ])
    expect((await details()).map((d) => d.outcome)).toEqual(['valid', 'not-found', 'invalid'])

    await audit.flush()
    expect(transactions()).toBe(1) // nothing buffered, nothing written
    await audit.stop()
  })

  it('flushes flushMs after the first buffered entry, once for the whole batch', async () => {
    vi.useFakeTimers()
    const audit = createLookupAudit(core.db, { flushMs: 2_000, maxBatch: 1_000, now: () => new Date() })
    const begun = transactionsBegun(core.db)
    const transactions = () => transactionsBegun(core.db) - begun
    audit.record(entry())
    vi.advanceTimersByTime(1_000)
    audit.record(entry({ outcome: 'expired' }))
    audit.record(entry({ outcome: 'revoked' }))
    await vi.advanceTimersByTimeAsync(999)
    expect(await rows()).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    await audit.settled()
    expect(await rows()).toHaveLength(3)
    expect(transactions()).toBe(1)
    // Idle: no timer is left running (PostgreSQL's pool keeps an idle timer of its own), and nothing more is written.
    if (!onPostgres) expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(transactions()).toBe(1)
    await audit.stop()
  })

  it('flushes as soon as maxBatch entries wait, after the lookup that filled it has returned', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 3_600_000, maxBatch: 50, now: () => new Date() })
    const begun = transactionsBegun(core.db)
    const transactions = () => transactionsBegun(core.db) - begun
    for (let i = 0; i < 50; i++) audit.record(entry({ number: `LSPS2024${String(i).padStart(5, '0')}` }))
    expect(await rows()).toHaveLength(0)
    await nextTick()
    await audit.settled()
    expect(await rows()).toHaveLength(50)
    expect(transactions()).toBe(1)
    await audit.stop()
  })

  it('writes a large batch in one transaction', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 3_600_000, maxBatch: 5_000, now: () => new Date() })
    const begun = transactionsBegun(core.db)
    const transactions = () => transactionsBegun(core.db) - begun
    for (let i = 0; i < 1_234; i++) audit.record(entry())
    await audit.flush()
    expect(await rows()).toHaveLength(1_234)
    expect(transactions()).toBe(1)
    await audit.stop()
  })

  it('keeps the time of each lookup, not of the flush', async () => {
    const clock = fakeClock(new Date('2026-11-23T02:00:00Z'))
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: clock.now })
    audit.record(entry())
    clock.advance(30_000)
    audit.record(entry())
    clock.advance(30_000)
    await audit.flush()
    expect((await rows()).map((row) => row.at.toISOString())).toEqual(['2026-11-23T02:00:00.000Z', '2026-11-23T02:00:30.000Z'])
    await audit.stop()
  })

  it('stop() writes what is left, clears its timer and ignores later lookups', async () => {
    vi.useFakeTimers()
    const audit = createLookupAudit(core.db, { flushMs: 2_000, maxBatch: 1_000, now: () => new Date() })
    audit.record(entry())
    audit.record(entry())
    await audit.stop()
    expect(await rows()).toHaveLength(2)
    if (!onPostgres) expect(vi.getTimerCount()).toBe(0)
    audit.record(entry())
    vi.advanceTimersByTime(10_000)
    expect(await rows()).toHaveLength(2)
  })

  it('when a write fails: says so, keeps the entries and writes them with the next batch', async () => {
    const onError = vi.fn()
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: () => new Date(), onError })
    const writesWork = await failWrites('SQLITE_BUSY: database is locked')
    audit.record(entry({ number: 'LSPS000000001' }))
    await audit.flush()
    await writesWork()
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'SQLITE_BUSY: database is locked' }), 1)
    expect(await rows()).toHaveLength(0)
    audit.record(entry({ number: 'LSPS000000002' }))
    await audit.flush()
    expect((await rows()).map((row) => row.entityId)).toEqual(['LSPS000000001', 'LSPS000000002'])
    await audit.stop()
  })

  it('while writes keep failing, holds at most 20 batches, the newest', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 5, now: () => new Date(), onError: () => undefined })
    const writesWork = await failWrites('disk I/O error')
    for (let i = 0; i < 150; i++) audit.record(entry({ number: `LSPS${String(i).padStart(6, '0')}` }))
    await audit.flush()
    await writesWork()
    await audit.flush()
    const written = (await rows()).map((row) => row.entityId)
    expect(written).toHaveLength(100)
    expect(written[0]).toBe('LSPS000050')
    expect(written.at(-1)).toBe('LSPS000149')
    await audit.stop()
  })
})

describe('what the audit stores', () => {
  it('the client only as an 8-character keyed hash: the same for one client, different for another', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: () => new Date() })
    audit.record(entry({ client: '203.0.113.10' }))
    audit.record(entry({ client: '203.0.113.10' }))
    audit.record(entry({ client: '203.0.113.11' }))
    audit.record(entry())
    await audit.flush()
    const [a, b, c, none] = await details()
    expect(a?.client).toMatch(/^[0-9a-f]{8}$/)
    expect(b?.client).toBe(a?.client)
    expect(c?.client).not.toBe(a?.client)
    expect(none).toEqual({ outcome: 'valid' })
    expect(JSON.stringify(await rows())).not.toContain('203.0.113')
    await audit.stop()
  })

  it('a number that is not found but looks like a NIK as "NIK?", never the digits', async () => {
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: () => new Date() })
    audit.record(entry({ number: '3273014107900001', outcome: 'not-found' }))
    audit.record(entry({ number: '9999999999999999', outcome: 'not-found' }))
    await audit.flush()
    expect((await rows()).map((row) => row.entityId)).toEqual(['NIK?', '9999999999999999'])
    expect(JSON.stringify(await rows())).not.toContain('3273014107900001')
    await audit.stop()
  })

  it("a QR link's signature check", async () => {
    const audit = createLookupAudit(core.db, { flushMs: 60_000, maxBatch: 1_000, now: () => new Date() })
    audit.record(entry({ signature: 'not-genuine' }))
    await audit.flush()
    expect(await details()).toEqual([{ outcome: 'valid', signature: 'not-genuine' }])
    await audit.stop()
  })
})
