/**
 * `npm run cli -- announce preview|send|status|cancel` as real processes on a database file: the
 * registrants of a Makassar session told that the venue moved, from a terminal. The preview counts
 * who can be reached and why not and shows a real message; the dry run stores nothing; the send
 * writes the outbox rows the server delivers, once; status, the CSV and cancel follow; a refusal
 * says why (exit 1) and a mistyped command gets the usage (exit 2); `--as` a regional account
 * reaches its own region only.
 */

import { describe, expect, it } from 'vitest'
import { closeStore, type Db, written } from '../../src/db/client.js'
import { certificationStages, channelIdentities, people, staff } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { indexAfterAll, start, tempFolderEachTest } from '../support/programs.js'
import { confirm, DAY } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

const KEYS = { DATA_ENCRYPTION_KEY: '3e'.repeat(32), CERT_SIGNING_KEY: 'announce-cli-signing-key-0123456789abcdef' }
const VENUE_MOVED = 'Yth. {nama}, tempat {sesi} pindah ke Aula Dinas Sosial Sulawesi Selatan. Jam mulai tetap {jam}.'
const LONG_AGO = new Date('2026-01-05T02:00:00Z')

type Chat = { channel: 'telegram' | 'whatsapp'; blocked?: boolean; optedOut?: boolean }

async function addPerson(
  db: Db,
  name: string,
  place: { province: string; zone: string },
  chats: Chat[],
  stage?: 'bimtek',
): Promise<number> {
  const now = new Date()
  const id = written(
    await db
      .insert(people)
      .values({ fullName: name, provinceCode: place.province, timeZone: place.zone })
      .returning({ id: people.id }),
  ).id
  for (const [index, chat] of chats.entries()) {
    const chatId = chat.channel === 'whatsapp' ? `62812000${id}${index}@s.whatsapp.net` : `55500${id}${index}`
    await db.insert(channelIdentities).values({
      channel: chat.channel,
      userId: chatId,
      chatId,
      personId: id,
      linkedAt: LONG_AGO,
      linkExpiresAt: new Date(now.getTime() + 3650 * DAY),
      wroteAt: LONG_AGO,
      blockedAt: chat.blocked ? LONG_AGO : null,
      announcementsOffAt: chat.optedOut ? LONG_AGO : null,
    })
  }
  if (stage) await db.insert(certificationStages).values({ personId: id, stage, reachedAt: LONG_AGO })
  return id
}

const MAKASSAR = { province: '73', zone: 'Asia/Makassar' }
const PADANG = { province: '13', zone: 'Asia/Jakarta' }

describe('npm run cli -- announce', () => {
  const folder = tempFolderEachTest('announce-cli')

  /**
   * Session BMT-MKS-01 (R5) with five confirmed registrants: Andi (Telegram), Sari (WhatsApp), Budi
   * (no chat), Dewi (blocked the assistant), Yohanes (said `stop info`). Andi and Sari are at the
   * bimtek stage, as is Rahmat in Padang (R1), who is no registrant. Staff: Rina (R5), Ali (R1).
   */
  async function seed() {
    const core = await testCore({ store: folder.store, env: KEYS })
    const now = new Date()
    const session = await addSession(core.db, now, {
      code: 'BMT-MKS-01',
      region: 'R5',
      startsAt: new Date(now.getTime() + 10 * DAY),
    })
    for (const [name, chats] of [
      ['Andi Pratama', [{ channel: 'telegram' }]],
      ['Sari Wulandari', [{ channel: 'whatsapp' }]],
      ['Budi Santoso', []],
      ['Dewi Lestari', [{ channel: 'telegram', blocked: true }]],
      ['Yohanes Wenda', [{ channel: 'telegram', optedOut: true }]],
    ] as const) {
      const stage = name === 'Andi Pratama' || name === 'Sari Wulandari' ? 'bimtek' : undefined
      await confirm(core.db, await addPerson(core.db, name, MAKASSAR, [...chats], stage), session)
    }
    await addPerson(core.db, 'Rahmat Hidayat', PADANG, [{ channel: 'telegram' }], 'bimtek')
    await core.db.insert(staff).values([
      { name: 'Rina Wulandari', email: 'rina@kemensos.go.id', role: 'regional', region: 'R5', createdAt: now, updatedAt: now },
      { name: 'Ali Syahputra', email: 'ali@kemensos.go.id', role: 'regional', region: 'R1', createdAt: now, updatedAt: now },
      { name: 'Vina Lestari', email: 'vina@kemensos.go.id', role: 'viewer', region: null, createdAt: now, updatedAt: now },
    ])
    await closeStore(core.db)
  }

  async function cli(args: string[], env: Record<string, string> = {}) {
    // No quiet hours unless a test sets them: "send now" does not depend on the hour the test runs at.
    const run = start('src/cli.ts', ['announce', ...args], {
      ...folder.store,
      REMINDER_QUIET_HOURS: '00:00-00:00',
      ...KEYS,
      ...env,
    })
    const exit = await run.exited(30_000)
    return { code: exit.code, stdout: run.stdout(), stderr: run.stderr() }
  }

  const count = async (table: string) => (await folder.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n
  const audits = () =>
    folder.rows<{ actor: string; action: string; entity_id: string | null }>(
      'SELECT actor, action, entity_id FROM audit_log ORDER BY id',
    )
  const SESSION = ['--session', 'BMT-MKS-01', '--registrants', 'confirmed']

  it('preview: counts per channel, who cannot be reached and why, a real message per channel; keeps only the audit', async () => {
    await seed()
    const preview = await cli(['preview', ...SESSION, '--text', VENUE_MOVED])
    expect(preview.code, preview.stderr).toBe(0)
    expect(preview.stdout).toContain('Penerima: 5 orang')
    expect(preview.stdout).toContain('terjangkau 2 orang: Telegram 1 chat · WhatsApp 1 chat')
    expect(preview.stdout).toContain(
      'tidak terjangkau 3 orang: tidak ada chat tertaut 1 · memblokir asisten 1 · berhenti menerima pengumuman (stop info) 1',
    )
    // One real message per channel, as it will look, ending with how to stop announcements.
    indexAfterAll(preview.stdout, [
      'Contoh pesan Telegram (untuk Andi Pratama, bahasa Indonesia):',
      '│ 📢 *Pengumuman*',
      '│ Yth. Andi Pratama, tempat Bimtek Sertifikasi BMT-MKS-01 (BMT-MKS-01) pindah ke Aula Dinas Sosial Sulawesi Selatan.',
      '│ — Ketik *stop info* untuk berhenti menerima pengumuman.',
      'Contoh pesan WhatsApp (untuk Sari Wulandari, bahasa Indonesia):',
      '│ Yth. Sari Wulandari, tempat Bimtek',
      '│ — Ketik *stop info*',
    ])
    // Nothing kept but the audit of having seen two people's messages.
    expect(await count('announcements')).toBe(0)
    expect(await count("outbox WHERE kind = 'announcement'")).toBe(0)
    expect(await audits()).toEqual([{ actor: 'cli', action: 'announcement.previewed', entity_id: null }])
  }, 60_000)

  it('send --dry-run says what would happen and stores nothing', async () => {
    await seed()
    const dry = await cli(['send', ...SESSION, '--text', VENUE_MOVED, '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('--dry-run: tidak ada yang disimpan. Bila dikirim:')
    expect(dry.stdout).toContain('Diantrekan 2 pesan untuk 2 orang (Telegram 1 · WhatsApp 1).')
    expect(await count('announcements')).toBe(0)
    expect(await count('announcement_recipients')).toBe(0)
    expect(await count('outbox')).toBe(0)
    expect(await count('audit_log')).toBe(0)
  }, 60_000)

  it('send queues one row per chat and prints the code; a second send is refused; status (failures, the cap), CSV and cancel follow', async () => {
    await seed()
    const sent = await cli(['send', ...SESSION, '--text', VENUE_MOVED])
    expect(sent.code, sent.stderr).toBe(0)
    const code = /Pengumuman (PGM-[A-Z0-9]+) diantrekan/.exec(sent.stdout)?.[1] ?? ''
    expect(code).not.toBe('')
    expect(sent.stdout).toContain('Diantrekan 2 pesan untuk 2 orang (Telegram 1 · WhatsApp 1).')
    expect(sent.stdout).toContain(`Pantau: npm run cli -- announce status ${code}`)
    expect(await folder.rows("SELECT channel, status FROM outbox WHERE kind = 'announcement' ORDER BY channel")).toEqual([
      { channel: 'telegram', status: 'pending' },
      { channel: 'whatsapp', status: 'pending' },
    ])

    // The same again: nobody is messaged twice.
    const again = await cli(['send', ...SESSION, '--text', VENUE_MOVED])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(code)
    expect(await count("outbox WHERE kind = 'announcement'")).toBe(2)

    const status = await cli(['status', code])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain(`${code}  [sedang dikirim]`)
    expect(status.stdout).toContain('Orang: 5 · terjangkau 2 · tidak ada chat 1 · memblokir 1 · berhenti (stop info) 1')
    expect(status.stdout).toContain('Pesan: 2 · menunggu 2 · terkirim 0')
    expect(status.stdout).toMatch(/Menunggu \(2\):\n {2}Andi Pratama {2}telegram/)

    // The server's delivery, as it records it: Telegram failed for good, WhatsApp held back by the daily cap.
    await folder.change(
      "UPDATE outbox SET status = 'failed', last_error = 'Telegram: 400 Bad Request: chat not found' WHERE kind = 'announcement' AND channel = 'telegram'",
    )
    await folder.change('UPDATE announcements SET rolled_to = ?', Date.parse('2026-12-08T01:00:00Z'))
    const later = await cli(['status', code])
    expect(later.stdout).toContain('Pesan: 2 · menunggu 1 · terkirim 0 · gagal 1')
    expect(later.stdout).toContain('Batas harian WhatsApp (500) tercapai: 1 pesan berlanjut Selasa, 8 Desember 2026, 08.00 WIB.')
    expect(later.stdout).toMatch(/Menunggu \(1\):\n {2}Sari Wulandari {2}whatsapp {2}jatuh tempo /)
    expect(later.stdout).toContain('Gagal (1):\n  Andi Pratama  telegram  Gagal: Telegram: 400 Bad Request: chat not found\n')

    const csv = await cli(['status', code, '--csv'])
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
    expect(lines).toHaveLength(1 + 5)
    for (const name of ['Andi Pratama', 'Sari Wulandari', 'Budi Santoso', 'Dewi Lestari', 'Yohanes Wenda'])
      expect(csv.stdout).toContain(name)
    expect(csv.stdout).not.toContain('6281200') // chats masked
    expect(csv.stdout).toMatch(/Andi Pratama,Sulawesi Selatan,telegram,[^,]+,id,Gagal,Telegram: 400 Bad Request: chat not found,/)
    expect((await audits()).at(-1)).toMatchObject({ actor: 'cli', action: 'announcement.recipients_exported' })

    const cancelled = await cli(['cancel', code])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(cancelled.stdout).toContain(`Pengumuman ${code} dibatalkan: 1 pesan yang belum terkirim tidak akan dikirim.`)
    expect(await folder.rows("SELECT channel, status FROM outbox WHERE kind = 'announcement' ORDER BY channel")).toEqual([
      { channel: 'telegram', status: 'failed' },
      { channel: 'whatsapp', status: 'cancelled' },
    ])
    const twice = await cli(['cancel', code])
    expect(twice.code).toBe(1)
    expect(twice.stderr).not.toBe('')
    expect((await cli(['status', code])).stdout).toContain(`${code}  [dibatalkan]`)
  }, 120_000)

  it('status counts a message a crash interrupted as "hasil tidak diketahui", apart from gagal, and says what it means', async () => {
    await seed()
    const sent = await cli(['send', ...SESSION, '--text', VENUE_MOVED])
    const code = /Pengumuman (PGM-[A-Z0-9]+) diantrekan/.exec(sent.stdout)?.[1] ?? ''
    // As the server records it: Telegram failed for good; the WhatsApp message was being sent when it stopped.
    const set = "UPDATE outbox SET status = ?, last_error = ? WHERE kind = 'announcement' AND channel = ?"
    await folder.change(set, 'failed', 'Telegram: 400 Bad Request: chat not found', 'telegram')
    await folder.change(set, 'claimed', null, 'whatsapp')
    await folder.change(set, 'unknown', 'outcome unknown: the process stopped while sending', 'whatsapp')
    const status = await cli(['status', code])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain('Pesan: 2 · menunggu 0 · terkirim 0 · gagal 1 · hasil tidak diketahui 1 · dilewati 0')
    expect(status.stdout).toContain('  whatsapp: 1 pesan · menunggu 0 · terkirim 0 · gagal 0 · hasil tidak diketahui 1\n')
    expect(status.stdout).toContain('Gagal (1):\n  Andi Pratama  telegram  Gagal: Telegram: 400 Bad Request: chat not found\n')
    expect(status.stdout).toMatch(
      /Hasil tidak diketahui \(1\):\n {2}Hasil tidak diketahui: server berhenti [^\n]*tidak dikirim ulang otomatis[^\n]*Pengingat\.\n {2}Sari Wulandari {2}whatsapp\n/,
    )
  }, 60_000)

  it("send --at schedules it in each recipient's zone (texts from files); cancelled before it went, nothing is sent", async () => {
    await seed()
    const day = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10)
    const textId = folder.file('pengumuman.txt', '\uFEFFYth. {nama}, tempat {sesi} pindah ke {tempat}.\n')
    const textEn = folder.file('announcement.txt', 'Dear {nama}, {sesi} moved to {tempat}.\n')
    const sent = await cli(['send', ...SESSION, '--text-file', textId, '--text-en-file', textEn, '--at', `${day} 09:00`], {
      REMINDER_QUIET_HOURS: '21:00-06:00',
    })
    expect(sent.code, sent.stderr).toBe(0)
    const code = /Pengumuman (PGM-[A-Z0-9]+) dijadwalkan/.exec(sent.stdout)?.[1] ?? ''
    expect(sent.stdout).toMatch(
      /Jadwal: \w+, \d+ \w+ \d{4}, 09\.00 waktu setempat tiap penerima \(yang pertama 09\.00 WIT = 07\.00 WIB\)/,
    )
    expect(await folder.rows('SELECT status, text_id, text_en, local_time FROM announcements')).toEqual([
      {
        status: 'scheduled',
        text_id: 'Yth. {nama}, tempat {sesi} pindah ke {tempat}.',
        text_en: 'Dear {nama}, {sesi} moved to {tempat}.',
        local_time: '09:00',
      },
    ])
    expect(await count('outbox')).toBe(0) // queued by the server's job at the time, not now
    expect((await cli(['status', code])).stdout).toContain(`${code}  [terjadwal]`)
    const cancelled = await cli(['cancel', code])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(cancelled.stdout).toContain(`Pengumuman ${code} dibatalkan sebelum diantrekan: tidak ada pesan yang dikirim.`)
  }, 60_000)

  it('refuses an unknown placeholder, a time in quiet hours and an unknown code (exit 1), storing nothing', async () => {
    await seed()
    const typo = await cli(['send', ...SESSION, '--text', 'Yth. {nama}, tempat pindah ke {tempt}.'])
    expect(typo.code).toBe(1)
    expect(typo.stderr).toContain('{tempt}')
    expect(typo.stderr).toMatch(/^--text: /)

    const day = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10)
    const night = await cli(['send', ...SESSION, '--text', VENUE_MOVED, '--at', `${day} 22:00`], {
      REMINDER_QUIET_HOURS: '21:00-06:00',
    })
    expect(night.code).toBe(1)
    expect(night.stderr).toMatch(/^--at: .*jam tenang/)

    const unknown = await cli(['status', 'PGM-NOPE22'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('Tidak ada pengumuman dengan kode PGM-NOPE22.')
    expect(await count('announcements')).toBe(0)
    expect(await count('outbox')).toBe(0)
  }, 90_000)

  it('a mistyped command gets the usage (exit 2)', async () => {
    await seed()
    const bad = await cli(['send', ...SESSION, '--text', VENUE_MOVED, '--urgnet'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("Unknown option '--urgnet'")
    expect(bad.stderr).toContain('announce send OPSI-PENERIMA')
    const noText = await cli(['send', ...SESSION])
    expect(noText.code).toBe(2)
    expect(noText.stderr).toContain('--text')
    expect((await cli(['status'])).code).toBe(2)
    expect(await count('announcements')).toBe(0)
  }, 60_000)

  it('--as a regional account reaches its own region only; a viewer account only reads the totals', async () => {
    await seed()
    const centre = await cli(['preview', '--stage', 'bimtek', '--text', 'Yth. {nama}, materi Bimtek sudah tersedia.'])
    expect(centre.code, centre.stderr).toBe(0)
    expect(centre.stdout).toContain('Penerima: 3 orang')
    const makassar = await cli([
      'preview',
      '--stage',
      'bimtek',
      '--text',
      'Yth. {nama}, materi Bimtek sudah tersedia.',
      '--as',
      'rina@kemensos.go.id',
    ])
    expect(makassar.code, makassar.stderr).toBe(0)
    expect(makassar.stdout).toContain('Penerima: 2 orang')
    expect(makassar.stdout).not.toContain('Rahmat Hidayat')

    // An announcement of R5 is not found by an R1 account.
    const sent = await cli(['send', ...SESSION, '--text', VENUE_MOVED, '--as', 'rina@kemensos.go.id'])
    expect(sent.code, sent.stderr).toBe(0)
    const code = /PGM-[A-Z0-9]+/.exec(sent.stdout)?.[0] ?? ''
    const other = await cli(['cancel', code, '--as', 'ali@kemensos.go.id'])
    expect(other.code).toBe(1)
    expect(other.stderr).toContain(`Tidak ada pengumuman dengan kode ${code} di wilayah R1.`)
    // A viewer reads the totals, with names masked, and nothing more.
    const viewed = await cli(['status', code, '--as', 'vina@kemensos.go.id'])
    expect(viewed.code, viewed.stderr).toBe(0)
    expect(viewed.stdout).not.toContain('Andi Pratama')
    for (const refused of [
      ['cancel', code],
      ['status', code, '--csv'],
      ['send', '--region', 'R5', '--text', 'Halo {nama}'],
    ]) {
      const answer = await cli([...refused, '--as', 'vina@kemensos.go.id'])
      expect(answer.code, refused.join(' ')).toBe(1)
      expect(answer.stderr).toContain('viewer')
    }
    expect(await folder.rows('SELECT status FROM announcements')).toEqual([{ status: 'sending' }])
  }, 90_000)
})
