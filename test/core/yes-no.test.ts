/**
 * One list of yes and no words for every question: the words themselves, and what they do where
 * the list widened an answer (the consent, a seat offer).
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { isNo, isYes } from '../../src/core/text/yes-no.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase } from '../../src/db/client.js'
import { consentRecords, registrations } from '../../src/db/schema.js'
import { fakeClock, inbound, testCore } from '../support/core.js'
import { addPerson, DAY, HOUR } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { seedRegistration } from '../transcripts/registration.js'

let core: ReturnType<typeof testCore> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

const textOf = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n')

describe('the words', () => {
  it('yes as people type it, doubled letters and all', () => {
    for (const word of ['ya', 'y', 'iya', 'iyaa', 'yes', 'ok', 'oke', 'okee', 'setuju', 'boleh', 'betul', 'siap', 'lanjut']) {
      expect([word, isYes(word), isNo(word)]).toEqual([word, true, false])
    }
  })

  it('no as people type it', () => {
    for (const word of ['tidak', 'tdk', 'gak', 'nggak', 'enggak', 'no', 'belum', 'jangan', 'tidak jadi']) {
      expect([word, isYes(word), isNo(word)]).toEqual([word, false, true])
    }
  })

  it('neither: words of their own questions, and more than the answer', () => {
    for (const text of ['hadir', 'ambil', 'kirim', 'mungkin', 'ya kak', 'yak'])
      expect([text, isYes(text), isNo(text)]).toEqual([text, false, false])
  })
})

describe('the answers', () => {
  it('"belum setuju" to the consent is a refusal, not a consent', async () => {
    const clock = fakeClock()
    core = testCore({ clock: clock.now })
    seedRegistration(core.db, clock.now())
    await core.engine.handle(inbound('daftar', { chatId: 'ragu', userId: 'ragu' }))
    const replies = await core.engine.handle(inbound('belum setuju', { chatId: 'ragu', userId: 'ragu' }))
    expect(textOf(replies)).toContain('tidak ada data Anda yang disimpan')
    expect(core.db.select().from(consentRecords).all()).toEqual([])
  })

  it('"siap" to the consent goes on to the first question', async () => {
    const clock = fakeClock()
    core = testCore({ clock: clock.now })
    seedRegistration(core.db, clock.now())
    await core.engine.handle(inbound('daftar', { chatId: 'siap', userId: 'siap' }))
    expect(textOf(await core.engine.handle(inbound('siap', { chatId: 'siap', userId: 'siap' })))).toContain('Langkah 2 dari 10')
  })

  it('"oke" takes an offered seat, like "ya"', async () => {
    const clock = fakeClock()
    core = testCore({ clock: clock.now })
    const session = addSession(core.db, clock.now(), {
      code: 'BDG-OFFER',
      capacity: 1,
      startsAt: new Date(clock.now().getTime() + 10 * DAY),
    })
    const person = addPerson(core.db, { chats: [{ channel: 'console', chatId: 'ditawari' }] })
    const offered = { code: 'BMT-OFFER1', sessionId: session, personId: person, status: 'offered' as const }
    core.db
      .insert(registrations)
      .values({ ...offered, offerExpiresAt: new Date(clock.now().getTime() + 12 * HOUR) })
      .run()

    const replies = await core.engine.handle(inbound('oke', { chatId: 'ditawari', userId: 'ditawari' }))
    expect(textOf(replies)).toContain('Kursi Anda sudah kami simpan. Kode pendaftaran: *BMT-OFFER1*')
    expect(core.db.select().from(registrations).where(eq(registrations.code, 'BMT-OFFER1')).get()?.status).toBe('confirmed')
  })
})
