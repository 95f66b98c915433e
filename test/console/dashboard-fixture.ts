/**
 * A small dataset for the dashboard tests whose every number is worked out by hand below, and the
 * dashboard's routes mounted as the console will mount them, with a stand-in for its layout.
 */
import { Hono } from 'hono'
import { type Db, openDatabase } from '../../src/db/client.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import { dashboardRoutes } from '../../src/web/console/dashboard.js'
import type { ConsoleEnv, Staff } from '../../src/web/console/env.js'

/** 10:00 WIB on Monday 23 November 2026: the default range is 25 October – 23 November. */
export const NOW = new Date('2026-11-23T03:00:00Z')
const DAY = 86_400_000
const at = (iso: string) => new Date(iso).getTime()

export const ADMIN: Staff = { id: 1, name: 'Admin Pusat', email: 'admin@example.id', role: 'admin', region: null }
export const REGIONAL_R2: Staff = { id: 2, name: 'Petugas Bandung', email: 'r2@example.id', role: 'regional', region: 'R2' }
export const VIEWER: Staff = { id: 3, name: 'Pemantau', email: 'lihat@example.id', role: 'viewer', region: null }

export async function emptyDb(): Promise<Db> {
  const db = openDatabase(':memory:')
  await ensureReferenceData(db)
  return db
}

/**
 * People (province → region): Ani 32 (R2), Bayu 32 (R2), Citra 13 (R1), Dodi 13 (R1), Eka without
 * province. Current stages: Ani seleksi_administrasi; Bayu ujian_kognitif (skipped the document
 * check); Citra belum_kompeten; Dodi kedaluwarsa; Eka terdaftar.
 * Sessions: BDG-1 (R2, in 5 days, 3 seats): Ani confirmed, Bayu offered, Citra waiting;
 * PDG-1 (R1, in 10 days, 2 seats): Dodi confirmed; BDG-0 (R2, 10 days ago): Eka cancelled.
 */
export async function knownDb(): Promise<Db> {
  const db = await emptyDb()
  const sql = db.$client
  const person = sql.prepare('insert into people (full_name, province_code) values (?, ?)')
  const ids = Object.fromEntries(
    (
      [
        ['Ani', '32'],
        ['Bayu', '32'],
        ['Citra', '13'],
        ['Dodi', '13'],
        ['Eka', null],
      ] as const
    ).map(([name, province]) => [name, Number(person.run(name, province).lastInsertRowid)]),
  ) as Record<'Ani' | 'Bayu' | 'Citra' | 'Dodi' | 'Eka', number>

  const stage = sql.prepare('insert into certification_stages (person_id, stage, reached_at) values (?, ?, ?)')
  const history = (id: number, stages: string[]) => {
    for (const [i, s] of stages.entries()) stage.run(id, s, at('2026-06-01T00:00:00Z') + i * DAY)
  }
  history(ids.Ani, ['terdaftar', 'seleksi_administrasi'])
  history(ids.Bayu, ['terdaftar', 'bimtek', 'ujian_kognitif'])
  history(ids.Citra, [
    'terdaftar',
    'seleksi_administrasi',
    'bimtek',
    'ujian_kognitif',
    'portofolio',
    'wawancara',
    'belum_kompeten',
  ])
  history(ids.Dodi, ['terdaftar', 'kompeten', 'sertifikat_terbit', 'kedaluwarsa'])
  history(ids.Eka, ['terdaftar'])
  // Two rows at the same moment: the later row is the current one.
  stage.run(ids.Ani, 'terdaftar', at('2026-06-01T00:00:00Z'))
  stage.run(ids.Ani, 'seleksi_administrasi', at('2026-06-02T00:00:00Z'))

  const region = (code: string) => (sql.prepare('select id from regions where code = ?').get(code) as { id: number }).id
  const session = sql.prepare(
    `insert into bimtek_sessions (code, title, target_group, region_id, mode, starts_at, ends_at, time_zone, capacity,
       registration_opens_at, registration_closes_at) values (?, ?, 'pekerja sosial', ?, 'tatap_muka', ?, ?, 'Asia/Jakarta', ?, 0, ?)`,
  )
  const addSession = (code: string, r: string, startsAt: number, capacity: number) =>
    Number(session.run(code, `Bimtek ${code}`, region(r), startsAt, startsAt + 8 * 3_600_000, capacity, startsAt).lastInsertRowid)
  const bdg1 = addSession('BDG-1', 'R2', NOW.getTime() + 5 * DAY, 3)
  const pdg1 = addSession('PDG-1', 'R1', NOW.getTime() + 10 * DAY, 2)
  const bdg0 = addSession('BDG-0', 'R2', NOW.getTime() - 10 * DAY, 20)

  const registration = sql.prepare(
    'insert into registrations (code, session_id, person_id, status, created_at) values (?, ?, ?, ?, ?)',
  )
  registration.run('REG-A', bdg1, ids.Ani, 'confirmed', at('2026-11-20T02:00:00Z'))
  registration.run('REG-B', bdg1, ids.Bayu, 'offered', at('2026-11-20T09:00:00Z'))
  // 21 November 23:30 WIB is 16:30 UTC: still the 21st.
  registration.run('REG-C', bdg1, ids.Citra, 'waitlisted', at('2026-11-21T16:30:00Z'))
  // 1 November 01:00 WIB is 31 October in UTC: counted in November (WIB) and on the 1st.
  registration.run('REG-D', pdg1, ids.Dodi, 'confirmed', at('2026-10-31T18:00:00Z'))
  registration.run('REG-E', bdg0, ids.Eka, 'cancelled', at('2026-10-20T03:00:00Z'))

  const outbox = sql.prepare(
    `insert into outbox (idempotency_key, channel, chat_id, person_id, kind, payload, due_at, status)
     values (?, ?, ?, ?, ?, '{"text":"x"}', ?, ?)`,
  )
  let key = 0
  const message = (channel: string, person: number | null, kind: string, due: string, status: string) =>
    outbox.run(`k${key++}`, channel, 'chat', person, kind, at(due), status)
  message('telegram', ids.Ani, 'reminder', '2026-11-22T01:00:00Z', 'sent')
  message('telegram', ids.Ani, 'reminder', '2026-11-22T02:00:00Z', 'late')
  message('whatsapp', ids.Citra, 'reminder', '2026-11-22T01:00:00Z', 'failed')
  // Being sent when the server stopped: its outcome is unknown, counted apart from the failed one.
  message('whatsapp', ids.Citra, 'reminder', '2026-11-22T03:00:00Z', 'unknown')
  message('whatsapp', ids.Dodi, 'reminder', '2026-11-21T01:00:00Z', 'skipped')
  message('whatsapp', ids.Bayu, 'seat_offer', '2026-11-22T05:00:00Z', 'sent')
  message('telegram', ids.Dodi, 'reminder', '2026-11-25T01:00:00Z', 'pending')
  message('telegram', ids.Ani, 'reminder', '2026-09-01T01:00:00Z', 'sent')
  message('telegram', null, 'identity_code', '2026-11-23T01:00:00Z', 'sent')

  // Handoffs by their own region (R1 and R2 in WIB; working hours Monday–Friday 08:00–16:00):
  // H1 R2 waiting; H2 no region, open, first reply after 60 working minutes; H3 R1 closed (reply 30,
  // closed 120, rated 4); H4 R1 open (from Ani, a person of R2: it counts for R1, the region that answers
  // it), filed Thursday 15:00, reply Friday 08:30 (90); H5 R1 closed,
  // filed Friday 15:30, reply Monday 08:15 (45), closed Monday 09:00 (90), rated 5; H6 R1 a phone-call
  // request from before (live = 0) closed in the range; H7 R2 filed and closed before the range.
  const handoff = sql.prepare(
    `insert into handoff_requests (code, channel, chat_id, person_id, name, topic, question, status, live, region_id,
       created_at, first_staff_reply_at, closed_at, rating) values (?, 'telegram', ?, ?, 'x', 't', 'q', ?, ?, ?, ?, ?, ?, ?)`,
  )
  const h = (
    code: string,
    person: number | null,
    status: string,
    regionCode: string | null,
    times: { created: string; reply?: string; closed?: string; rating?: number; live?: boolean },
  ) =>
    handoff.run(
      code,
      `c${code}`,
      person,
      status,
      times.live === false ? 0 : 1,
      regionCode && region(regionCode),
      at(times.created),
      times.reply ? at(times.reply) : null,
      times.closed ? at(times.closed) : null,
      times.rating ?? null,
    )
  h('H1', ids.Ani, 'waiting', 'R2', { created: '2026-11-23T02:00:00Z' })
  h('H2', null, 'open', null, { created: '2026-11-20T02:00:00Z', reply: '2026-11-20T03:00:00Z' })
  h('H3', ids.Citra, 'closed', 'R1', {
    created: '2026-11-16T02:00:00Z',
    reply: '2026-11-16T02:30:00Z',
    closed: '2026-11-16T04:00:00Z',
    rating: 4,
  })
  h('H4', ids.Ani, 'open', 'R1', { created: '2026-11-19T08:00:00Z', reply: '2026-11-20T01:30:00Z' })
  h('H5', ids.Dodi, 'closed', 'R1', {
    created: '2026-11-20T08:30:00Z',
    reply: '2026-11-23T01:15:00Z',
    closed: '2026-11-23T02:00:00Z',
    rating: 5,
  })
  h('H6', ids.Citra, 'closed', 'R1', { created: '2026-09-01T02:00:00Z', closed: '2026-11-10T02:00:00Z', live: false })
  h('H7', ids.Ani, 'closed', 'R2', {
    created: '2026-10-01T02:00:00Z',
    reply: '2026-10-01T03:00:00Z',
    closed: '2026-10-02T02:00:00Z',
    rating: 1,
  })

  const chat = sql.prepare('insert into conversation_states (channel, chat_id, updated_at) values (?, ?, ?)')
  chat.run('telegram', 'ta', at('2026-11-22T00:00:00Z'))
  chat.run('whatsapp', 'wc', at('2026-11-01T00:00:00Z'))
  chat.run('whatsapp', 'wd', at('2026-09-01T00:00:00Z'))
  chat.run('telegram', 'tx', at('2026-11-20T00:00:00Z'))
  const identity = sql.prepare('insert into channel_identities (channel, user_id, chat_id, person_id) values (?, ?, ?, ?)')
  identity.run('telegram', 'ta', 'ta', ids.Ani)
  identity.run('whatsapp', 'wc', 'wc', ids.Citra)
  identity.run('whatsapp', 'wd', 'wd', ids.Dodi)
  return db
}

/** The page as the layout would wrap it (the body is what the dashboard owns). */
export function dashboardApp(db: Db, staff: Staff, clock = () => NOW) {
  const app = new Hono<ConsoleEnv>()
  app.use('/admin/*', async (c, next) => {
    c.set('staff', staff)
    await next()
  })
  app.use('/admin', async (c, next) => {
    c.set('staff', staff)
    await next()
  })
  app.route(
    '/admin',
    dashboardRoutes({
      db,
      clock,
      render: (_c, page) =>
        `<!doctype html><html lang="id"><title>${page.title}</title><main><h1>${page.title}</h1>${page.body}</main></html>`,
    }),
  )
  return app
}

/** The text of a cell: tags dropped, entities of the escaping `html` template undone, spaces collapsed. */
const text = (markup: string) =>
  markup
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()

/** The rows (header row first) of the table whose caption starts with `caption`, as cell texts. */
export function tableRows(page: string, caption: string): string[][] {
  const start = page.indexOf(`<caption>${caption}`)
  if (start < 0) throw new Error(`no table "${caption}"`)
  const end = page.indexOf('</table>', start)
  return [...page.slice(start, end).matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1] ?? '')),
  )
}

/** The value of the figure labelled `label` in the numbers list. */
export function stat(page: string, label: string): string {
  const match = new RegExp(`<dt>${label}</dt><dd>([\\s\\S]*?)</dd>`).exec(page)
  if (!match) throw new Error(`no figure "${label}"`)
  return text((match[1] ?? '').replace(/<span class="note">[\s\S]*?<\/span>/, ''))
}
