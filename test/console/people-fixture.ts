/**
 * Two people for the Peserta tests (console and browser), put in as the status import puts them:
 * Budi Santoso (Jawa Barat, R2; a linked Telegram chat; registration BMT-K7Q2X9 in a Bandung Bimtek)
 * and Siti Aminah (Jawa Tengah, R3), with an exam each the day after the fixture clock's day.
 */

import { asc } from 'drizzle-orm'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus } from '../../src/core/status/import.js'
import { written } from '../../src/db/client.js'
import { bimtekSessions, channelIdentities, exams, people, registrations } from '../../src/db/schema.js'
import { statusFile, WOMAN } from '../support/status-csv.js'
import type { consoleFixture } from './support.js'

export async function seedPeople(f: Awaited<ReturnType<typeof consoleFixture>>) {
  const result = await importStatus(
    f.core.db,
    statusFile({}, { ...WOMAN, phone: '0813-1111-2222', province: 'Jawa Tengah', regency: 'Kota Semarang', stage: 'terdaftar' }),
    { actor: 'test', vault: f.core.vault, now: f.clock.now(), reminders: DEFAULT_REMINDER_SETTINGS },
  )
  if (!result.ok) throw new Error('seed import failed')
  const ids = await f.core.db.select({ id: people.id, name: people.fullName }).from(people).orderBy(asc(people.id))
  const budi = ids.find((p) => p.name === 'Budi Santoso')?.id ?? -1
  const siti = ids.find((p) => p.name === 'Siti Aminah')?.id ?? -1
  const now = f.clock.now()
  await f.core.db.insert(channelIdentities).values({
    channel: 'telegram',
    userId: '700123456',
    chatId: '700123456',
    personId: budi,
    linkedAt: now,
    linkExpiresAt: new Date(now.getTime() + 365 * 86_400_000),
  })
  const session = written(
    await f.core.db
      .insert(bimtekSessions)
      .values({
        code: 'BMT-R2-01',
        title: 'Bimtek Pekerja Sosial Bandung',
        targetGroup: 'pekerja sosial',
        regionId: 2,
        mode: 'tatap_muka',
        startsAt: new Date('2026-12-01T02:00:00Z'),
        endsAt: new Date('2026-12-03T09:00:00Z'),
        timeZone: 'Asia/Jakarta',
        capacity: 30,
        registrationOpensAt: new Date('2026-11-01T00:00:00Z'),
        registrationClosesAt: new Date('2026-11-30T00:00:00Z'),
      })
      .returning({ id: bimtekSessions.id }),
  )
  await f.core.db.insert(registrations).values({ code: 'BMT-K7Q2X9', sessionId: session.id, personId: budi, status: 'confirmed' })
  for (const [personId, code] of [
    [budi, 'UJK-BUDI'],
    [siti, 'UJK-SITI'],
  ] as const) {
    const startsAt = new Date(now.getTime() + 86_400_000)
    await f.core.db
      .insert(exams)
      .values({ personId, code, kind: 'ujian_kognitif', mode: 'daring', startsAt, timeZone: 'Asia/Jakarta' })
  }
  return { budi, siti }
}
