/**
 * POST /api/v1/admin/exams through the real Hono app: an exams file over HTTP, checked as the CLI
 * checks it, behind the admin token, with the admin API's JSON errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus } from '../../src/core/status/import.js'
import { closeDatabase } from '../../src/db/client.js'
import { exams } from '../../src/db/schema.js'
import { MAX_IMPORT_BYTES } from '../../src/web/admin-api.js'
import { ADMIN_AUTH, adminWebApp } from '../support/admin-api.js'
import { testCore } from '../support/core.js'
import { ANDI, examsFile, PEOPLE_FILE } from '../support/exams-csv.js'
import { STATUS } from '../support/status-csv.js'

let core: Core
let web: Awaited<ReturnType<typeof adminWebApp>>
beforeEach(async () => {
  core = await testCore()
  const seeded = await importStatus(core.db, PEOPLE_FILE, {
    actor: 'test',
    vault: core.vault,
    now: new Date('2026-11-23T05:00:00Z'),
    reminders: DEFAULT_REMINDER_SETTINGS,
  })
  if (!seeded.ok) throw new Error(JSON.stringify(seeded.errors))
  web = adminWebApp(core)
})
afterEach(() => closeDatabase(core.db))

const post = (body: string, type = 'text/csv', headers: Record<string, string> = ADMIN_AUTH) =>
  web.request('/api/v1/admin/exams', { method: 'POST', body, headers: { ...headers, 'Content-Type': type } })
const stored = async () =>
  await core.db.select({ code: exams.code, startsAt: exams.startsAt, status: exams.status }).from(exams).orderBy(exams.id)

describe('POST /api/v1/admin/exams', () => {
  it('imports a file: the counts, the exams stored; the same file again changes nothing', async () => {
    const file = examsFile({}, { exam_code: 'WWC-MKS-2027-0001', nik: ANDI.nik, kind: 'wawancara', time_zone: 'WITA' })
    const response = await post(file)
    expect(response.status).toBe(200)
    const noReminders = { queued: 0, updated: 0, cancelled: 0 }
    expect(await response.json()).toEqual({ inserted: 2, updated: 0, unchanged: 0, reminders: noReminders })
    expect(await stored()).toEqual([
      { code: 'UJK-BDG-2027-0001', startsAt: new Date('2027-03-10T02:00:00Z'), status: 'scheduled' },
      { code: 'WWC-MKS-2027-0001', startsAt: new Date('2027-03-10T01:00:00Z'), status: 'scheduled' },
    ])

    expect(await (await post(file, 'text/csv; charset=utf-8')).json()).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2,
      reminders: noReminders,
    })
    const cancelled = await post(examsFile({ status: 'cancelled' }))
    expect(await cancelled.json()).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 })
    expect((await stored())[0]?.status).toBe('cancelled')
  })

  it('refuses a file with bad rows with 422, every bad row with its line, never the NIK, and stores nothing', async () => {
    const response = await post(
      examsFile({}, { exam_code: 'UJK-2', nik: '3273015506800002' }, { exam_code: 'UJK-3', starts_at: '2027-03-10' }),
    )
    expect(response.status).toBe(422)
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({
      error: {
        code: 'IMPORT_REJECTED',
        message: '2 baris ditolak; tidak ada yang disimpan',
        rows: [
          { line: 3, column: 'nik', message: expect.stringMatching(/^belum tercatat: impor dulu status sertifikasi/) },
          { line: 4, column: 'starts_at', message: expect.stringContaining('harus tanggal dan jam "YYYY-MM-DD HH:mm"') },
        ],
      },
    })
    expect(body).not.toContain('3273015506800002')
    expect(body).not.toContain(STATUS.nik)
    expect(await stored()).toEqual([])
  })

  it('415 for another content type, 413 above the size limit', async () => {
    const json = await post(examsFile({}), 'application/json')
    expect(json.status).toBe(415)
    expect(await json.json()).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the exams file with Content-Type: text/csv' },
    })
    const large = await post(`${examsFile({})}${'x'.repeat(MAX_IMPORT_BYTES)}`)
    expect(large.status).toBe(413)
    expect(await large.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(await stored()).toEqual([])
  })

  it('sits behind the admin token', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-wrong-token-wrong' }] as Record<string, string>[]) {
      const response = await post(examsFile({}), 'text/csv', headers)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED' } })
    }
    expect(await stored()).toEqual([])
  })

  it('without the server’s NIK key no one can be found: 503, nothing stored', async () => {
    web = adminWebApp({ db: core.db })
    const response = await post(examsFile({}))
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      error: { code: 'NIK_KEY_UNAVAILABLE', message: 'this server has no NIK key; import exams with the CLI' },
    })
    expect(await stored()).toEqual([])
  })
})
