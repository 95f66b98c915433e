/**
 * The registration's kabupaten/kota step checks the answer against the province given before, with idn-area-data's
 * list (issue 20: "also for validating kabupaten/kota in registration"): the official name is stored, another
 * province's regency is refused saying where it is, a typo gets the nearest names.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { people } from '../../src/db/schema.js'
import { type Chat, chat, textOf } from '../support/chat.js'
import { fakeClock, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'
import { SITI } from '../transcripts/registration.js'

let core: Awaited<ReturnType<typeof testCore>>
let sessionId: number

beforeEach(async () => {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now })
  sessionId = await addSession(core.db, clock.now(), { code: 'BDG', title: 'Bimtek Bandung', region: 'R2', provinceCode: '32' })
})

afterEach(() => closeDatabase(core.db))

/** Registration up to the kabupaten/kota question, working in `province`. */
async function atRegency(id: string, province: string): Promise<Chat> {
  const c = chat(core.engine, id)
  for (const text of ['daftar', 'ya', SITI.name, SITI.nik, SITI.birthDate, '081234567890', province]) await c.say(text)
  return c
}

describe('the kabupaten/kota step', () => {
  it('"garut" in Jawa Barat is stored as Kabupaten Garut, shown so in the summary', async () => {
    const c = await atRegency('garut-jabar', 'Jawa Barat')
    expect(textOf(await c.say('garut'))).toContain('Langkah 8 dari 10')
    await c.choose('profesi:pekerja-sosial')
    await c.say('Dinas Sosial Kabupaten Garut')
    const summary = textOf(await c.choose(`session:${sessionId}`))
    expect(summary).toContain('• Kabupaten/kota: Kabupaten Garut')
    expect(textOf(await c.say('ya'))).toContain('Pendaftaran berhasil')
    expect(
      (await core.db.select({ regency: people.regency }).from(people).where(eq(people.fullName, SITI.name)).limit(1))[0],
    ).toEqual({
      regency: 'Kabupaten Garut',
    })
  })

  it('"garut" in Jawa Tengah is refused, saying where Garut is', async () => {
    const c = await atRegency('garut-jateng', 'Jawa Tengah')
    const text = textOf(await c.say('garut'))
    expect(text).toContain(
      '⚠️ Kabupaten Garut ada di Jawa Barat, bukan di Jawa Tengah. Ketik nama kabupaten/kota di Jawa Tengah, atau ubah provinsi di ringkasan.',
    )
    expect(text).toContain('Langkah 7 dari 10')
    expect(textOf(await c.say('kab banyumas'))).toContain('Langkah 8 dari 10')
  })

  it('a typo: one letter off in a longer name is taken; a short or farther one gets the nearest names', async () => {
    const c = await atRegency('garut-typo', 'Jawa Barat')
    const refused = textOf(await c.say('grut'))
    expect(refused).toContain('⚠️ Kabupaten/kota itu tidak ada di Jawa Barat. Maksud Anda: Kabupaten Garut')
    expect(refused).toContain('Langkah 7 dari 10')
    expect(textOf(await c.say('Kab. Tasikmalay'))).toContain('Langkah 8 dari 10')
    await c.choose('profesi:pekerja-sosial')
    await c.say('Dinas Sosial')
    expect(textOf(await c.choose(`session:${sessionId}`))).toContain('• Kabupaten/kota: Kabupaten Tasikmalaya')
  })

  it('in English', async () => {
    const c = chat(core.engine, 'garut-en')
    await c.say('english')
    for (const text of ['2', 'yes', SITI.name, SITI.nik, SITI.birthDate, '081234567890', 'Jawa Tengah']) await c.say(text)
    expect(textOf(await c.say('garut'))).toContain('Kabupaten Garut is in Jawa Barat, not in Jawa Tengah.')
  })

  it('the province changed from the summary to one without that kabupaten: the kabupaten/kota is asked again', async () => {
    const c = await atRegency('garut-edit', 'Jawa Barat')
    await c.say('garut')
    await c.choose('profesi:pekerja-sosial')
    await c.say('Dinas Sosial')
    await c.choose(`session:${sessionId}`)
    await c.choose('confirm:edit')
    await c.choose('edit:province')
    const asked = textOf(await c.say('Jawa Tengah'))
    expect(asked).toContain('⚠️ Kabupaten Garut ada di Jawa Barat, bukan di Jawa Tengah.')
    expect(asked).toContain('Di kabupaten/kota mana Anda bertugas?')
    const summary = textOf(await c.say('kota semarang'))
    expect(summary).toContain('• Provinsi: Jawa Tengah')
    expect(summary).toContain('• Kabupaten/kota: Kota Semarang')
  })
})
