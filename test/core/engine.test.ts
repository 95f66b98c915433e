import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, MAX_TEXT_LENGTH } from '../../src/core/engine.js'
import { runHousekeeping } from '../../src/core/housekeeping.js'
import { closeDatabase, openDatabase, statement } from '../../src/db/client.js'
import { fakeClock, inbound, testCore } from '../support/core.js'
import { coreDriver, play } from '../support/transcript.js'

let core: Awaited<ReturnType<typeof testCore>>
const dirs: string[] = []
afterEach(() => {
  if (core?.db.$client.open) closeDatabase(core.db)
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('a message over MAX_TEXT_LENGTH', () => {
  it('is not read: the reply says so in English too, and the person stays at the same step', async () => {
    core = await testCore()
    expect((await core.engine.handle(inbound('6')))[0]?.text).toContain('Langkah 1 dari 5')
    const [long] = await core.engine.handle(inbound('x'.repeat(MAX_TEXT_LENGTH + 1)))
    expect(long?.text).toContain('terlalu panjang (2.001 karakter; paling banyak 2.000)')
    expect(long?.text).toContain('Langkah 1 dari 5')
    expect((await core.engine.handle(inbound('1')))[0]?.text).toContain('Langkah 2 dari 5')
    await core.engine.handle(inbound('english'))
    const [english] = await core.engine.handle(inbound('y'.repeat(3000)))
    expect(english?.text).toContain('too long (3,000 characters; at most 2,000)')
  })
})

describe('duplicate delivery', () => {
  it('a message id seen before gets no second answer and does not move the conversation', async () => {
    core = await testCore()
    const first = await core.engine.handle(inbound('6', { messageId: 'dup-1' }))
    expect(first[0]?.text).toContain('Langkah 1 dari 5')
    const again = await core.engine.handle(inbound('6', { messageId: 'dup-1' }))
    expect(again).toEqual([])
    // Still at step 1: "1" picks the first topic and moves to step 2.
    const next = await core.engine.handle(inbound('1'))
    expect(next[0]?.text).toContain('Langkah 2 dari 5')
  })

  it('the same message id in another chat is a different message (Telegram numbers messages per chat)', async () => {
    core = await testCore()
    const a = await core.engine.handle(inbound('halo', { chatId: 'A', messageId: '42' }))
    const b = await core.engine.handle(inbound('halo', { chatId: 'B', messageId: '42' }))
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(1)
  })

  it('the same message id on another channel is a different message', async () => {
    core = await testCore()
    await core.engine.handle(inbound('halo', { messageId: 'same' }))
    const other = await core.engine.handle(inbound('halo', { messageId: 'same', channel: 'telegram', chatId: 't-1' }))
    expect(other).toHaveLength(1)
  })
})

describe('expiry after 30 minutes of silence', () => {
  it('forgets an unfinished flow, says so, and treats the message as new', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'sleepy' })
    await play(driver, [
      { user: '6', bot: ['Langkah 1 dari 5'] },
      { user: '1', bot: ['Langkah 2 dari 5'] },
    ])
    clock.advance(31 * 60_000)
    await play(driver, [
      {
        user: 'Kapan jadwal bimtek?',
        // Answered as a fresh question (by the FAQ), not as the name asked at step 3.
        bot: ['Sesi sebelumnya berakhir karena tidak ada balasan selama 30 menit'],
        not: ['Langkah 3 dari 5', 'Langkah 4 dari 5', 'Nama harus'],
      },
    ])
  })

  it('says so too when the clean-up job already forgot the flow', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'swept' })
    await driver.send('6')
    clock.advance(31 * 60_000)
    await runHousekeeping(core.db, clock.now(), 30)
    await play(driver, [
      { user: 'halo', bot: ['Sesi sebelumnya berakhir'] },
      { user: 'halo', bot: ['Halo'], not: ['berakhir'] },
    ])
  })

  it('keeps the flow when the reply comes within 30 minutes', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine)
    await driver.send('6')
    clock.advance(29 * 60_000)
    await play(driver, [{ user: '1', bot: ['Langkah 2 dari 5'], not: ['berakhir'] }])
  })

  it('honours CONVERSATION_TIMEOUT_MINUTES', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now, env: { CONVERSATION_TIMEOUT_MINUTES: '5' } })
    const driver = coreDriver(core.engine)
    await driver.send('6')
    clock.advance(6 * 60_000)
    await play(driver, [{ user: '1', bot: ['selama 5 menit'] }])
  })
})

describe('restart in the middle of a flow', () => {
  it('continues where the person left off after the process restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-restart-'))
    dirs.push(dir)
    const path = join(dir, 'kesos.db')
    core = await testCore({ path })
    await play(coreDriver(core.engine, { chatId: 'persist' }), [
      { user: '6', bot: ['Langkah 1 dari 5'] },
      { user: '3', bot: ['Langkah 2 dari 5'] },
      { user: 'Sertifikat saya hilang saat banjir', bot: ['Langkah 3 dari 5'] },
    ])
    closeDatabase(core.db)

    core = await testCore({ path })
    await play(coreDriver(core.engine, { chatId: 'persist' }), [
      { user: 'Siti Aminah', bot: ['Langkah 4 dari 5'] },
      { user: '0812 3456 7890', bot: ['Langkah 5 dari 5'] },
      {
        user: 'Jawa Tengah',
        bot: [
          'Sertifikat (hilang, salah data, verifikasi)',
          'Sertifikat saya hilang saat banjir',
          'Siti Aminah',
          '+62 812-****-7890',
        ],
      },
      { user: 'ya', bot: [/nomor PTG-[A-Z2-9]{6}/] },
    ])
  })
})

describe('one chat, one message at a time', () => {
  it('handles simultaneous messages of a chat in arrival order', async () => {
    core = await testCore()
    const replies = await Promise.all(
      ['6', '1', 'Bagaimana cara daftar bimtek?', 'Budi Santoso'].map((text) =>
        core.engine.handle(inbound(text, { chatId: 'burst' })),
      ),
    )
    expect(replies.map((r) => r[0]?.text.match(/Langkah (\d) dari 5/)?.[1])).toEqual(['1', '2', '3', '4'])
  })

  it('keeps chats apart', async () => {
    core = await testCore()
    const a = coreDriver(core.engine, { chatId: 'a' })
    const b = coreDriver(core.engine, { chatId: 'b' })
    await a.send('6')
    await play(b, [{ user: '1', bot: ['Pilih kelompok topik'] }])
    await play(a, [{ user: '1', bot: ['Langkah 2 dari 5'] }])
  })
})

describe('outdated buttons', () => {
  it('a tap on an option of an older message says the menu changed and asks again', async () => {
    core = await testCore()
    await core.engine.handle(inbound('6', { chatId: 'old' }))
    await core.engine.handle(inbound('1', { chatId: 'old' }))
    const replies = await core.engine.handle(inbound('', { chatId: 'old', text: undefined, choice: 'topic:status' }))
    expect(replies[0]?.text).toContain('menu lama')
    expect(replies[0]?.text).toContain('Langkah 2 dari 5')
  })

  it('a tap on an old main-menu button still works, and says the unfinished flow was stopped', async () => {
    core = await testCore()
    await core.engine.handle(inbound('6', { chatId: 'old2' }))
    const replies = await core.engine.handle(inbound('', { chatId: 'old2', text: undefined, choice: 'menu:daftar' }))
    expect(replies[0]?.text).toContain('Proses tadi dihentikan')
    expect(replies[0]?.text).toContain('belum ada sesi Bimtek yang dibuka pendaftarannya')
  })

  it('a typed option number passed as a choice means the same as typing it', async () => {
    core = await testCore()
    const replies = await core.engine.handle(inbound('', { chatId: 'num', text: undefined, choice: '6' }))
    expect(replies[0]?.text).toContain('Langkah 1 dari 5')
  })
})

describe('failures', () => {
  it('a bug in a feature gets a short apology, no internals, and the message can be retried', async () => {
    const db = openDatabase(':memory:')
    let broken = true
    const engine = createEngine({
      db,
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      features: {
        faq: {
          start: () => {
            if (broken) throw new TypeError('secret internals at line 42')
            return { replies: [{ text: 'jawaban' }], next: null }
          },
        },
      },
    })
    const failed = await engine.handle(inbound('1', { messageId: 'retry-me' }))
    expect(failed).toEqual([{ text: expect.stringContaining('Maaf, terjadi gangguan') }])
    expect(JSON.stringify(failed)).not.toContain('internals')
    broken = false
    expect(await engine.handle(inbound('1', { messageId: 'retry-me' }))).toEqual([{ text: 'jawaban' }])
    closeDatabase(db)
  })

  it('a failing message does not undo the other chats answered in the same commit', async () => {
    const db = openDatabase(':memory:')
    const engine = createEngine({
      db,
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      features: {
        faq: {
          start: (ctx) => {
            if (ctx.inbound.chatId === 'bad') throw new Error('bug')
            return { replies: [{ text: 'jawaban' }], next: null }
          },
        },
      },
    })
    const chats = ['a', 'bad', 'c', 'd']
    const replies = await Promise.all(
      chats.map((chatId) => engine.handle(inbound('1', { chatId, messageId: `batch-${chatId}` }))),
    )
    expect(replies.map((r) => r[0]?.text)).toEqual(['jawaban', expect.stringContaining('gangguan'), 'jawaban', 'jawaban'])
    const processed = await statement(
      db,
      "select message_id from processed_messages where message_id like 'batch-%' order by 1",
    ).all()
    expect(processed).toEqual([{ message_id: 'batch-a' }, { message_id: 'batch-c' }, { message_id: 'batch-d' }])
    closeDatabase(db)
  })

  it('any sequence of any input gets at least one reply and never crashes', async () => {
    core = await testCore()
    const inputs = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        '1',
        '2',
        '3',
        '6',
        '7',
        '9',
        'ya',
        'batal',
        'menu',
        'english',
        'bahasa indonesia',
        '0812 3456 7890',
        'Budi',
      ),
    )
    let chat = 0
    await fc.assert(
      fc.asyncProperty(fc.array(inputs, { minLength: 1, maxLength: 12 }), async (messages) => {
        chat += 1
        for (const text of messages) {
          const replies = await core.engine.handle(inbound(text, { chatId: `prop-${chat}` }))
          expect(replies.length).toBeGreaterThan(0)
          for (const reply of replies) expect(reply.text.trim().length).toBeGreaterThan(0)
          expect(JSON.stringify(replies)).not.toContain('terjadi gangguan di sistem kami')
        }
      }),
      { numRuns: 150 },
    )
  })
})
