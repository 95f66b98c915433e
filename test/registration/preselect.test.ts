/**
 * registration.start with something preselected (issue 20): "mau daftar bimtek yg di medan" starts the registration
 * with the province offered and the Medan session first; a schedule's `Daftar:` choice starts it with that session
 * first; when none of what was asked for is open, the nearest sessions and a way to register anyway.
 * Reference moment: Monday 2026-12-07 10.00 WIB.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EngineTools } from '../../src/core/engine.js'
import { continueFlow } from '../../src/core/flows/flow.js'
import { createHandoffFlow } from '../../src/core/flows/handoff.js'
import { createWorkingCalendar } from '../../src/core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS } from '../../src/core/handoff/settings.js'
import { createProof } from '../../src/core/identity/proof.js'
import { createRegistrationFlow, type RegistrationFlow } from '../../src/core/registration/flow.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { FlowPosition, Outcome, TurnContext, UserInput } from '../../src/core/turn.js'
import type { Language, Reply } from '../../src/core/types.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { registrations } from '../../src/db/schema.js'
import { inbound, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'
import { SITI } from '../transcripts/registration.js'

const NOW = new Date('2026-12-07T03:00:00Z')
const DAY = 86_400_000
const MEDAN = { regency: 'Kota Medan', province: 'Sumatera Utara', provinceCode: '12', region: 'R1' }
const tools: EngineTools = {
  startFeature: () => {
    throw new Error('no menu entry is started here')
  },
}

let core: Awaited<ReturnType<typeof testCore>>
let registration: RegistrationFlow
let ids: { bandung: number; medan: number; makassar: number }
/** The chat's language for every turn of a test. */
let lang: Language

beforeEach(async () => {
  lang = 'id'
  core = await testCore({ clock: () => NOW })
  const handoff = createHandoffFlow({ contact: 'sekretariat', calendar: createWorkingCalendar(DEFAULT_HANDOFF_SETTINGS) })
  const reminders = DEFAULT_REMINDER_SETTINGS
  const proof = createProof({ vault: core.vault, reminders, linkDays: 30, codeChannelReady: () => false, handoff })
  registration = createRegistrationFlow({ vault: core.vault, offerHours: 12, reminders, proof, linkDays: 30 })
  ids = {
    // The soonest, and in the home region of someone working in Jawa Barat.
    bandung: await addSession(core.db, NOW, {
      code: 'BDG',
      title: 'Bimtek Bandung',
      region: 'R2',
      provinceCode: '32',
      startsAt: new Date('2026-12-14T02:00:00Z'),
    }),
    medan: await addSession(core.db, NOW, {
      code: 'MDN',
      title: 'Bimtek Medan',
      region: 'R1',
      provinceCode: '12',
      startsAt: new Date('2026-12-21T02:00:00Z'),
    }),
    makassar: await addSession(core.db, NOW, {
      code: 'MKS',
      title: 'Bimtek Makassar',
      region: 'R5',
      provinceCode: '73',
      startsAt: new Date('2026-12-16T01:00:00Z'),
    }),
  }
})

afterEach(() => closeDatabase(core.db))

const ctx = (): TurnContext => ({ inbound: inbound('x'), lang, now: NOW, db: core.db })
const last = (replies: Reply[]) => {
  const reply = replies.at(-1)
  if (!reply) throw new Error('no reply')
  return reply
}

/** Answers the flow's steps as the engine would pass them (a chosen option's id, or the typed text). */
async function answer(outcome: Outcome, input: UserInput): Promise<Outcome> {
  const position = outcome.next as FlowPosition | null
  if (!position) throw new Error(`the flow ended: ${outcome.replies.map((r) => r.text).join('\n')}`)
  const next = await continueFlow(registration.flow, position, input, ctx())
  expect(next.replies.map((r) => r.text).join('\n'), `after ${JSON.stringify(input)}`).not.toContain('⚠️')
  return next
}

/** Consent to the province step. */
async function upToProvince(started: Outcome): Promise<Outcome> {
  let outcome = started
  for (const text of ['ya', SITI.name, SITI.nik, SITI.birthDate, '081234567890']) outcome = await answer(outcome, { text })
  return outcome
}

/** The profession and the institution, up to the session step. */
const upToSession = async (outcome: Outcome) =>
  await answer(await answer(outcome, { text: '1', choice: 'profesi:pekerja-sosial' }), { text: 'Dinas Sosial' })

describe('registration.startWith', () => {
  it('"mau daftar bimtek yg di medan": the province and the kota offered from the message, the Medan session first', async () => {
    const started = await registration.startWith(ctx(), MEDAN)
    expect(last(started.replies).text).toContain('Apakah Anda setuju?')

    const province = await upToProvince(started)
    expect(last(province.replies).choices).toEqual([{ id: 'province:12', label: 'Sumatera Utara (dari pesan Anda)' }])
    const regency = await answer(province, { text: '1', choice: 'province:12' })
    expect(last(regency.replies).text).toContain('Di kabupaten/kota mana Anda bertugas?')
    expect(last(regency.replies).choices?.map((c) => c.label)).toEqual(['Kota Medan (dari pesan Anda)'])

    const regencyChoice = last(regency.replies).choices?.[0]?.id ?? ''
    const session = await upToSession(await answer(regency, { text: '1', choice: regencyChoice }))
    const prompt = last(session.replies)
    expect(prompt.text).toContain('Sesi di Kota Medan (Sumatera Utara) ada di nomor 1.')
    expect(prompt.choices?.[0]?.id).toBe(`session:${ids.medan}`)
    expect(session.next?.fields.regency).toBe('Kota Medan')
  })

  it('the province offered is only a suggestion: another one typed is taken, the preferred session still first', async () => {
    const province = await upToProvince(await registration.startWith(ctx(), MEDAN))
    const regency = await answer(province, { text: 'Jawa Barat' })
    // Kota Medan is not in Jawa Barat: not offered.
    expect(last(regency.replies).choices).toBeUndefined()
    const session = await upToSession(await answer(regency, { text: 'garut' }))
    expect(
      last(session.replies)
        .choices?.slice(0, 2)
        .map((c) => c.id),
    ).toEqual([`session:${ids.medan}`, `session:${ids.bandung}`])
  })

  it('a month and a mode: the sessions that fit them first, said in the prompt', async () => {
    const online = await addSession(core.db, NOW, {
      code: 'ON-JAN',
      title: 'Bimtek Daring Januari',
      region: 'R5',
      mode: 'daring',
      startsAt: new Date('2027-01-12T02:00:00Z'),
    })
    const started = await registration.startWith(ctx(), { mode: 'daring', month: '2027-01' })
    const session = await upToSession(
      await answer(await answer(await upToProvince(started), { text: 'Jawa Barat' }), { text: 'garut' }),
    )
    expect(last(session.replies).text).toContain('Sesi daring pada Januari 2027 ada di nomor 1.')
    expect(last(session.replies).choices?.[0]?.id).toBe(`session:${online}`)
  })

  it('no preferred session open: the nearest ones and a way to register anyway, no data asked', async () => {
    const outcome = await registration.startWith(ctx(), { province: 'Papua', provinceCode: '91', region: 'R6' })
    expect(outcome.next).toBeNull()
    expect(outcome.replies[0]?.text).toBe('Belum ada sesi Bimtek di Papua yang sedang dibuka pendaftarannya.')
    expect(last(outcome.replies).text).toContain('Yang terdekat (di seluruh Indonesia):')
    expect(last(outcome.replies).choices?.at(-1)).toEqual({ id: 'menu:daftar', label: 'Tetap daftar (pilih sesi lain)' })
  })

  it("nothing open at all: the menu's own answer", async () => {
    await statement(core.db, 'update bimtek_sessions set registration_closes_at = ?').run(NOW.getTime() - DAY)
    const outcome = await registration.startWith(ctx(), MEDAN)
    expect(outcome).toEqual({
      replies: [{ text: expect.stringContaining('Saat ini belum ada sesi Bimtek yang dibuka') }],
      next: null,
    })
  })

  it('in English', async () => {
    lang = 'en'
    const province = await upToProvince(await registration.startWith(ctx(), MEDAN))
    expect(last(province.replies).choices?.[0]?.label).toBe('Sumatera Utara (from your message)')
    const session = await upToSession(
      await answer(await answer(province, { text: '1', choice: 'province:12' }), { text: 'Kota Medan' }),
    )
    expect(last(session.replies).text).toContain('The session in Kota Medan (Sumatera Utara) is option 1.')
  })
})

describe('the schedule\'s "Daftar:" choice (daftar:session:<id>)', () => {
  const action = () => {
    const found = registration.actions.find((a) => `daftar:session:${ids.medan}`.startsWith(a.prefix))
    if (!found) throw new Error('no daftar:session: action')
    return found
  }

  it('starts the registration with that session preselected, and registers the person for it', async () => {
    const started = await action().handle(ctx(), `daftar:session:${ids.medan}`, tools)
    expect(last(started.replies).text).toContain('Apakah Anda setuju?')
    const province = await upToProvince(started)
    expect(last(province.replies).choices?.[0]?.label).toBe('Sumatera Utara (dari pesan Anda)')
    // Someone from Jawa Barat: Bandung is sooner and in their region, yet the chosen session is option 1.
    const session = await upToSession(await answer(await answer(province, { text: 'Jawa Barat' }), { text: 'garut' }))
    expect(last(session.replies).text).toContain('Sesi yang Anda pilih ada di nomor 1.')
    expect(last(session.replies).choices?.[0]?.id).toBe(`session:${ids.medan}`)

    const summary = await answer(session, { text: '1', choice: `session:${ids.medan}` })
    expect(last(summary.replies).text).toContain('• Sesi: Bimtek Medan')
    const done = await answer(summary, { text: '1', choice: 'confirm:yes' })
    expect(last(done.replies).text).toContain('Pendaftaran berhasil')
    const rows = await core.db.select().from(registrations).where(eq(registrations.sessionId, ids.medan))
    expect(rows).toHaveLength(1)
  })

  it('a session whose registration closed: told so, the nearest open ones, and a way to register anyway', async () => {
    await statement(core.db, 'update bimtek_sessions set registration_closes_at = ? where id = ?').run(
      NOW.getTime() - DAY,
      ids.medan,
    )
    const outcome = await action().handle(ctx(), `daftar:session:${ids.medan}`, tools)
    expect(outcome.next).toBeNull()
    expect(outcome.replies[0]?.text).toBe('Pendaftaran sesi itu sudah ditutup atau belum dibuka.')
    expect(last(outcome.replies).choices?.map((c) => c.id)).not.toContain(`daftar:session:${ids.medan}`)
    expect(last(outcome.replies).choices?.at(-1)?.id).toBe('menu:daftar')
  })

  it('an unknown session id: the same, never a flow for nothing', async () => {
    const outcome = await action().handle(ctx(), 'daftar:session:99999', tools)
    expect(outcome.next).toBeNull()
    expect(outcome.replies[0]?.text).toBe('Pendaftaran sesi itu sudah ditutup atau belum dibuka.')
  })
})
