/**
 * What the status transcripts cannot see, driven through the engine with a fake clock: the lockout
 * and its end, the WhatsApp number route, every stage's wording, times in the person's own zone,
 * the certificate link, the data copy and deletion as stored, and that nothing in an answer tells
 * whether a NIK is registered.
 */

import { and, count, eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/core/engine.js'
import { LOCK_MS, MAX_FAILURES } from '../../src/core/identity/lockout.js'
import { PATH, STAGE_ADVICE, STAGE_LABEL, stepOf } from '../../src/core/status/stages.js'
import type { Inbound, Language, Reply } from '../../src/core/types.js'
import { closeDatabase, type Db, statement, written } from '../../src/db/client.js'
import { personOfChat } from '../../src/db/queries/chat-links.js'
import {
  auditLog,
  bimtekSessions,
  CERTIFICATION_STAGES,
  type CertificationStage,
  certificates,
  certificationStages,
  channelIdentities,
  consentRecords,
  exams,
  handoffRequests,
  identityAttempts,
  outbox,
  people,
  registrations,
} from '../../src/db/schema.js'
import { type Chat, chat, textOf } from '../support/chat.js'
import { fakeClock, testCore } from '../support/core.js'
import { mismatch, PAULUS, RATNA, type StatusSeed, seedStatus, UNKNOWN_NIK, wrongCode } from '../transcripts/status.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

/** A core on a fake clock (Monday 23 November 2026, 09.00 WIB), seeded with Ratna and Paulus. */
async function open(env: Record<string, string> = {}) {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now, env })
  const seed = await seedStatus(core.db, core.vault, clock.now())
  return { core, clock, seed, db: core.db }
}

/**
 * "status" (or another entry), an identifier, a birth date, then the one-time code: the one sent
 * over WhatsApp for this claim if any was (read from the outbox), else a code nobody was sent. The
 * answer to the last message (or to the birth date, when it already ended the proof).
 */
async function prove(c: Chat, identifier: string, birthDate: string, entry = 'status'): Promise<Reply[]> {
  const db = core?.db as Db
  await c.say('menu')
  expect(textOf(await c.say(entry))).toMatch(/Langkah 1 dari 2|Step 1 of 2/)
  expect(textOf(await c.say(identifier))).toMatch(/Langkah 2 dari 2|Step 2 of 2/)
  const before = (await codesSent(db)).length
  const afterDate = await c.say(birthDate)
  if (!afterDate.some((reply) => reply.choices?.some((choice) => choice.id === 'proof:code'))) return afterDate
  expect(textOf(await c.choose('proof:code'))).toMatch(/Ketik kode itu di sini|Type that code here/)
  const sent = (await codesSent(db)).slice(before)
  return c.say(sent.at(-1) ?? '000000')
}

/** The one-time codes queued so far, oldest first (read from the WhatsApp messages in the outbox). */
async function codesSent(db: Db): Promise<string[]> {
  return (
    await db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.kind, 'identity_code')).orderBy(outbox.id)
  ).map((row) => /\*(\d{6})\*/.exec(JSON.parse(row.payload).text)?.[1] ?? '')
}

const ASK_NIK = 'Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda'
const ASK_BY_PHONE = 'Nomor WhatsApp ini tercatat di data sertifikasi.'
const locked = (time: string) =>
  `Terlalu banyak percobaan yang tidak cocok dari chat ini. Demi keamanan data, Anda dapat mencoba lagi setelah pukul ${time}. Butuh bantuan? Ketik "petugas".`

const rowsOf = async (db: Db, table: typeof certificationStages | typeof exams | typeof registrations, personId: number) =>
  (await db.select({ n: count() }).from(table).where(eq(table.personId, personId)).limit(1))[0]?.n ?? 0

describe('proof of identity: lockout', () => {
  it(`${MAX_FAILURES} failures within an hour lock the chat for an hour from the last one, even for correct data`, async () => {
    const { core, clock, seed } = await open()
    const c = chat(core.engine, 'chat-A')
    // 09.00, 09.10, … 09.40 WIB: four answers say how many tries are left, the fifth locks.
    for (const left of [4, 3, 2, 1]) {
      expect(textOf(await prove(c, RATNA.nik, '01-01-1990'))).toContain(wrongCode(left))
      clock.advance(10 * MINUTE)
    }
    const fifth = await prove(c, UNKNOWN_NIK, '01-01-1990')
    expect(textOf(fifth)).toBe(locked('10.40 WIB'))

    // Locked: the correct data is not even asked for, by either entry that needs proof.
    clock.advance(30 * MINUTE)
    expect(textOf(await c.say('status'))).toBe(locked('10.40 WIB'))
    expect(textOf(await c.say('data saya'))).toBe(locked('10.40 WIB'))
    expect(textOf(await c.say('hapus data'))).toBe(locked('10.40 WIB'))
    // Typed anyway outside the flow, the NIK and date prove nothing.
    await c.say(RATNA.nik)
    expect(textOf(await c.say(RATNA.birthDate))).not.toContain(RATNA.name)
    expect(await personOfChat(core.db, 'console', 'chat-A', clock.now())).toBeUndefined()

    // 59 minutes after the last failure (the first one is 99 minutes old): still locked.
    clock.advance(29 * MINUTE)
    expect(textOf(await c.say('status'))).toBe(locked('10.40 WIB'))

    // An hour after the last failure it works again, and the right data is let in.
    clock.advance(1 * MINUTE + 1_000)
    const replies = await prove(c, RATNA.nik, RATNA.birthDate)
    expect(textOf(replies)).toContain(`*Status sertifikasi ${RATNA.name}*`)
    expect(await personOfChat(core.db, 'console', 'chat-A', clock.now())).toBe(seed.ratna)
  })

  it('the lock is told at the moment of the fifth failure, also mid-way by registration code', async () => {
    const { core } = await open()
    const c = chat(core.engine, 'chat-code')
    for (let i = 0; i < MAX_FAILURES - 1; i++) await prove(c, 'BMT-ZZZZZZ', PAULUS.birthDate)
    const last = await prove(c, PAULUS.code, '24-11-1979')
    expect(textOf(last)).toBe(locked('10.00 WIB'))
    expect(
      (await core.db.select({ n: count() }).from(identityAttempts).where(eq(identityAttempts.succeeded, false)).limit(1))[0]?.n,
    ).toBe(MAX_FAILURES)
  })

  it('failures spread over more than an hour do not lock', async () => {
    const { core, clock } = await open()
    const c = chat(core.engine, 'chat-slow')
    // Every 16 minutes: the oldest leaves the hour before the fifth arrives.
    const answers: string[] = []
    for (let i = 0; i < 6; i++) {
      answers.push(textOf(await prove(c, RATNA.nik, '01-01-1990')))
      clock.advance(16 * MINUTE)
    }
    const warnings = answers.map((answer) => answer.split('\n')[0])
    expect(warnings).toEqual([4, 3, 2, 1, 1, 1].map((left) => `⚠️ ${wrongCode(left)}`))
    expect(textOf(await prove(c, RATNA.nik, RATNA.birthDate))).toContain(`*Status sertifikasi ${RATNA.name}*`)
  })

  it('the lock is per chat: another chat, or the same id on another channel, can still prove', async () => {
    const { core, seed, clock } = await open()
    const a = chat(core.engine, 'chat-A')
    for (let i = 0; i < MAX_FAILURES; i++) await prove(a, UNKNOWN_NIK, RATNA.birthDate)
    expect(textOf(await a.say('status'))).toBe(locked('10.00 WIB'))

    const b = chat(core.engine, 'chat-B')
    expect(textOf(await prove(b, RATNA.nik, RATNA.birthDate))).toContain(`*Status sertifikasi ${RATNA.name}*`)
    const telegram = chat(core.engine, 'chat-A', { channel: 'telegram' })
    expect(textOf(await prove(telegram, PAULUS.nik, PAULUS.birthDate))).toContain(`*Status sertifikasi ${PAULUS.name}*`)
    expect(await personOfChat(core.db, 'console', 'chat-B', clock.now())).toBe(seed.ratna)
    expect(textOf(await a.say('status'))).toBe(locked('10.00 WIB'))
  })

  it('attempts are stored without the NIK, code or date', async () => {
    const { core } = await open()
    const c = chat(core.engine, 'chat-A')
    await prove(c, RATNA.nik, '01-01-1990')
    await prove(c, PAULUS.code, PAULUS.birthDate)
    const stored = JSON.stringify(await core.db.select().from(identityAttempts))
    for (const secret of [RATNA.nik, PAULUS.code, '1990-01-01', '01-01-1990', PAULUS.birthIso]) {
      expect(stored).not.toContain(secret)
    }
    expect((await core.db.select().from(identityAttempts)).map((row) => row.succeeded)).toEqual([false, true])
  })
})

describe('proof of identity: the WhatsApp number on record', () => {
  const JID = '6289911110001@s.whatsapp.net'
  const fromRatnasPhone = (engine: Engine, jid = JID) => chat(engine, jid, { channel: 'whatsapp', senderPhone: RATNA.phone })

  it('a sender whose number is the phone of exactly one person is asked only the birth date', async () => {
    const { core, seed, clock } = await open()
    const c = fromRatnasPhone(core.engine)
    const question = textOf(await c.say('status'))
    expect(question).toContain(ASK_BY_PHONE)
    expect(question).toContain('ketik tanggal lahir Anda')
    expect(question).not.toContain('NIK')
    expect(question).not.toContain(RATNA.name)
    const answer = textOf(await c.say(RATNA.birthDate))
    expect(answer).toContain(`*Status sertifikasi ${RATNA.name}*`)
    expect(await personOfChat(core.db, 'whatsapp', JID, clock.now())).toBe(seed.ratna)
    // Linked: next time no question at all.
    expect(textOf(await c.say('data saya'))).toContain('*Data Anda yang kami simpan*')
  })

  it('a wrong birth date counts as a failure, answered as any other, and next time the NIK is asked', async () => {
    const { core, clock } = await open()
    const c = fromRatnasPhone(core.engine)
    expect(textOf(await c.say('status'))).toContain(ASK_BY_PHONE)
    expect(textOf(await c.say('13-03-1986'))).toBe(mismatch(4))
    expect(await core.db.select().from(identityAttempts)).toMatchObject([{ channel: 'whatsapp', chatId: JID, succeeded: false }])

    const again = textOf(await c.say('status'))
    expect(again).toContain(ASK_NIK)
    expect(again).not.toContain(ASK_BY_PHONE)
    expect(textOf(await c.say(RATNA.nik))).toContain('Langkah 2 dari 2')
    expect(textOf(await c.say(RATNA.birthDate))).toContain(`*Status sertifikasi ${RATNA.name}*`)

    // Once the failure is more than an hour old, an unlinked chat gets the short route again.
    await c.say('lepas akun')
    clock.advance(LOCK_MS + MINUTE)
    expect(textOf(await c.say('status'))).toContain(ASK_BY_PHONE)
  })

  it('two people with the same phone, or a number not on record: the NIK route', async () => {
    const { core, seed } = await open()
    await core.db.update(people).set({ phoneE164: RATNA.phone }).where(eq(people.id, seed.paulus))
    expect(textOf(await fromRatnasPhone(core.engine).say('status'))).toContain(ASK_NIK)

    const stranger = chat(core.engine, '6281311112222@s.whatsapp.net', { channel: 'whatsapp', senderPhone: '+6281311112222' })
    expect(textOf(await stranger.say('status'))).toContain(ASK_NIK)
  })

  it('the short route needs the number the channel tells, not one that only looks alike', async () => {
    const { core } = await open()
    // The same digits in the chat id, but no senderPhone (e.g. a LID-only message).
    const c = chat(core.engine, JID, { channel: 'whatsapp' })
    expect(textOf(await c.say('status'))).toContain(ASK_NIK)
  })
})

/** The stages a person passed through to reach `stage`, oldest first (as the demo data builds them). */
function historyTo(stage: CertificationStage): CertificationStage[] {
  const path: CertificationStage[] = ['terdaftar', 'seleksi_administrasi', 'bimtek', 'ujian_kognitif', 'portofolio', 'wawancara']
  const index = path.indexOf(stage)
  if (index >= 0) return path.slice(0, index + 1)
  if (stage === 'kompeten' || stage === 'belum_kompeten') return [...path, stage]
  if (stage === 'sertifikat_terbit') return [...path, 'kompeten', stage]
  return [...path, 'kompeten', 'sertifikat_terbit', stage]
}

/** A person whose history ends at `stage`; NIK 327301DD0180SSSS, born DD-01-1980. */
async function addPerson(
  db: Db,
  vault: { hash(n: string): string; encrypt(n: string): string },
  i: number,
  stages: CertificationStage[],
) {
  const dd = String(10 + i).padStart(2, '0')
  const nik = `327301${dd}0180${String(i + 1).padStart(4, '0')}`
  const id = written(
    await db
      .insert(people)
      .values({
        fullName: `Peserta Nomor ${i}`,
        nikHash: vault.hash(nik),
        nikCiphertext: vault.encrypt(nik),
        birthDate: `1980-01-${dd}`,
        phoneE164: `+628120000${String(i).padStart(4, '0')}`,
        timeZone: 'Asia/Jakarta',
      })
      .returning({ id: people.id }),
  ).id
  const start = Date.parse('2024-01-08T00:00:00Z')
  for (const [k, stage] of stages.entries()) {
    await db.insert(certificationStages).values({ personId: id, stage, reachedAt: new Date(start + k * 30 * DAY) })
  }
  return { id, nik, birthDate: `${dd}-01-1980`, phone: `+628120000${String(i).padStart(4, '0')}` }
}

const lines = (text: string, marker: string) => text.split('\n').filter((line) => line.startsWith(marker))

describe('every stage in words', () => {
  describe.each<Language>(['id', 'en'])('in %s', (lang) => {
    it.each(CERTIFICATION_STAGES.map((stage, i) => [stage, i] as const))(
      'current stage %s: its label, its advice and the right markers',
      async (stage, i) => {
        const { core } = await open()
        const person = await addPerson(core.db, core.vault, i, historyTo(stage))
        // Written from the person's own number (as a channel vouches for it): nothing more to type.
        const c = chat(core.engine, `stage-${stage}`, { senderPhone: person.phone })
        if (lang === 'en') await c.say('english')
        await c.say('status')
        await c.say(person.nik)
        const text = textOf(await c.say(person.birthDate))

        const label = STAGE_LABEL[stage][lang]
        expect(text).toContain(`▶️ *${label}*`)
        expect(text).toContain(STAGE_ADVICE[stage][lang].replace('{due}', ''))
        expect(text).not.toContain('{due}')
        const step = stepOf(stage)
        const done = lines(text, '✅')
        const next = lines(text, '⬜')
        expect(lines(text, '▶️')).toHaveLength(1)
        // Every earlier step is done, each with the stage reached there.
        expect(done).toHaveLength(step)
        done.forEach((line, k) => {
          const reached = historyTo(stage).find((s) => stepOf(s) === k)
          expect(line.startsWith(`✅ ${reached && STAGE_LABEL[reached][lang]}: `), line).toBe(true)
        })
        if (stage === 'belum_kompeten') {
          // Re-assessment is explained; no later step is shown as if it would follow.
          expect(text).toContain(lang === 'id' ? 'uji ulang (asesmen ulang)' : 'be re-assessed')
          expect(next).toEqual([])
          expect(text).not.toContain(STAGE_LABEL.sertifikat_terbit[lang])
        } else if (stage === 'kedaluwarsa') {
          expect(next).toEqual([])
        } else {
          // The steps still to come, up to the certificate; expiry is never announced in advance.
          expect(next).toHaveLength(PATH.length - 2 - step)
          if (stage !== 'sertifikat_terbit') expect(next.at(-1)).toBe(`⬜ ${STAGE_LABEL.sertifikat_terbit[lang]}`)
          expect(text).not.toContain(STAGE_LABEL.kedaluwarsa[lang])
        }
        if (step < stepOf('kompeten')) {
          expect(next).toContain(`⬜ ${STAGE_LABEL.kompeten[lang]} / ${STAGE_LABEL.belum_kompeten[lang]}`)
        }
      },
    )
  })

  it('a history that starts late (only the current stage on record) shows the earlier steps as done', async () => {
    const { core } = await open()
    const person = await addPerson(core.db, core.vault, 0, ['wawancara'])
    const text = textOf(await prove(chat(core.engine, 'late'), person.nik, person.birthDate))
    expect(lines(text, '✅')).toEqual([
      '✅ Terdaftar',
      '✅ Seleksi administrasi',
      '✅ Bimtek',
      '✅ Ujian kognitif',
      '✅ Portofolio',
    ])
    expect(lines(text, '▶️')).toEqual(['▶️ *Wawancara*: 8 Januari 2024'])
    expect(lines(text, '⬜')).toEqual(['⬜ Kompeten / Belum Kompeten', '⬜ Sertifikat terbit'])
  })

  it('no stage on record yet: said plainly', async () => {
    const { core } = await open()
    const person = await addPerson(core.db, core.vault, 0, [])
    const text = textOf(await prove(chat(core.engine, 'none'), person.nik, person.birthDate))
    expect(text).toContain('*Status sertifikasi Peserta Nomor 0*')
    expect(text).toContain('Belum ada catatan tahap sertifikasi untuk Anda.')
    expect(text).not.toMatch(/✅|▶️|⬜/)
  })
})

describe('dates and times in the person’s own zone', () => {
  it('stage dates, the portfolio due date and the exam in WITA', async () => {
    const { core, seed } = await open()
    // 16.30 UTC: Monday 14 December 00.30 in Makassar, still Sunday 13 December in Jakarta.
    await core.db
      .update(certificationStages)
      .set({ dueAt: new Date('2026-12-13T16:30:00Z') })
      .where(and(eq(certificationStages.personId, seed.ratna), eq(certificationStages.stage, 'portofolio')))
    await core.db
      .update(exams)
      .set({ startsAt: new Date('2026-12-20T23:30:00Z') })
      .where(eq(exams.personId, seed.ratna))
    const text = textOf(await prove(chat(core.engine, 'ratna'), RATNA.nik, RATNA.birthDate))
    expect(text).toContain('Lengkapi portofolio (bukti praktik) Anda sebelum Senin, 14 Desember 2026. Portofolio')
    expect(text).not.toContain('13 Desember')
    // 23.30 UTC on the 20th is 07.30 WITA on the 21st.
    expect(text).toContain('📝 *Ujian berikutnya:* wawancara, Senin, 21 Desember 2026, 07.30 WITA (tatap muka)')
    // Stored at midnight WITA: the same day in her zone (in WIB it would be the day before).
    expect(text).toContain('✅ Terdaftar: 6 Januari 2025')
    expect(text).toContain('Waktu dalam zona WITA.')
  })

  it('in English the dates are English too', async () => {
    const { core, seed } = await open()
    await core.db
      .update(certificationStages)
      .set({ dueAt: new Date('2026-12-13T16:30:00Z') })
      .where(and(eq(certificationStages.personId, seed.ratna), eq(certificationStages.stage, 'portofolio')))
    await core.db
      .update(exams)
      .set({ startsAt: new Date('2026-12-20T23:30:00Z') })
      .where(eq(exams.personId, seed.ratna))
    const c = chat(core.engine, 'ratna-en')
    await c.say('english')
    const text = textOf(await prove(c, RATNA.nik, RATNA.birthDate))
    expect(text).toContain('Complete your portfolio (practice evidence) before Monday, 14 December 2026. Unfinished')
    expect(text).toContain('📝 *Next exam:* interview, Monday, 21 December 2026, 07.30 WITA (in person)')
    expect(text).toContain('✅ Registered: 6 January 2025')
    expect(text).not.toMatch(/Senin|Desember|Januari/)
  })

  it('an exam in WIT for a person in Papua; past exams are not shown', async () => {
    const { core, clock, seed } = await open()
    await core.db.insert(exams).values([
      // 00.30 UTC is 09.30 WIT (07.30 WIB).
      {
        personId: seed.paulus,
        kind: 'ujian_kognitif',
        mode: 'daring',
        startsAt: new Date('2026-12-01T00:30:00Z'),
        timeZone: 'Asia/Jayapura',
      },
      {
        personId: seed.paulus,
        kind: 'wawancara',
        mode: 'tatap_muka',
        startsAt: new Date(clock.now().getTime() - DAY),
        timeZone: 'Asia/Jayapura',
      },
    ])
    const text = textOf(await prove(chat(core.engine, 'paulus'), PAULUS.nik, PAULUS.birthDate))
    expect(text).toContain('📝 *Ujian berikutnya:* ujian kognitif, Selasa, 1 Desember 2026, 09.30 WIT (daring)')
    expect(text).not.toContain('wawancara, ')
    expect(text).toContain('Waktu dalam zona WIT.')
  })
})

describe('certificates in the status answer', () => {
  it('an active certificate: its number and the verification link', async () => {
    const { core } = await open()
    const text = textOf(await prove(chat(core.engine, 'paulus'), PAULUS.nik, PAULUS.birthDate))
    expect(text).toContain(
      `📜 Sertifikat *${PAULUS.certificate}* (Pekerja Sosial), berlaku s.d. 1 September 2028. Verifikasi: /verifikasi/${PAULUS.certificate}`,
    )
  })

  it('the link is absolute with PUBLIC_BASE_URL', async () => {
    const { core } = await open({ PUBLIC_BASE_URL: 'https://sertifikasi.example.id/' })
    const text = textOf(await prove(chat(core.engine, 'paulus'), PAULUS.nik, PAULUS.birthDate))
    expect(text).toContain(`Verifikasi: https://sertifikasi.example.id/verifikasi/${PAULUS.certificate}`)
  })

  it('a revoked certificate is not offered as proof', async () => {
    const { core, seed } = await open()
    await core.db.update(certificates).set({ status: 'revoked' }).where(eq(certificates.personId, seed.paulus))
    const text = textOf(await prove(chat(core.engine, 'paulus'), PAULUS.nik, PAULUS.birthDate))
    expect(text).not.toContain('📜')
    expect(text).not.toContain('/verifikasi/')
  })
})

describe('data saya: the copy', () => {
  it('is a JSON file with the full NIK and every section; the audit log records it', async () => {
    const { core, seed } = await open()
    const c = chat(core.engine, 'paulus')
    expect(textOf(await prove(c, PAULUS.nik, PAULUS.birthDate, 'data saya'))).toContain('*Data Anda yang kami simpan*')
    const [reply] = await c.choose('data:export')
    expect(reply?.text).toContain('Salinan lengkap data Anda terlampir')
    expect(reply?.text).not.toContain(PAULUS.nik)
    const file = reply?.attachment
    expect(file).toMatchObject({
      filename: 'data-saya-2026-11-23.json',
      mimeType: 'application/json',
      // Said instead of the file by a channel that could not deliver it.
      unsentNote:
        'File data-saya-2026-11-23.json tidak terkirim; ketik *data saya*, lalu pilih *Kirim salinan data (file)* untuk mencoba lagi.',
    })
    const json = new TextDecoder().decode(file?.bytes)
    const copy = JSON.parse(json)
    expect(Object.keys(copy).sort()).toEqual(
      [
        'exportedAt',
        'note',
        'person',
        'certificationStages',
        'exams',
        'registrations',
        'certificates',
        'consents',
        'linkedChats',
        'handoffRequests',
      ].sort(),
    )
    expect(copy.exportedAt).toBe('2026-11-23T02:00:00.000Z')
    expect(copy.person).toMatchObject({
      id: seed.paulus,
      fullName: PAULUS.name,
      nik: PAULUS.nik,
      birthDate: PAULUS.birthIso,
      phoneE164: PAULUS.phone,
      provinceCode: '91',
      regency: 'Kota Jayapura',
      timeZone: 'Asia/Jayapura',
    })
    // The lookup hash and the ciphertext are how we keep the NIK, not data about the person.
    expect(copy.person).not.toHaveProperty('nikHash')
    expect(copy.person).not.toHaveProperty('nikCiphertext')
    // Nor are the dashboard's kept copies of the history (its stages are in certificationStages).
    expect(copy.person).not.toHaveProperty('currentStage')
    expect(copy.person).not.toHaveProperty('stagesReached')
    expect(json).not.toContain(core.vault.hash(PAULUS.nik))
    expect(copy.certificationStages.map((s: { stage: string }) => s.stage)).toEqual(PAULUS.history.map(([stage]) => stage))
    expect(copy.exams).toEqual([])
    expect(copy.registrations).toMatchObject([{ code: PAULUS.code, status: 'confirmed', session: { code: 'JPR-STATUS' } }])
    expect(copy.certificates).toMatchObject([{ displayNumber: PAULUS.certificate, status: 'active' }])
    expect(copy.consents).toEqual([])
    expect(copy.linkedChats).toMatchObject([{ channel: 'console', language: 'id' }])
    expect(copy.linkedChats[0]).not.toHaveProperty('chatId')
    expect(copy.handoffRequests).toEqual([])

    const audit = await core.db.select().from(auditLog).where(eq(auditLog.action, 'person.exported'))
    expect(audit).toMatchObject([
      { actor: expect.stringMatching(/^chat:console:[0-9a-f]{16}$/), entity: 'person', entityId: String(seed.paulus) },
    ])
    expect(JSON.stringify(audit)).not.toContain(PAULUS.nik)
  })

  it('the exams of the person are in it too', async () => {
    const { core } = await open()
    const c = chat(core.engine, 'ratna')
    await prove(c, RATNA.nik, RATNA.birthDate, 'data saya')
    const [reply] = await c.choose('data:export')
    const copy = JSON.parse(new TextDecoder().decode(reply?.attachment?.bytes))
    expect(copy.person.nik).toBe(RATNA.nik)
    expect(copy.exams).toMatchObject([{ kind: 'wawancara', mode: 'tatap_muka', timeZone: 'Asia/Makassar' }])
    expect(copy.certificationStages).toHaveLength(5)
    expect(copy.certificationStages[4]).toMatchObject({ stage: 'portofolio' })
    expect(copy.certificationStages[4].dueAt).toBeTruthy()
  })

  it('an unlinked chat tapping an old button gets nothing', async () => {
    const { core } = await open()
    const replies = await chat(core.engine, 'stranger').choose('data:export')
    expect(replies[0]?.attachment).toBeUndefined()
    expect(textOf(replies)).toContain('Akun chat ini belum terhubung ke data mana pun.')
    expect(await core.db.select().from(auditLog).where(eq(auditLog.action, 'person.exported'))).toEqual([])
  })
})

/** A one-seat class held by Paulus, a person waiting for it whose chat is linked, and a consent. */
async function crowd(db: Db, seed: StatusSeed, now: Date) {
  await db.update(bimtekSessions).set({ capacity: 1 }).where(eq(bimtekSessions.id, seed.session))
  const waiter = written(await db.insert(people).values({ fullName: 'Wati Menunggu' }).returning({ id: people.id })).id
  await db.insert(registrations).values({
    code: 'BMT-WAIT22',
    sessionId: seed.session,
    personId: waiter,
    status: 'waitlisted',
    waitlistedAt: new Date(now.getTime() - HOUR),
  })
  await db.insert(channelIdentities).values({
    channel: 'telegram',
    userId: 'wati',
    chatId: 'wati-chat',
    personId: waiter,
    linkedAt: now,
    linkExpiresAt: new Date(now.getTime() + 180 * DAY),
  })
  await db.insert(consentRecords).values({
    personId: seed.paulus,
    channel: 'console',
    chatId: 'paulus',
    purpose: 'registration',
    textVersion: 'v1',
    granted: true,
    recordedAt: now,
  })
  await db.insert(exams).values({
    personId: seed.paulus,
    kind: 'wawancara',
    mode: 'daring',
    startsAt: new Date(now.getTime() + 40 * DAY),
    timeZone: 'Asia/Jayapura',
  })
  return { waiter }
}

describe('data saya: deletion', () => {
  it('after "ya": the person, history, exams, registrations and consents are gone; certificates stay; the seat goes on', async () => {
    const { core, clock, seed, db } = await open()
    const { waiter } = await crowd(db, seed, clock.now())
    const c = chat(core.engine, 'paulus')
    await prove(c, PAULUS.nik, PAULUS.birthDate, 'data saya')
    const question = await c.choose('data:delete')
    expect(textOf(question)).toContain('⚠️ Hapus semua data pribadi Anda?')
    expect(question.at(-1)?.choices?.map((choice) => choice.id)).toEqual(['datadel:yes', 'datadel:no'])
    // Nothing happens before the answer.
    expect((await db.select().from(people).where(eq(people.id, seed.paulus)).limit(1))[0]).toBeDefined()

    expect(textOf(await c.say('ya'))).toContain('Data pribadi Anda sudah dihapus, dan akun chat ini tidak lagi terhubung.')
    expect((await db.select().from(people).where(eq(people.id, seed.paulus)).limit(1))[0]).toBeUndefined()
    expect(await rowsOf(db, certificationStages, seed.paulus)).toBe(0)
    expect(await rowsOf(db, exams, seed.paulus)).toBe(0)
    expect(await rowsOf(db, registrations, seed.paulus)).toBe(0)
    expect(await db.select().from(consentRecords)).toEqual([])
    // The certificate is a public record: it stays, without the link to the person.
    expect(await db.select().from(certificates)).toMatchObject([{ displayNumber: PAULUS.certificate, personId: null }])
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, 'person.deleted'))
    expect(audit).toMatchObject([
      { actor: expect.stringMatching(/^chat:console:[0-9a-f]{16}$/), entity: 'person', entityId: String(seed.paulus) },
    ])
    // The chat is no longer linked; the record of the chat account itself holds nobody.
    expect(await personOfChat(db, 'console', 'paulus', clock.now())).toBeUndefined()
    expect(textOf(await c.say('status'))).toContain(ASK_NIK)

    // The seat Paulus held is offered to the person waiting, in their chat.
    expect((await db.select().from(registrations).where(eq(registrations.personId, waiter)).limit(1))[0]?.status).toBe('offered')
    const offers = await db.select().from(outbox).where(eq(outbox.kind, 'seat_offer'))
    expect(offers).toMatchObject([{ channel: 'telegram', chatId: 'wati-chat', personId: waiter }])

    // Ratna is untouched.
    expect(await rowsOf(db, certificationStages, seed.ratna)).toBe(5)
    // Proving again as Paulus now fails like any unknown NIK.
    await c.say('batal')
    expect(textOf(await prove(c, PAULUS.nik, PAULUS.birthDate))).toContain(wrongCode(4))
  })

  it('a conversation with staff from the linked chat is part of the data: counted, in the copy (notes left out), deleted with the rest', async () => {
    const { core, seed, db } = await open()
    const c = chat(core.engine, 'paulus')
    await prove(c, PAULUS.nik, PAULUS.birthDate)
    for (const answer of [
      'petugas',
      '2',
      'sertifikat saya belum sampai, mohon dicek',
      'Paulus Wenda',
      '0813-1111-2222',
      'Papua',
      'ya',
    ]) {
      await c.say(answer)
    }
    const [request] = await db.select().from(handoffRequests)
    expect(request).toMatchObject({ personId: seed.paulus, status: 'waiting' })
    const code = request?.code ?? ''
    const pdf = new TextEncoder().encode('%PDF-1.4 surat keterangan')
    await core.engine.handle({
      channel: 'console',
      chatId: 'paulus',
      userId: 'paulus',
      messageId: 'pdf-1',
      text: 'ini suratnya',
      media: { kind: 'pdf', mimeType: 'application/pdf', fileName: 'surat.pdf', bytes: pdf },
      receivedAt: new Date(),
    })
    const admin = { staff: { id: 1, name: 'Rina Wulandari', role: 'admin' as const, region: null } }
    await statement(
      db,
      "insert into staff (id, name, email, role, created_at, updated_at) values (1, 'Rina Wulandari', 'rina@kemensos.go.id', 'admin', 0, 0)",
    ).run()
    await core.handoffs.actions.reply(code, admin, 'Sertifikat Bapak dikirim minggu depan.', 'console')
    await core.handoffs.actions.note(code, admin, 'Cek ulang alamat kirim', 'console')
    await core.handoffs.actions.close(code, admin, 'console')

    expect(textOf(await c.say('data saya'))).toContain('Percakapan dengan petugas: 1 (2 pesan, 1 berkas)')
    const copy = (await c.choose('data:export')).find((reply) => reply.attachment)?.attachment
    const exported = JSON.parse(new TextDecoder().decode(copy?.bytes)) as {
      handoffRequests: {
        code: string
        question: string
        messages: { from: string; staffFirstName?: string; text: string; file?: { name: string; base64: string } }[]
      }[]
    }
    expect(exported.handoffRequests).toMatchObject([
      {
        code,
        question: 'sertifikat saya belum sampai, mohon dicek',
        messages: [
          { from: 'anda', text: 'ini suratnya', file: { name: 'surat.pdf', base64: Buffer.from(pdf).toString('base64') } },
          { from: 'petugas', staffFirstName: 'Rina', text: 'Sertifikat Bapak dikirim minggu depan.' },
        ],
      },
    ])
    expect(JSON.stringify(exported)).not.toContain('alamat kirim')
    await c.choose('data:delete')
    await c.say('ya')
    expect(await db.select().from(handoffRequests)).toEqual([])
    for (const table of ['handoff_messages', 'handoff_attachments']) {
      expect(await statement(db, `select count(*) as n from ${table}`).get(), table).toEqual({ n: 0 })
    }
  })

  it('"tidak" keeps everything', async () => {
    const { core, clock, seed, db } = await open()
    await crowd(db, seed, clock.now())
    const snapshot = async () => ({
      people: await db.select().from(people),
      stages: await db.select().from(certificationStages),
      exams: await db.select().from(exams),
      registrations: await db.select().from(registrations),
      certificates: await db.select().from(certificates),
      consents: await db.select().from(consentRecords),
      outbox: await db.select().from(outbox),
    })
    const c = chat(core.engine, 'paulus')
    await prove(c, PAULUS.nik, PAULUS.birthDate)
    const before = snapshot()
    expect(textOf(await c.say('hapus data'))).toContain('⚠️ Hapus semua data pribadi Anda?')
    expect(textOf(await c.say('tidak'))).toBe('Baik, data Anda tidak dihapus.')
    expect(await snapshot()).toEqual(await before)
    expect(await db.select().from(auditLog).where(eq(auditLog.action, 'person.deleted'))).toEqual([])
    expect(await personOfChat(db, 'console', 'paulus', clock.now())).toBe(seed.paulus)
  })

  it('"hapus data" typed by an unlinked chat asks for proof first, and deletes nothing before confirmation', async () => {
    const { core, seed, db } = await open()
    const c = chat(core.engine, 'paulus')
    expect(textOf(await c.say('hapus data'))).toContain(ASK_NIK)
    await c.say('batal')
    const summary = await prove(c, PAULUS.nik, PAULUS.birthDate, 'hapus data')
    expect(textOf(summary)).toContain('*Data Anda yang kami simpan*')
    expect(textOf(summary)).not.toContain('⚠️')
    expect((await db.select().from(people).where(eq(people.id, seed.paulus)).limit(1))[0]).toBeDefined()
    expect(textOf(await c.say('hapus data'))).toContain('⚠️ Hapus semua data pribadi Anda?')
    expect(textOf(await c.say('ya'))).toContain('Data pribadi Anda sudah dihapus')
    expect((await db.select().from(people).where(eq(people.id, seed.paulus)).limit(1))[0]).toBeUndefined()
  })

  it('a "yes" button tapped by an unlinked chat deletes nothing', async () => {
    const { core, db } = await open()
    const replies = await chat(core.engine, 'stranger').choose('datadel:yes')
    expect(textOf(replies)).toContain('belum terhubung')
    expect((await db.select({ n: count() }).from(people).limit(1))[0]?.n).toBe(2)
  })

  it('unlinking keeps the record and needs proof again', async () => {
    const { core, seed, db, clock } = await open()
    const c = chat(core.engine, 'ratna')
    await prove(c, RATNA.nik, RATNA.birthDate, 'data saya')
    expect(textOf(await c.choose('data:unlink'))).toContain('tidak lagi terhubung')
    expect(await personOfChat(db, 'console', 'ratna', clock.now())).toBeUndefined()
    expect((await db.select().from(people).where(eq(people.id, seed.ratna)).limit(1))[0]).toBeDefined()
    expect(textOf(await c.say('status'))).toContain(ASK_NIK)
  })
})

describe('nothing tells whether a NIK is on record', () => {
  /** The full replies of a fresh chat's attempt, choices and all, up to a made-up code. */
  const attempt = async (engine: Engine, id: string, identifier: string, birthDate: string, over: Partial<Inbound> = {}) => {
    const c = chat(engine, id, over)
    const steps = [await c.say('status'), await c.say(identifier), await c.say(birthDate)]
    steps.push(await c.choose('proof:code'), await c.say('123456'))
    return steps
  }

  it('unknown NIK and wrong birth date: the same replies at every step', async () => {
    const { core } = await open()
    const unknown = await attempt(core.engine, 'a', UNKNOWN_NIK, RATNA.birthDate)
    const wrongDate = await attempt(core.engine, 'b', RATNA.nik, '13-03-1986')
    expect(unknown).toEqual(wrongDate)
    // The claim that matched but has no factor reads the same too: Paulus's NIK and birth date,
    // from a chat that is not his number (a KTP copy), up to a code he alone receives.
    const ktpCopy = await attempt(core.engine, 'k', PAULUS.nik, PAULUS.birthDate)
    expect(ktpCopy).toEqual(unknown)
    expect(textOf(unknown[2] ?? [])).toContain('Jika data cocok, saya perlu satu bukti lagi')
    expect(textOf(unknown[4] ?? [])).toContain(`⚠️ ${wrongCode(4)}`)
    // The same for registration codes, and for a NIK whose person has no birth date on record.
    const unknownCode = await attempt(core.engine, 'c', 'BMT-ZZZZZZ', PAULUS.birthDate)
    const wrongCodeDate = await attempt(core.engine, 'd', PAULUS.code, '24-11-1979')
    expect(unknownCode).toEqual(unknown)
    expect(wrongCodeDate).toEqual(unknown)
  })

  it('also through "data saya", and the lock comes at the same count either way', async () => {
    const { core } = await open()
    const a = chat(core.engine, 'a')
    const b = chat(core.engine, 'b')
    for (let i = 0; i < MAX_FAILURES; i++) {
      const one = await prove(a, UNKNOWN_NIK, RATNA.birthDate, 'data saya')
      const other = await prove(b, RATNA.nik, '13-03-1986', 'data saya')
      expect(one).toEqual(other)
    }
  })

  it('on WhatsApp a wrong birth date by the number on record reads like any mismatch (to the owner of that number)', async () => {
    const { core } = await open()
    const byPhone = chat(core.engine, '6289911110001@s.whatsapp.net', { channel: 'whatsapp', senderPhone: RATNA.phone })
    await byPhone.say('status')
    expect(textOf(await byPhone.say('01-01-1990'))).toBe(mismatch(4))
  })
})
