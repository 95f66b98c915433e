/**
 * NIK, phone numbers and birth dates never reach the logs. The service's own logger (createLogger:
 * its level, its redaction) is pointed at memory at level trace; full conversations run through it
 * on every channel (registration with NIK, phone and birth date; proof of identity that fails and
 * succeeds, by NIK, code and WhatsApp number; the data copy and deletion; a request for a staff
 * member with a phone number), plus turns that fail on purpose and an outbox send that fails; then
 * every captured line is scanned for every NIK, number and date used, in every way of writing them.
 */
import pino, { type Logger } from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { createOutbox } from '../../src/core/outbox.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { createLogger } from '../../src/logger.js'
import { startFakeTelegram } from '../support/fake-telegram.js'
import { telegramDriver } from '../support/telegram-driver.js'
import { type ChatDriver, coreDriver, play, type Transcript } from '../support/transcript.js'
import { whatsappDriver } from '../support/whatsapp-driver.js'
import { CORE_TRANSCRIPTS } from '../transcripts/core.js'
import { BUDI, REGISTRATION_TRANSCRIPTS, SITI, seedRegistration } from '../transcripts/registration.js'
import { PAULUS, RATNA, STATUS_TRANSCRIPTS, seedStatus, UNKNOWN_NIK } from '../transcripts/status.js'

/** What a log line must never hold, in any of its written forms. */
const NIKS = [SITI.nik, BUDI.nik, RATNA.nik, PAULUS.nik, UNKNOWN_NIK, '3273015508850003', '9973014508850001']
/** Every mobile number typed or on record in these conversations (E.164). */
const PHONES = [
  '+6281234567890',
  '+6281311112222',
  '+6281122334455',
  RATNA.phone,
  PAULUS.phone,
  // The WhatsApp sender of the failing turns below.
  '+6281399887766',
  // Landlines typed where a mobile number was asked.
  '+62222501234',
  '+622155501234',
]
/** Every birth date typed or on record, right or wrong (ISO). */
const BIRTH_DATES = [
  '1985-08-05',
  '1985-08-17',
  '1985-08-06',
  '1985-08-18',
  RATNA.birthIso,
  PAULUS.birthIso,
  '1986-03-13',
  '1990-01-01',
  '1990-02-01',
]

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
]
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** Digits written with spaces, dots, dashes or slashes between them, joined up. */
const joinDigits = (line: string) => line.replace(/(\d)[\s./\-\u2010-\u2015]+(?=\d)/g, '$1')
const standalone = (digits: string) => new RegExp(`(?<!\\d)${digits}(?!\\d)`)

type Finding = { secret: string; line: string }

/** Every NIK, phone number or birth date of the lists above found in `lines`, however written. */
function findPersonalData(lines: string[]): Finding[] {
  const checks: { secret: string; raw?: RegExp; joined?: RegExp }[] = []
  for (const nik of NIKS) checks.push({ secret: nik, joined: new RegExp(nik) })
  for (const phone of PHONES) {
    const subscriber = phone.replace(/^\+62/, '')
    // +62 812…, 62812…, 0812…, 812… (a JID is 62812…@s.whatsapp.net).
    checks.push({ secret: phone, joined: new RegExp(`(?<!\\d)(?:\\+?62|0)?${subscriber}(?!\\d)`) })
  }
  for (const iso of BIRTH_DATES) {
    const [y = '', m = '', d = ''] = iso.split('-')
    const day = String(Number(d))
    const month = String(Number(m))
    const forms = [`${y}${m}${d}`, `${d}${m}${y}`, `${d}${m}${y.slice(2)}`, `${day}${month}${y}`, `${m}${d}${y}`]
    for (const form of new Set(forms)) checks.push({ secret: `${iso} as ${form}`, joined: standalone(form) })
    const monthIndex = Number(m) - 1
    for (const name of [MONTHS_ID[monthIndex], MONTHS_EN[monthIndex]]) {
      checks.push({ secret: `${iso} in words`, raw: new RegExp(`(?<!\\d)0?${day}\\.? ${name} ${y}`, 'i') })
    }
    checks.push({ secret: `${iso} as a timestamp`, raw: standalone(String(Date.parse(`${iso}T00:00:00Z`))) })
  }
  const found: Finding[] = []
  for (const line of lines) {
    const joined = joinDigits(line)
    for (const check of checks) {
      if (check.raw?.test(line) || check.joined?.test(joined)) found.push({ secret: check.secret, line })
    }
  }
  return found
}

/** The service's logger at level trace, its lines kept in memory instead of written to stdout. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const logger = createLogger({ level: 'trace' })
  // Same options (redaction included) as in production; only the destination differs.
  ;(logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write(chunk: string) {
      lines.push(...chunk.split('\n').filter(Boolean))
    },
  }
  return { logger, lines }
}

const captured = capturingLogger()

function newCore() {
  const config = loadConfig({ DATABASE_PATH: ':memory:', DEMO_DATA: 'false', NODE_ENV: 'test', LOG_LEVEL: 'trace' })
  return openCore(config, captured.logger, () => new Date(), { codeChannelReady: () => true })
}
type Core = Awaited<ReturnType<typeof newCore>>
type Seed = (core: Core) => unknown

const seedRegistrationOnly: Seed = async (core) => await seedRegistration(core.db, new Date())
const seedStatusOnly: Seed = async (core) => await seedStatus(core.db, core.vault, new Date())
const seedBoth: Seed = async (core) => {
  await seedRegistration(core.db, new Date())
  await seedStatus(core.db, core.vault, new Date())
}

/** Plays each transcript on a fresh core through the given channel. */
async function playAll(
  transcripts: Record<string, Transcript>,
  seed: Seed,
  driverFor: (core: Core) => Promise<ChatDriver & { stop?: () => Promise<void> }>,
) {
  for (const [name, transcript] of Object.entries(transcripts)) {
    const core = await newCore()
    await seed(core)
    const driver = await driverFor(core)
    try {
      await play(driver, transcript)
    } catch (error) {
      throw new Error(`transcript "${name}" did not play: ${(error as Error).message}`)
    } finally {
      await driver.stop?.()
      closeDatabase(core.db)
    }
  }
}

const pick = <T>(all: Record<string, T>, ...names: string[]) =>
  Object.fromEntries(
    names.map((name) => {
      const found = all[name]
      if (!found) throw new Error(`no transcript "${name}"`)
      return [name, found]
    }),
  )

const HANDOFF = pick(CORE_TRANSCRIPTS, 'Bicara dengan petugas from start to reference code')
const REGISTRATION = pick(
  REGISTRATION_TRANSCRIPTS,
  'Daftar Bimtek from consent to a confirmed seat, with the calendar',
  'in English: registration, re-asks, schedule and own registrations',
)

describe('the logs of full conversations', () => {
  beforeAll(async () => {
    const channels: [string, (core: Core) => Promise<ChatDriver & { stop?: () => Promise<void> }>][] = [
      ['core', async (core) => coreDriver(core.engine, { db: core.db })],
      // The chat id is the phone number on WhatsApp.
      [
        'whatsapp',
        async (core) =>
          await whatsappDriver({
            engine: core.engine,
            db: core.db,
            logger: captured.logger,
            jid: '6281234567890@s.whatsapp.net',
          }),
      ],
      [
        'telegram',
        async (core) =>
          await telegramDriver({ mode: 'webhook', fake, engine: core.engine, db: core.db, logger: captured.logger }),
      ],
    ]
    const fake = await startFakeTelegram()
    try {
      for (const [channel, driverFor] of channels) {
        // Every registration conversation through the core, the main ones through each channel.
        await playAll(channel === 'core' ? REGISTRATION_TRANSCRIPTS : REGISTRATION, seedRegistrationOnly, driverFor)
        await playAll(STATUS_TRANSCRIPTS, seedStatusOnly, driverFor)
        await playAll(HANDOFF, () => undefined, driverFor)
      }
    } finally {
      await fake.close()
    }

    const core = await newCore()
    try {
      await seedBoth(core)
      // The WhatsApp number on record: asked only the birth date; wrong, then right.
      const ratna = await whatsappDriver({
        engine: core.engine,
        db: core.db,
        logger: captured.logger,
        jid: `${RATNA.phone.slice(1)}@s.whatsapp.net`,
      })
      await play(ratna, [
        { user: 'status', bot: ['Nomor WhatsApp ini tercatat di data sertifikasi.'] },
        { user: '13/03/1986', bot: ['tidak cocok'] },
        { user: 'status', bot: ['Ketik NIK Anda'] },
        { user: RATNA.nik, bot: ['Tanggal lahir Anda?'] },
        { user: '12.03.1986', bot: [`*Status sertifikasi ${RATNA.name}*`] },
        { user: 'data saya', bot: ['*Data Anda yang kami simpan*'] },
        { user: '1', bot: ['Salinan lengkap data Anda terlampir'] },
      ])
      await ratna.stop()

      // Turns that fail on purpose, mid-proof and mid-registration, from a WhatsApp number.
      const failing = await whatsappDriver({
        engine: core.engine,
        db: core.db,
        logger: captured.logger,
        jid: '6281399887766@s.whatsapp.net',
      })
      await play(failing, [
        { user: 'status', bot: ['Ketik NIK Anda'] },
        { user: PAULUS.nik, bot: ['Tanggal lahir Anda?'] },
        { user: PAULUS.birthDate, bot: ['Jika data cocok'] },
        { user: '1', bot: ['Ketik kode itu di sini.'] },
      ])
      core.db.$client.exec(
        "CREATE TRIGGER no_attempts BEFORE INSERT ON identity_attempts BEGIN SELECT RAISE(ABORT, 'attempts are unavailable'); END",
      )
      await play(failing, [{ codeFrom: PAULUS.phone, bot: ['Maaf, terjadi gangguan di sistem kami.'] }])
      core.db.$client.exec('DROP TRIGGER no_attempts')
      // The same step again, now working.
      await play(failing, [{ codeFrom: PAULUS.phone, bot: [`*Status sertifikasi ${PAULUS.name}*`] }])
      core.db.$client.exec('DROP TABLE consent_records')
      await play(failing, [
        { user: 'lepas akun', bot: ['tidak lagi terhubung'] },
        { user: 'daftar', bot: ['Langkah 1 dari 10'] },
        { user: 'ya', bot: ['Langkah 2 dari 10'] },
        { user: BUDI.name, bot: ['Langkah 3 dari 10'] },
        { user: BUDI.nik, bot: ['Langkah 4 dari 10'] },
        { user: BUDI.birthDate, bot: ['Langkah 5 dari 10'] },
        { user: '081311112222', bot: ['Langkah 6 dari 10'] },
        { user: 'Jawa Barat', bot: ['Langkah 7 dari 10'] },
        { user: 'Kota Bandung', bot: ['Langkah 8 dari 10'] },
        { user: '1', bot: ['Langkah 9 dari 10'] },
        { user: 'Dinas Sosial', bot: ['Langkah 10 dari 10'] },
        { user: '1', bot: ['Periksa data pendaftaran Anda'] },
        { user: 'ya', bot: ['Maaf, terjadi gangguan di sistem kami.'] },
      ])
      await failing.stop()

      // A message the assistant sends on its own that cannot be delivered, the chat's number (its
      // JID, as platform errors name it) in the error. (A number written with separators in an
      // error text would get through: the outbox masks only runs of 5+ digits.)
      await core.db.insert(outbox).values({
        idempotencyKey: 'log-scan',
        channel: 'whatsapp',
        chatId: '6281399887766@s.whatsapp.net',
        kind: 'seat_offer',
        payload: JSON.stringify({ text: 'Kursi tersedia' }),
        dueAt: new Date(Date.now() - 1_000),
      })
      const result = await createOutbox({
        db: core.db,
        logger: captured.logger,
        now: () => new Date(),
        quiet: DEFAULT_REMINDER_SETTINGS.quiet,
        senders: {
          whatsapp: async (chatId) => {
            throw new Error(`could not send to ${chatId}: not-acceptable`)
          },
        },
      }).deliver()
      // This one and the one-time code queued for Paulus's number above: both fail, both logged.
      expect(result.retried).toBe(2)
    } finally {
      closeDatabase(core.db)
    }
  }, 120_000)

  it('were written (so the scan below can fail), including the failed turns', () => {
    expect(captured.lines.length).toBeGreaterThan(0)
    const messages = captured.lines.map((line) => (JSON.parse(line) as { msg?: string }).msg)
    expect(messages.filter((msg) => msg === 'message handling failed')).toHaveLength(2)
    expect(messages).toContain('outbox message not sent')
    expect(messages).toContain('WhatsApp on')
  })

  it('hold no NIK, phone number or birth date in any form', () => {
    expect(findPersonalData(captured.lines)).toEqual([])
  })

  it('hold nothing typed in the conversations either (names, questions)', () => {
    const all = captured.lines.join('\n')
    for (const typed of [SITI.name, BUDI.name, RATNA.name, PAULUS.name, 'sertifikat sy hilang waktu banjir', 'Dinas Sosial']) {
      expect(all).not.toContain(typed)
    }
  })
})

describe('the scan itself', () => {
  it('finds each kind of personal data however it is written', () => {
    const lines = [
      '{"msg":"nik 3273 0145 0885 0001"}',
      '{"chat":"6281234567890@s.whatsapp.net"}',
      '{"phone":"0812-3456-7890"}',
      '{"phone":"+62 811 2233 4455"}',
      '{"birth":"1985-08-05"}',
      '{"birth":"05/08/1985"}',
      '{"birth":"050885"}',
      '{"birth":"12 Maret 1986"}',
      '{"birth":"23 November 1979"}',
    ]
    const found = findPersonalData(lines)
    expect(new Set(found.map((f) => f.line))).toEqual(new Set(lines))
    expect(findPersonalData(['{"level":30,"time":1795454366657,"pid":18282,"msg":"WhatsApp on"}'])).toEqual([])
  })

  it('the service logger redacts personal data passed by key', () => {
    const { logger, lines } = capturingLogger()
    logger.info({ nik: SITI.nik, phone: '+6281234567890', birthDate: '1985-08-05', chatId: '6281234567890@s.whatsapp.net' }, 'x')
    logger.info({ person: { phoneE164: '+6281234567890', fullName: SITI.name } }, 'y')
    expect(lines).toHaveLength(2)
    expect(findPersonalData(lines)).toEqual([])
    expect(lines.join('\n')).not.toContain(SITI.name)
  })
})
