/** Sessions files and registrations for the import, admin API and CLI tests. */

import { stringify } from 'csv-stringify/sync'
import { eq } from 'drizzle-orm'
import { SESSION_COLUMNS } from '../../src/core/sessions/import.js'
import type { Db } from '../../src/db/client.js'
import { written } from '../../src/db/client.js'
import { bimtekSessions, people, registrations } from '../../src/db/schema.js'

export type SessionRow = Partial<Record<(typeof SESSION_COLUMNS)[number], string>>

/** 'YYYY-MM-DD' `days` from today (UTC): keeps "upcoming" sessions upcoming whenever the tests run. */
export const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

/** A valid tatap-muka session in Makassar a month from now; override what a test is about. */
export const SESSION: Required<SessionRow> = {
  code: 'BMT-MKS-01',
  title: 'Bimtek Sertifikasi Penyuluh Sosial',
  target_group: 'penyuluh sosial',
  region: 'R5',
  mode: 'tatap_muka',
  venue: 'BBPPKS Makassar, Jl. A. P. Pettarani',
  map_url: 'https://maps.app.goo.gl/example',
  meeting_url: '',
  province: '73',
  starts_at: `${day(30)} 09:00`,
  ends_at: `${day(31)} 16:00`,
  capacity: '60',
  registration_opens_at: `${day(1)} 08:00`,
  registration_closes_at: `${day(25)} 23:59`,
}

/** A sessions file: the header, then each row as SESSION with the given overrides. */
export function sessionsFile(...rows: SessionRow[]): string {
  return stringify(
    rows.map((row) => SESSION_COLUMNS.map((column) => row[column] ?? SESSION[column])),
    { header: true, columns: [...SESSION_COLUMNS] },
  )
}

let registrationCount = 0

/** Registers new people for the session `code` directly in the database, one per status given. */
export async function addRegistrations(
  db: Db,
  code: string,
  statuses: (typeof registrations.$inferInsert)['status'][],
): Promise<void> {
  const session = (await db.select().from(bimtekSessions).where(eq(bimtekSessions.code, code)).limit(1))[0]
  if (!session) throw new Error(`no session ${code}`)
  for (const status of statuses) {
    registrationCount += 1
    const person = written(
      await db
        .insert(people)
        .values({ fullName: `Peserta ${registrationCount}`, phoneE164: `+62811000${String(registrationCount).padStart(5, '0')}` })
        .returning({ id: people.id }),
    )
    await db
      .insert(registrations)
      .values({ code: `REG-T${registrationCount}`, sessionId: session.id, personId: person.id, status })
  }
}
