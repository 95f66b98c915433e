/**
 * The settings as `loadConfig` reads them (WhatsApp, admin, verification, reminders, FAQ): what is
 * accepted (and how it is normalised), and the one error line an operator gets for a wrong value.
 * The e2e test in test/e2e/server.test.ts checks that this line is what start-up prints.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEV_CERT_SIGNING_KEY, loadConfig } from '../src/config.js'
import { handoffSettingsOf, trustedProxyOf } from '../src/settings.js'

const BASE = { DATABASE_PATH: ':memory:', NODE_ENV: 'test' }
const PRODUCTION = {
  ...BASE,
  NODE_ENV: 'production',
  DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
  PUBLIC_BASE_URL: 'https://sertifikasi.example.id',
}

const load = (env: Record<string, string>) => loadConfig({ ...BASE, ...env })

/** The ConfigError for `env`; fails the test when the settings are accepted. */
function rejection(env: Record<string, string>): ConfigError {
  try {
    load(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(env)}`)
}

describe('WHATSAPP_PAIRING_NUMBER', () => {
  it.each([
    ['+62 812-3456-7890', '6281234567890'],
    ['(62) 812 3456 7890', '6281234567890'],
    ['6281234567890', '6281234567890'],
  ])('accepts %s as written on a business card and keeps only the digits (%s)', (given, digits) => {
    expect(load({ WHATSAPP_PAIRING_NUMBER: given }).WHATSAPP_PAIRING_NUMBER).toBe(digits)
  })

  it('is unset when empty, so the number is paired by QR', () => {
    expect(load({ WHATSAPP_PAIRING_NUMBER: '' }).WHATSAPP_PAIRING_NUMBER).toBeUndefined()
  })

  it.each(['0812abc', '081234567890', '62'])('rejects %s naming the variable and asking for the country code', (value) => {
    const error = rejection({ WHATSAPP_PAIRING_NUMBER: value })
    expect(error.variable).toBe('WHATSAPP_PAIRING_NUMBER')
    expect(error.message).toContain('WHATSAPP_PAIRING_NUMBER')
    expect(error.message).toContain('country code')
    expect(error.message).toContain(`"${value}"`)
  })
})

describe('the WhatsApp pacing and replay settings', () => {
  const NUMERIC = ['WHATSAPP_SEND_INTERVAL_MS', 'WHATSAPP_SEND_JITTER_MS', 'WHATSAPP_TYPING_MS', 'WHATSAPP_REPLAY_HOURS'] as const

  it('default to the values in .env.example when unset', () => {
    const config = load({})
    expect(config.WHATSAPP_SEND_INTERVAL_MS).toBe(1500)
    expect(config.WHATSAPP_SEND_JITTER_MS).toBe(2500)
    expect(config.WHATSAPP_TYPING_MS).toBe(1200)
    expect(config.WHATSAPP_REPLAY_HOURS).toBe(24)
  })

  it.each(NUMERIC)('%s accepts 0 (switched off) and a whole number', (variable) => {
    expect(load({ [variable]: '0' })[variable]).toBe(0)
    expect(load({ [variable]: '12' })[variable]).toBe(12)
  })

  it.each(NUMERIC.flatMap((variable) => ['-1', 'abc', '1.5', '2s'].map((value) => [variable, value] as const)))(
    '%s=%s is rejected naming the variable',
    (variable, value) => {
      const error = rejection({ [variable]: value })
      expect(error.variable).toBe(variable)
      expect(error.message).toMatch(new RegExp(`^Configuration error: ${variable} must be a whole number`))
      expect(error.message).toContain(`"${value}"`)
    },
  )

  it.each([
    ['WHATSAPP_SEND_INTERVAL_MS', '60001'],
    ['WHATSAPP_TYPING_MS', '20001'],
    ['WHATSAPP_REPLAY_HOURS', '169'],
  ])('%s=%s above the limit is rejected naming the variable', (variable, value) => {
    expect(rejection({ [variable]: value }).variable).toBe(variable)
  })
})

describe('the PostgreSQL settings', () => {
  it('DATABASE_URL: a postgres:// or postgresql:// address; anything else is refused without printing it back', () => {
    expect(load({}).DATABASE_URL).toBeUndefined()
    expect(load({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
    expect(load({ DATABASE_URL: 'postgres://kesos:rahasia@db.internal:5432/kesos' }).DATABASE_URL).toBe(
      'postgres://kesos:rahasia@db.internal:5432/kesos',
    )
    expect(load({ DATABASE_URL: 'postgresql://db.internal/kesos' }).DATABASE_URL).toBe('postgresql://db.internal/kesos')
    for (const wrong of ['mysql://kesos:rahasia@db/kesos', 'kesos:rahasia@db.internal', './data/kesos.db']) {
      const error = rejection({ DATABASE_URL: wrong })
      expect(error.variable).toBe('DATABASE_URL')
      expect(error.message).toContain('postgres://USER:PASSWORD@HOST:5432/DATABASE')
      expect(error.message).not.toContain('rahasia')
      expect(error.message).not.toContain(wrong)
    }
  })

  it('DATABASE_POOL_SIZE and DATABASE_STATEMENT_TIMEOUT_MS: defaults, and whole numbers within their bounds', () => {
    expect(load({})).toMatchObject({ DATABASE_POOL_SIZE: 10, DATABASE_STATEMENT_TIMEOUT_MS: 60_000 })
    expect(load({ DATABASE_POOL_SIZE: '40', DATABASE_STATEMENT_TIMEOUT_MS: '5000' })).toMatchObject({
      DATABASE_POOL_SIZE: 40,
      DATABASE_STATEMENT_TIMEOUT_MS: 5000,
    })
    for (const size of ['1', '201', 'x', '2.5'])
      expect(rejection({ DATABASE_POOL_SIZE: size }).variable).toBe('DATABASE_POOL_SIZE')
    for (const ms of ['999', '3600001', 'lama']) {
      expect(rejection({ DATABASE_STATEMENT_TIMEOUT_MS: ms }).variable).toBe('DATABASE_STATEMENT_TIMEOUT_MS')
    }
  })
})

describe('WHATSAPP_SOCKET_URL', () => {
  it('accepts a ws:// address (a proxy) and rejects an http one, naming the variable', () => {
    expect(load({ WHATSAPP_SOCKET_URL: 'ws://127.0.0.1:8080/ws/chat' }).WHATSAPP_SOCKET_URL).toBe('ws://127.0.0.1:8080/ws/chat')
    expect(rejection({ WHATSAPP_SOCKET_URL: 'https://web.whatsapp.com/ws/chat' }).variable).toBe('WHATSAPP_SOCKET_URL')
  })
})

describe('ADMIN_TOKEN', () => {
  it('accepts a token from `openssl rand -hex 24`', () => {
    const token = 'a3f1c2d4e5b6978877665544332211ffeeddccbbaa998877'
    expect(load({ ADMIN_TOKEN: token }).ADMIN_TOKEN).toBe(token)
  })

  it('accepts 24 characters, the shortest allowed', () => {
    expect(load({ ADMIN_TOKEN: 'x'.repeat(24) }).ADMIN_TOKEN).toBe('x'.repeat(24))
  })

  it.each([
    ['shorter than 24 characters', 'guessable-token-23chars'],
    ['containing a space', 'a3f1c2d4e5b69788 7766554433221'],
  ])('is rejected when %s, and the error line does not repeat the token', (_, token) => {
    const error = rejection({ ADMIN_TOKEN: token })
    expect(error.variable).toBe('ADMIN_TOKEN')
    expect(error.message).toContain('ADMIN_TOKEN must be 24–256 characters')
    expect(error.message).not.toContain(token)
    // Not even a part of it: the line goes to logs that others may read.
    expect(error.message).not.toContain(token.slice(0, 8))
  })

  it('is unset (admin pages off) when empty', () => {
    expect(load({ ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBeUndefined()
  })
})

describe('the keys of a rotation', () => {
  it('CERT_SIGNING_KEY_PREVIOUS: earlier keys, comma-separated; never the development key; not printed back', () => {
    const [a, b] = ['a'.repeat(32), 'b'.repeat(40)]
    expect(load({ CERT_SIGNING_KEY_PREVIOUS: `${a}, ${b}` }).CERT_SIGNING_KEY_PREVIOUS).toEqual([a, b])
    expect(load({}).CERT_SIGNING_KEY_PREVIOUS).toEqual([])
    const short = rejection({ ...BASE, CERT_SIGNING_KEY_PREVIOUS: `${a},too-short` })
    expect(short.variable).toBe('CERT_SIGNING_KEY_PREVIOUS')
    expect(short.message).not.toContain(a)
    expect(rejection({ ...BASE, CERT_SIGNING_KEY_PREVIOUS: DEV_CERT_SIGNING_KEY }).variable).toBe('CERT_SIGNING_KEY_PREVIOUS')
  })

  it('DATA_ENCRYPTION_KEY_PREVIOUS: 32 bytes like DATA_ENCRYPTION_KEY, not printed back', () => {
    expect(load({ DATA_ENCRYPTION_KEY_PREVIOUS: 'ef'.repeat(32) }).DATA_ENCRYPTION_KEY_PREVIOUS).toBe('ef'.repeat(32))
    const error = rejection({ ...BASE, DATA_ENCRYPTION_KEY_PREVIOUS: 'ef'.repeat(16) })
    expect(error.variable).toBe('DATA_ENCRYPTION_KEY_PREVIOUS')
    expect(error.message).toContain('DATA_ENCRYPTION_KEY_PREVIOUS must be 32 bytes as 64 hex digits or base64')
    expect(error.message).not.toContain('ef'.repeat(16))
  })
})

describe('development keys in a public deployment', () => {
  const keys = { CERT_SIGNING_KEY: 'cd'.repeat(32), DATA_ENCRYPTION_KEY: 'ab'.repeat(32) }
  const onDisk = { ...BASE, DATABASE_PATH: './data/kesos.db' }

  it.each<Record<string, string>>([
    { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123' },
    { WHATSAPP_ENABLED: 'true' },
    { PUBLIC_BASE_URL: 'https://sertifikasi.example.id' },
  ])('%o needs both real keys', (exposed) => {
    expect(rejection({ ...onDisk, ...exposed, DATA_ENCRYPTION_KEY: keys.DATA_ENCRYPTION_KEY }).variable).toBe('CERT_SIGNING_KEY')
    const development = {
      ...onDisk,
      ...exposed,
      CERT_SIGNING_KEY: DEV_CERT_SIGNING_KEY,
      ...{ DATA_ENCRYPTION_KEY: keys.DATA_ENCRYPTION_KEY },
    }
    expect(rejection(development).variable).toBe('CERT_SIGNING_KEY')
    expect(rejection({ ...onDisk, ...exposed, CERT_SIGNING_KEY: keys.CERT_SIGNING_KEY }).variable).toBe('DATA_ENCRYPTION_KEY')
    expect(loadConfig({ ...onDisk, ...exposed, ...keys }).CERT_SIGNING_KEY).toBe(keys.CERT_SIGNING_KEY)
  })

  it('a private service (no channel, an http address) may run on the development keys', () => {
    expect(loadConfig({ ...onDisk, PUBLIC_BASE_URL: 'http://localhost:3000' }).CERT_SIGNING_KEY).toBe(DEV_CERT_SIGNING_KEY)
  })
})

describe('CERT_SIGNING_KEY', () => {
  it('is required in production, with one line saying how to make one', () => {
    const error = rejection(PRODUCTION)
    expect(error.variable).toBe('CERT_SIGNING_KEY')
    expect(error.message).toBe(
      'Configuration error: CERT_SIGNING_KEY must be set in production (openssl rand -hex 32): it signs the QR links printed on certificates',
    )
  })

  it('in production is not the public development key', () => {
    expect(rejection({ ...PRODUCTION, CERT_SIGNING_KEY: DEV_CERT_SIGNING_KEY }).variable).toBe('CERT_SIGNING_KEY')
  })

  it('is taken as given when long enough', () => {
    const key = 'cd'.repeat(32)
    expect(loadConfig({ ...PRODUCTION, CERT_SIGNING_KEY: key }).CERT_SIGNING_KEY).toBe(key)
    expect(load({ CERT_SIGNING_KEY: 'x'.repeat(32) }).CERT_SIGNING_KEY).toBe('x'.repeat(32))
  })

  it.each(['too-short', 'with spaces in it but long enough to pass'])('rejects %s without printing it back', (value) => {
    const error = rejection({ ...BASE, CERT_SIGNING_KEY: value })
    expect(error.variable).toBe('CERT_SIGNING_KEY')
    expect(error.message).toContain('CERT_SIGNING_KEY must be 32–256 characters without spaces')
    expect(error.message).not.toContain(value)
  })

  it('outside production falls back to the public development key (start-up warns about it)', () => {
    expect(load({}).CERT_SIGNING_KEY).toBe(DEV_CERT_SIGNING_KEY)
    expect(load({ CERT_SIGNING_KEY: '' }).CERT_SIGNING_KEY).toBe(DEV_CERT_SIGNING_KEY)
    expect(DEV_CERT_SIGNING_KEY).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('PUBLIC_BASE_URL', () => {
  it("is required in production, with one line saying what it is: links never take the request's Host", () => {
    const { PUBLIC_BASE_URL: _, ...withoutBase } = PRODUCTION
    const error = rejection({ ...withoutBase, CERT_SIGNING_KEY: 'cd'.repeat(32) })
    expect(error.variable).toBe('PUBLIC_BASE_URL')
    expect(error.message).toBe(
      'Configuration error: PUBLIC_BASE_URL must be set in production: the public https address of this service, e.g. https://sertifikasi.example.go.id',
    )
    expect(load({ ...PRODUCTION, CERT_SIGNING_KEY: 'cd'.repeat(32) }).PUBLIC_BASE_URL).toBe('https://sertifikasi.example.id')
  })

  it('may be left out elsewhere (links are then relative)', () => {
    expect(load({}).PUBLIC_BASE_URL).toBeUndefined()
  })
})

describe('VERIFY_RATE_LIMIT_PER_MINUTE and TRUST_PROXY', () => {
  it('default to 60 lookups a minute and no trusted proxy', () => {
    const config = load({})
    expect(config.VERIFY_RATE_LIMIT_PER_MINUTE).toBe(60)
    expect(config.TRUST_PROXY).toBe(false)
  })

  it('accept a whole number, and a trusted proxy named by the header it writes (and, for X-Forwarded-For, how many)', () => {
    const config = load({ VERIFY_RATE_LIMIT_PER_MINUTE: '120', TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'x-real-ip' })
    expect(config.VERIFY_RATE_LIMIT_PER_MINUTE).toBe(120)
    expect(trustedProxyOf(config)).toEqual({ header: 'x-real-ip' })
    expect(trustedProxyOf(load({ TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'x-forwarded-for' }))).toEqual({
      header: 'x-forwarded-for',
      hops: 1,
    })
    expect(trustedProxyOf(load({ TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'x-forwarded-for', TRUST_PROXY_HOPS: '2' }))).toEqual({
      header: 'x-forwarded-for',
      hops: 2,
    })
    expect(trustedProxyOf(load({}))).toBeUndefined()
  })

  it('TRUST_PROXY=true alone (an older configuration) is refused with what to add: which header the proxy writes is not guessed', () => {
    const error = rejection({ TRUST_PROXY: 'true' })
    expect(error.variable).toBe('TRUST_PROXY_HEADER')
    expect(error.message).toContain('TRUST_PROXY=true needs TRUST_PROXY_HEADER: x-real-ip')
  })

  it.each([
    [{ TRUST_PROXY_HEADER: 'x-real-ip' }, 'TRUST_PROXY_HEADER', 'apply only with TRUST_PROXY=true'],
    [{ TRUST_PROXY_HOPS: '2' }, 'TRUST_PROXY_HOPS', 'apply only with TRUST_PROXY=true'],
    [{ TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'x-real-ip', TRUST_PROXY_HOPS: '2' }, 'TRUST_PROXY_HOPS', 'remove it'],
    [{ TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'forwarded' }, 'TRUST_PROXY_HEADER', 'must be x-real-ip or x-forwarded-for'],
    [{ TRUST_PROXY: 'true', TRUST_PROXY_HEADER: 'x-forwarded-for', TRUST_PROXY_HOPS: '0' }, 'TRUST_PROXY_HOPS', 'from 1 to 10'],
  ])('%j is refused naming %s', (env, variable, message) => {
    const error = rejection(env)
    expect(error.variable).toBe(variable)
    expect(error.message).toContain(message)
  })

  it.each(['0', '-5', '1.5', 'many', '100001'])('VERIFY_RATE_LIMIT_PER_MINUTE=%s is rejected naming the variable', (value) => {
    const error = rejection({ ...BASE, VERIFY_RATE_LIMIT_PER_MINUTE: value })
    expect(error.variable).toBe('VERIFY_RATE_LIMIT_PER_MINUTE')
    expect(error.message).toContain('VERIFY_RATE_LIMIT_PER_MINUTE must be a whole number of lookups from 1 to 100000')
    expect(error.message).toContain(`"${value}"`)
  })

  it('TRUST_PROXY=maybe is rejected naming the variable', () => {
    expect(rejection({ ...BASE, TRUST_PROXY: 'maybe' }).message).toContain('TRUST_PROXY must be true or false')
  })
})

describe('the reminder settings', () => {
  it('default to 7d,1d,2h, portfolio 7 and 1 days, quiet 21:00–06:00, grace 6 h, every minute, Telegram 25/s and 1 s per chat', () => {
    const config = load({})
    expect(config.REMINDER_OFFSETS.map((offset) => offset.label)).toEqual(['7d', '1d', '2h'])
    expect(config.REMINDER_PORTFOLIO_DAYS).toEqual([7, 1])
    expect(config.REMINDER_QUIET_HOURS).toEqual({ start: 21 * 60, end: 6 * 60 })
    expect(config.REMINDER_GRACE_HOURS).toBe(6)
    expect(config.REMINDER_CRON).toBe('* * * * *')
    expect(config.TELEGRAM_SEND_PER_SECOND).toBe(25)
    expect(config.TELEGRAM_CHAT_INTERVAL_MS).toBe(1000)
  })

  it('read other values', () => {
    const config = load({ REMINDER_OFFSETS: '3d,12h', REMINDER_QUIET_HOURS: '22.00-05.30', REMINDER_CRON: '*/5 * * * *' })
    expect(config.REMINDER_OFFSETS.map((offset) => offset.label)).toEqual(['3d', '12h'])
    expect(config.REMINDER_QUIET_HOURS).toEqual({ start: 22 * 60, end: 5 * 60 + 30 })
    expect(config.REMINDER_CRON).toBe('*/5 * * * *')
  })

  it.each([
    ['REMINDER_OFFSETS', '7 hari', 'is not a duration like 7d'],
    ['REMINDER_QUIET_HOURS', 'malam', 'is not a range like 21:00-06:00'],
    ['REMINDER_CRON', 'setiap menit', 'must be a cron expression'],
    ['REMINDER_GRACE_HOURS', '100', 'from 0 to 72'],
    ['TELEGRAM_SEND_PER_SECOND', '31', 'from 1 to 30'],
    ['REMINDER_PORTFOLIO_DAYS', 'seminggu', 'whole days before the deadline'],
  ])('%s=%s is rejected naming the variable', (variable, value, reason) => {
    const error = rejection({ [variable]: value })
    expect(error.variable).toBe(variable)
    expect(error.message).toContain(reason)
  })
})

describe('the live handoff settings', () => {
  const TOKEN = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123', CERT_SIGNING_KEY: 'cd'.repeat(32) }
  const office = [{ start: 8 * 60, end: 16 * 60 }]

  it('default to signed replies, 48 idle hours, Monday–Friday 08:00–16:00, an alert after 60 working minutes, no staff group, files as links', () => {
    expect(handoffSettingsOf(load({}))).toEqual({
      signature: 'name',
      idleHours: 48,
      hours: { default: [[], office, office, office, office, office, []], regions: {} },
      alertMinutes: 60,
      staffChats: [],
      closedDates: [],
      groupFiles: 'link',
    })
  })

  it('read other values', () => {
    const settings = handoffSettingsOf(
      load({
        ...TOKEN,
        HANDOFF_SIGNATURE: 'anonymous',
        HANDOFF_IDLE_HOURS: '24',
        HANDOFF_HOURS: 'Mon-Fri 08:00-16:00; R6=Mon-Fri 07:30-15:30',
        HANDOFF_ALERT_MINUTES: '30',
        STAFF_TELEGRAM_CHATS: 'R6:-1001234,*:-1009999',
        HANDOFF_CLOSED_DATES: '2026-12-24,2026-12-31',
        HANDOFF_GROUP_FILES: 'upload',
      }),
    )
    const r6 = [{ start: 7 * 60 + 30, end: 15 * 60 + 30 }]
    expect(settings).toEqual({
      signature: 'anonymous',
      idleHours: 24,
      hours: { default: [[], office, office, office, office, office, []], regions: { R6: [[], r6, r6, r6, r6, r6, []] } },
      alertMinutes: 30,
      staffChats: [
        { region: 'R6', chatId: '-1001234' },
        { region: '*', chatId: '-1009999' },
      ],
      closedDates: ['2026-12-24', '2026-12-31'],
      groupFiles: 'upload',
    })
  })

  it.each([
    ['HANDOFF_HOURS', 'Mon-Fri 8-16', 'HANDOFF_HOURS: "Mon-Fri 8-16": times are HH:MM-HH:MM (got "Mon-Fri 8-16")'],
    ['HANDOFF_SIGNATURE', 'nama', 'HANDOFF_SIGNATURE: "nama" is not name or anonymous'],
    ['HANDOFF_IDLE_HOURS', '0', 'HANDOFF_IDLE_HOURS: "0" is not a whole number of hours from 1 to 720'],
    ['HANDOFF_ALERT_MINUTES', '0', 'HANDOFF_ALERT_MINUTES: "0" is not a whole number of minutes, at least 1'],
    ['HANDOFF_CLOSED_DATES', '2026-02-30', 'HANDOFF_CLOSED_DATES: "2026-02-30" is not a calendar date like 2026-12-24'],
    ['HANDOFF_GROUP_FILES', 'file', 'HANDOFF_GROUP_FILES: "file" is not link or upload'],
    ['STAFF_TELEGRAM_CHATS', 'R1:1001234', `STAFF_TELEGRAM_CHATS: "R1:1001234": the chat id must be a group's negative number`],
  ])('%s=%s is rejected naming the variable', (variable, value, reason) => {
    const error = rejection({ ...TOKEN, [variable]: value })
    expect(error.variable).toBe(variable)
    expect(error.message).toContain(reason)
  })

  it('STAFF_TELEGRAM_CHATS without TELEGRAM_BOT_TOKEN is refused at start-up: no bot would serve the groups', () => {
    const error = rejection({ STAFF_TELEGRAM_CHATS: 'R5:-1005678' })
    expect(error.variable).toBe('STAFF_TELEGRAM_CHATS')
    expect(error.message).toContain('STAFF_TELEGRAM_CHATS needs TELEGRAM_BOT_TOKEN')
    expect(load({ ...TOKEN, STAFF_TELEGRAM_CHATS: 'R5:-1005678' }).STAFF_TELEGRAM_CHATS).toEqual([
      { region: 'R5', chatId: '-1005678' },
    ])
  })
})

describe('FAQ_QUESTIONS_PATH', () => {
  it('defaults to the labelled questions in the repository; "none" (any case) turns learning from them off', () => {
    expect(load({}).FAQ_QUESTIONS_PATH).toBe('content/faq-questions.jsonl')
    expect(load({ FAQ_QUESTIONS_PATH: '/srv/kesos/pertanyaan.jsonl' }).FAQ_QUESTIONS_PATH).toBe('/srv/kesos/pertanyaan.jsonl')
    expect(load({ FAQ_QUESTIONS_PATH: 'none' }).FAQ_QUESTIONS_PATH).toBeUndefined()
    expect(load({ FAQ_QUESTIONS_PATH: 'None' }).FAQ_QUESTIONS_PATH).toBeUndefined()
  })
})

describe('FAQ_CACHE_DIR', () => {
  it('defaults to kesos-assistant/faq-network under $XDG_CACHE_HOME, else under ~/.cache; a folder given is used as given', () => {
    expect(load({ XDG_CACHE_HOME: '/var/cache/kesos' }).FAQ_CACHE_DIR).toBe('/var/cache/kesos/kesos-assistant/faq-network')
    expect(load({}).FAQ_CACHE_DIR).toBe(join(homedir(), '.cache', 'kesos-assistant', 'faq-network'))
    expect(load({ XDG_CACHE_HOME: '' }).FAQ_CACHE_DIR).toBe(join(homedir(), '.cache', 'kesos-assistant', 'faq-network'))
    expect(load({ FAQ_CACHE_DIR: '/srv/kesos/cache', XDG_CACHE_HOME: '/x' }).FAQ_CACHE_DIR).toBe('/srv/kesos/cache')
  })
})

describe('IDENTITY_LINK_DAYS', () => {
  it('defaults to 180 days and takes a whole number of days', () => {
    expect(load({}).IDENTITY_LINK_DAYS).toBe(180)
    expect(load({ IDENTITY_LINK_DAYS: '30' }).IDENTITY_LINK_DAYS).toBe(30)
  })

  it.each(['0', '731', '1.5', 'half a year'])('IDENTITY_LINK_DAYS=%s is rejected naming the variable', (value) => {
    const error = rejection({ IDENTITY_LINK_DAYS: value })
    expect(error.variable).toBe('IDENTITY_LINK_DAYS')
    expect(error.message).toContain('IDENTITY_LINK_DAYS must be a whole number of days from 1 to 730')
  })
})

describe('UNDERSTAND_EXAMPLES_DIR', () => {
  it('defaults to the labelled messages in the repository; "none" (any case) lets the rules decide alone', () => {
    expect(load({}).UNDERSTAND_EXAMPLES_DIR).toBe('content/understanding')
    expect(load({ UNDERSTAND_EXAMPLES_DIR: '/srv/kesos/contoh' }).UNDERSTAND_EXAMPLES_DIR).toBe('/srv/kesos/contoh')
    expect(load({ UNDERSTAND_EXAMPLES_DIR: 'NONE' }).UNDERSTAND_EXAMPLES_DIR).toBeUndefined()
  })
})
