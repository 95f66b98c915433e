/**
 * `npm run cli -- reminders plan | due | send` as real processes on a database file, Telegram
 * through a local fake Bot API: the plan (and its dry run, which stores nothing), what a delivery
 * run would do, a dry run of sending, and a real send, which leaves WhatsApp to the server. Then,
 * in process: planning many people in batches, the dry run against the real one; and the preview
 * of `reminders due` against what a delivery run really does, in virtual time.
 */
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { dueRemindersCommand, planRemindersCommand } from '../../src/cli/reminders.js'
import { loadConfig } from '../../src/config.js'
import type { ChannelSender } from '../../src/core/outbox.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeStore, statement } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { FAKE_TELEGRAM_TOKEN, type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { testOutbox } from '../support/outbox.js'
import { start, tempFolderEachTest } from '../support/programs.js'
import { addExam, addPerson, confirm, DAY, HOUR, MINUTE } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

const TELEGRAM_CHAT = '987654321'
const WHATSAPP_CHAT = '6281234567890@s.whatsapp.net'
/** A service with a channel on refuses the development keys. */
const KEYS = { DATA_ENCRYPTION_KEY: '7a'.repeat(32), CERT_SIGNING_KEY: 'reminders-cli-signing-key-0123456789abcdef' }

describe('npm run cli -- reminders', () => {
  const temp = tempFolderEachTest('reminders-cli')
  let fake: FakeTelegram

  beforeEach(async () => {
    fake = await startFakeTelegram()
    // A person in Makassar with a Telegram and a WhatsApp chat, confirmed for a session in 3 days:
    // the 1-day and 2-hour reminders in each chat (the 7-day one is already past).
    const core = await testCore({ store: temp.store, env: KEYS })
    const person = await addPerson(core.db, {
      zone: 'Asia/Makassar',
      chats: [
        { channel: 'telegram', chatId: TELEGRAM_CHAT },
        { channel: 'whatsapp', chatId: WHATSAPP_CHAT },
      ],
    })
    const now = new Date()
    await confirm(
      core.db,
      person,
      await addSession(core.db, now, { code: 'BMT-MKS-01', region: 'R5', startsAt: new Date(now.getTime() + 3 * DAY) }),
    )
    await closeStore(core.db)
  })

  afterEach(async () => {
    await fake.close()
  })

  async function cli(args: string[], env: Record<string, string> = {}) {
    // No quiet hours: what is due does not depend on the hour the test runs at.
    const run = start('src/cli.ts', ['reminders', ...args], {
      ...temp.store,
      REMINDER_QUIET_HOURS: '00:00-00:00',
      ...KEYS,
      ...env,
    })
    const exit = await run.exited(20_000)
    return { exit, stdout: run.stdout(), stderr: run.stderr() }
  }

  const telegramEnv = () => ({ TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot })

  const rows = () =>
    temp.rows<{ channel: string; label: string; status: string; reason: string | null }>(
      'SELECT channel, label, status, last_error AS reason FROM outbox ORDER BY due_at, channel',
    )

  /** Time passes: the 1-day reminders become due, Telegram's a minute ago, WhatsApp's ten minutes ago. */
  async function makeDue() {
    const setDue = `UPDATE outbox SET due_at = ? WHERE label = '1d' AND channel = ?`
    await temp.change(setDue, Date.now() - MINUTE, 'telegram')
    await temp.change(setDue, Date.now() - 10 * MINUTE, 'whatsapp')
  }

  it('plan (dry run first), due, send --dry-run and send: Telegram sent, WhatsApp left to the server', async () => {
    const dry = await cli(['plan', '--dry-run'])
    expect(dry.exit).toEqual({ code: 0, signal: null })
    expect(dry.stdout).toContain(
      '--dry-run: rencana dihitung untuk 1 orang, tidak ada yang disimpan: 4 baru, 0 diubah, 0 dibatalkan.',
    )
    expect(dry.stdout).toContain('Menunggu per acara: Bimtek 1d 2 · Bimtek 2h 2')
    expect(await rows()).toEqual([])

    const plan = await cli(['plan'])
    expect(plan.exit).toEqual({ code: 0, signal: null })
    expect(plan.stdout).toContain('Pengingat direncanakan ulang untuk 1 orang: 4 baru, 0 diubah, 0 dibatalkan.')
    expect(plan.stdout).toContain('Pengingat per status: menunggu 4\n')
    expect(plan.stdout).toContain('4 pengingat menunggu:')
    expect(plan.stdout).toMatch(/WITA {2}Bimtek BMT-MKS-01 "Bimtek Sertifikasi BMT-MKS-01" · 1d · telegram 98\*{4}21\n/)
    expect(plan.stdout).toContain('· 1d · whatsapp +62 812-****-7890\n')
    // Chats are masked: never the whole number or chat id.
    expect(plan.stdout).not.toContain('6281234567890')
    expect(plan.stdout).not.toContain(TELEGRAM_CHAT)
    expect((await rows()).map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending'])
    // Planning again changes nothing.
    expect((await cli(['plan'])).stdout).toContain('1 orang: 0 baru, 0 diubah, 0 dibatalkan.')

    await makeDue()
    const due = await cli(['due'], { ...telegramEnv(), WHATSAPP_ENABLED: 'true' })
    expect(due.exit).toEqual({ code: 0, signal: null })
    expect(due.stdout).toContain('Jam tenang: tidak dipakai (REMINDER_QUIET_HOURS).\n')
    expect(due.stdout).toContain('telegram: 1 pengingat jatuh tempo, 0 pesan lain\n  akan dikirim sekarang: 1\n')
    expect(due.stdout).toContain(
      'whatsapp: 1 pengingat jatuh tempo, 0 pesan lain\n  akan dikirim sekarang: 1\n' +
        '  akan tercatat terlambat (jatuh tempo lebih dari 5 menit lalu): 1\n',
    )
    // Without WhatsApp on, the server would skip it: the preview says so.
    expect((await cli(['due'])).stdout).toContain(
      'akan dikirim sekarang: 0 (WHATSAPP_ENABLED tidak aktif); server mencatat 1 pesan sebagai dilewati',
    )

    const preview = await cli(['send', '--dry-run'], telegramEnv())
    expect(preview.exit, preview.stderr).toEqual({ code: 0, signal: null })
    expect(preview.stdout).toBe(
      // Made due two days early: what would go out now says how soon it really is.
      'telegram  98****21  1d  ⏰ *Pengingat: Bimtek* (H-3)\n' +
        '--dry-run: 1 pesan Telegram akan dikirim; tidak ada yang diubah.\n' +
        'WhatsApp: 1 pesan jatuh tempo tetap menunggu server (koneksi WhatsApp hanya milik server).\n',
    )
    expect(fake.calls).toEqual([])
    expect((await rows()).map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending'])

    const sent = await cli(['send'], telegramEnv())
    expect(sent.stderr).toBe('')
    expect(sent.exit).toEqual({ code: 0, signal: null })
    expect(sent.stdout).toBe(
      'Terkirim 1 (0 terlambat), dicoba lagi nanti 0, gagal 0, dilewati 0, hasil tidak diketahui 0.\n' +
        'WhatsApp: 1 pesan jatuh tempo tetap menunggu server (koneksi WhatsApp hanya milik server).\n',
    )
    const messages = fake.sent(TELEGRAM_CHAT)
    expect(messages).toHaveLength(1)
    expect(messages[0]?.payload.text).toContain('Pengingat: Bimtek</b> (H-3)')
    expect(messages[0]?.payload.reply_markup).toBeDefined()
    expect(await rows()).toEqual([
      { channel: 'whatsapp', label: '1d', status: 'pending', reason: null },
      { channel: 'telegram', label: '1d', status: 'sent', reason: null },
      { channel: 'telegram', label: '2h', status: 'pending', reason: null },
      { channel: 'whatsapp', label: '2h', status: 'pending', reason: null },
    ])
    // Nothing is sent twice.
    expect((await cli(['send'], telegramEnv())).stdout).toContain('Terkirim 0 (0 terlambat)')
    expect(fake.sent()).toHaveLength(1)
  }, 60_000)

  it('send after the server was killed on this machine: its queued reminders taken back at once, Telegram sent, WhatsApp left pending for the server', async () => {
    const plan = await cli(['plan'])
    expect(plan.exit.code, plan.stderr).toBe(0)
    await makeDue()
    // The server queued both due reminders for sending, then was killed (its process id is gone).
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    await temp.change(
      `INSERT INTO outbox_dispatchers (id, role, host, pid, started_at, heartbeat_at) VALUES ('killed-server', 'server', ?, ?, ?, ?)`,
      hostname(),
      dead,
      Date.now() - HOUR,
      Date.now(),
    )
    await temp.change(
      `UPDATE outbox SET status = 'queued', claim_token = 'its-run', claimed_by = 'killed-server', claimed_at = ? WHERE label = '1d'`,
      Date.now(),
    )
    const sent = await cli(['send'], telegramEnv())
    expect(sent.exit, sent.stderr).toEqual({ code: 0, signal: null })
    expect(sent.stdout).toContain(
      'Terkirim 1 (0 terlambat), dicoba lagi nanti 0, gagal 0, dilewati 0, hasil tidak diketahui 0, diambil alih dari proses yang berhenti 2.',
    )
    expect(fake.sent(TELEGRAM_CHAT)).toHaveLength(1)
    expect((await rows()).filter((row) => row.label === '1d')).toEqual([
      { channel: 'whatsapp', label: '1d', status: 'pending', reason: null },
      { channel: 'telegram', label: '1d', status: 'sent', reason: null },
    ])
    // The command stopped cleanly: no dispatcher left behind, the dead one forgotten.
    expect(await temp.rows('SELECT count(*) AS n FROM outbox_dispatchers')).toEqual([{ n: 0 }])
  }, 60_000)

  it('send: a chat that blocked the bot (403) is skipped and its other reminders cancelled; no token is exit 2', async () => {
    expect((await cli(['plan'])).exit.code).toBe(0)
    await makeDue()
    const noToken = await cli(['send'])
    expect(noToken.exit).toEqual({ code: 2, signal: null })
    expect(noToken.stderr).toBe(
      'TELEGRAM_BOT_TOKEN belum diisi: CLI hanya mengirim lewat Telegram (WhatsApp dikirim oleh server).\n',
    )

    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' })
    const blocked = await cli(['send'], telegramEnv())
    expect(blocked.exit).toEqual({ code: 0, signal: null })
    expect(blocked.stdout).toContain('Terkirim 0 (0 terlambat), dicoba lagi nanti 0, gagal 0, dilewati 1,')
    expect(await rows()).toEqual([
      { channel: 'whatsapp', label: '1d', status: 'pending', reason: null },
      { channel: 'telegram', label: '1d', status: 'skipped', reason: 'the person blocked the assistant' },
      { channel: 'telegram', label: '2h', status: 'cancelled', reason: 'cancelled: the person blocked the assistant' },
      { channel: 'whatsapp', label: '2h', status: 'pending', reason: null },
    ])
  }, 30_000)

  it('an unknown subcommand shows the usage, exit 2', async () => {
    const unknown = await cli(['kirim'])
    expect(unknown.exit).toEqual({ code: 2, signal: null })
    expect(unknown.stderr).toContain('Perintah tidak dikenal: reminders kirim')
    expect(unknown.stderr).toContain('reminders send [--dry-run]')
  })
})

/** Runs a command with stdout captured. */
async function printed(command: () => number | Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = []
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk))
    return true
  })
  try {
    const code = await command()
    return { code, text: chunks.join('') }
  } finally {
    write.mockRestore()
  }
}

describe('reminders plan, in process', () => {
  it('plans everyone in batches: the dry run tells what the real run then does, and stores nothing', async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
    const core = await testCore({ clock: clock.now })
    const { db } = core
    const config = loadConfig({ DATABASE_PATH: ':memory:', DEMO_DATA: 'false', NODE_ENV: 'test' })
    const now = clock.now()
    // 250 people (three batches), each confirmed for a session in 5 days, planned earlier with a
    // 3-day reminder too: the configured plan (7d, 1d, 2h) cancels those.
    const session = await addSession(db, now, {
      code: 'BMT-JKT-01',
      region: 'R1',
      capacity: 500,
      startsAt: new Date(now.getTime() + 5 * DAY),
    })
    const people = await Promise.all(
      Array.from({ length: 250 }, async (_, i) => {
        const person = await addPerson(db, { chats: [{ channel: 'telegram', chatId: String(700_000_000 + i) }] })
        await confirm(db, person, session)
        return person
      }),
    )
    const earlier = {
      ...DEFAULT_REMINDER_SETTINGS,
      offsets: [{ label: '3d', ms: 3 * DAY }, ...DEFAULT_REMINDER_SETTINGS.offsets],
    }
    expect(await planReminders(db, people, now, earlier)).toEqual({ queued: 750, updated: 0, cancelled: 0 })
    const statuses = async () =>
      (await statement(db, 'SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status').all()) as {
        status: string
        n: number
      }[]

    const dry = await printed(() => planRemindersCommand(db, ['--dry-run'], config, () => now))
    expect(dry.code).toBe(0)
    expect(await statuses()).toEqual([{ status: 'pending', n: 750 }])
    const real = await printed(() => planRemindersCommand(db, [], config, () => now))
    expect(await statuses()).toEqual([
      { status: 'cancelled', n: 250 },
      { status: 'pending', n: 500 },
    ])

    const [dryHead, ...dryRest] = dry.text.split('\n')
    const [realHead, ...realRest] = real.text.split('\n')
    expect(dryHead).toBe(
      '--dry-run: rencana dihitung untuk 250 orang, tidak ada yang disimpan: 0 baru, 0 diubah, 250 dibatalkan.',
    )
    expect(realHead).toBe('Pengingat direncanakan ulang untuk 250 orang: 0 baru, 0 diubah, 250 dibatalkan.')
    expect(dryRest).toEqual(realRest)
    expect(realRest.slice(0, 4)).toEqual([
      'Pengingat per status: menunggu 500 · dibatalkan 250',
      'Menunggu per acara: Bimtek 1d 250 · Bimtek 2h 250',
      '',
      '20 berikutnya dari 500 (--all: semua):',
    ])
    // The first reminders of the first people: the whole plan's soonest, not one batch's.
    expect(realRest[4]).toBe(
      '  27 Nov 2026 10.00 WIB  Bimtek BMT-JKT-01 "Bimtek Sertifikasi BMT-JKT-01" · 1d · telegram 70****00',
    )
    expect(realRest.filter((line) => line.startsWith('  '))).toHaveLength(20)

    const all = await printed(() => planRemindersCommand(db, ['--all'], config, () => now))
    expect(all.text.split('\n').filter((line) => line.startsWith('  '))).toHaveLength(500)
    expect(all.text).toContain('Pengingat direncanakan ulang untuk 250 orang: 0 baru, 0 diubah, 0 dibatalkan.\n')
    await closeStore(db)
  }, 30_000)
})

describe('reminders due, in virtual time', () => {
  it('tells what a delivery run then does: sent, held by quiet hours, skipped past the grace period or once started', async () => {
    // 14:00 UTC: 21:00 WIB, 22:00 WITA, 23:00 WIT, quiet hours everywhere. Due now: a Makassar
    // reminder (held until 06:00), one due 7 hours ago (skipped), one whose exam has started
    // (skipped), and one whose event starts within the hour (sent, late, despite the quiet hours).
    const clock = fakeClock(new Date('2026-11-23T14:00:00Z'))
    const core = await testCore({ clock: clock.now })
    const { db } = core
    const config = loadConfig({
      DATABASE_PATH: ':memory:',
      DEMO_DATA: 'false',
      NODE_ENV: 'test',
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      CERT_SIGNING_KEY: KEYS.CERT_SIGNING_KEY,
    })
    const now = clock.now()
    const held = await addPerson(db, { zone: 'Asia/Makassar', chats: [{ channel: 'telegram', chatId: '5550001' }] })
    const missed = await addPerson(db, { zone: 'Asia/Jakarta', chats: [{ channel: 'telegram', chatId: '5550002' }] })
    const started = await addPerson(db, { zone: 'Asia/Jakarta', chats: [{ channel: 'telegram', chatId: '5550003' }] })
    const ready = await addPerson(db, { zone: 'Asia/Jakarta', chats: [{ channel: 'telegram', chatId: '5550004' }] })
    // Planned earlier, each with its exam: the reminder rows exist; then time moves on.
    const plannedAt = new Date(now.getTime() - 8 * HOUR)
    await addExam(db, held, { startsAt: new Date(now.getTime() + 2 * DAY), zone: 'Asia/Makassar' })
    await addExam(db, missed, { startsAt: new Date(now.getTime() + 2 * DAY), zone: 'Asia/Jakarta' })
    await addExam(db, started, { startsAt: new Date(now.getTime() + 2 * DAY), zone: 'Asia/Jakarta' })
    await addExam(db, ready, { startsAt: new Date(now.getTime() + 2 * DAY), zone: 'Asia/Jakarta' })
    await planReminders(db, [held, missed, started, ready], plannedAt, DEFAULT_REMINDER_SETTINGS)
    const setDue = statement(
      db,
      `UPDATE outbox SET due_at = ?, expires_at = COALESCE(?, expires_at) WHERE person_id = ? AND label = '1d'`,
    )
    await setDue.run(now.getTime() - MINUTE, null, held)
    await setDue.run(now.getTime() - 7 * HOUR, null, missed)
    await setDue.run(now.getTime() - HOUR, now.getTime() - MINUTE, started)
    await statement(
      db,
      `UPDATE outbox SET due_at = ?, time_zone = 'Asia/Jayapura', expires_at = ? WHERE person_id = ? AND label = '1d'`,
    ).run(now.getTime() - 10 * MINUTE, now.getTime() + HOUR, ready)

    const { code, text } = await printed(() => dueRemindersCommand(db, [], config, () => now))
    expect(code).toBe(0)
    expect(text).toContain('Jam tenang 21.00–06.00 menahan pengingat di: Asia/Makassar sampai 24 Nov 2026 06.00 WITA\n')
    expect(text).toContain(
      'telegram: 2 pengingat jatuh tempo, 0 pesan lain\n' +
        '  akan dikirim sekarang: 1\n' +
        '  ditahan jam tenang: 1 (Asia/Makassar 1)\n' +
        '  dilewati, jatuh tempo lebih dari 6 jam lalu: 1\n' +
        '  dilewati, acaranya sudah mulai: 1\n' +
        '  akan tercatat terlambat (jatuh tempo lebih dari 5 menit lalu): 1\n',
    )

    // The run itself does what the preview said.
    const sent: string[] = []
    const send: ChannelSender = async (chatId) => {
      sent.push(chatId)
    }
    const box = testOutbox(db, clock, { telegram: send })
    expect(await box.deliver()).toEqual({ sent: 1, late: 1, failed: 0, retried: 0, skipped: 2, unknown: 0, requeued: 0 })
    expect(sent).toEqual(['5550004'])
    const status = async (person: number) =>
      (await db.select({ status: outbox.status, label: outbox.label, personId: outbox.personId }).from(outbox)).filter(
        (row) => row.personId === person && row.label === '1d',
      )[0]?.status
    expect([await status(held), await status(missed), await status(started), await status(ready)]).toEqual([
      'pending',
      'skipped',
      'skipped',
      'late',
    ])
    await closeStore(db)
  })
})
