/**
 * The demo dataset: loaded into an empty database outside production so a newcomer can try every
 * capability at once. Every row is flagged `is_demo`; session titles start with "[DEMO]" and
 * certificate numbers with "DEMO-". Dates are relative to the moment it is loaded.
 */

import { and, count, eq } from 'drizzle-orm'
import type { Db } from './client.js'
import { first } from './client.js'
import { writeAudit } from './queries/audit.js'
import { regionIdOfProvince } from './queries/handoff.js'
import {
  announcementRecipients,
  announcements,
  appMeta,
  bimtekSessions,
  type CertificationStage,
  certificates,
  certificationStages,
  channelIdentities,
  conversationStates,
  exams,
  handoffMessages,
  handoffRequests,
  outbox,
  people,
  regions,
  registrations,
} from './schema.js'
import { transaction } from './store.js'

const OFFSET_HOURS: Record<string, number> = { 'Asia/Jakarta': 7, 'Asia/Pontianak': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 }
const DAY = 86_400_000

/** The instant `days` from `now` (calendar days in that zone) at `hour`:`minute` local time. */
function localTime(now: Date, days: number, hour: number, timeZone: string, minute = 0): Date {
  const offset = OFFSET_HOURS[timeZone] ?? 7
  const local = new Date(now.getTime() + offset * 3_600_000 + days * DAY)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour - offset, minute))
}
const isoDay = (date: Date) => date.toISOString().slice(0, 10)
/** How long a demo chat stays linked: IDENTITY_LINK_DAYS' default. */
const DEMO_LINK_DAYS = 180

const SESSIONS = [
  {
    code: 'DEMO-BMT-PDG-01',
    region: 'R1',
    title: 'Bimtek Sertifikasi Pekerja Sosial',
    target: 'pekerja sosial',
    mode: 'tatap_muka',
    venue: 'BBPPKS Padang, Jl. Raya Padang-Bukittinggi, Padang',
    province: '13',
    in: 14,
    days: 2,
    capacity: 40,
    tz: 'Asia/Jakarta',
  },
  {
    code: 'DEMO-BMT-BDG-01',
    region: 'R2',
    title: 'Bimtek Sertifikasi Pendamping PKH',
    target: 'pendamping PKH',
    mode: 'tatap_muka',
    venue: 'BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang',
    province: '32',
    in: 21,
    days: 4,
    capacity: 120,
    tz: 'Asia/Jakarta',
  },
  {
    code: 'DEMO-BMT-YOG-01',
    region: 'R3',
    title: 'Bimtek Sertifikasi Relawan Sosial (daring)',
    target: 'relawan sosial',
    mode: 'daring',
    venue: null,
    province: null,
    in: 10,
    days: 2,
    capacity: 3,
    tz: 'Asia/Jakarta',
  },
  {
    code: 'DEMO-BMT-SBY-01',
    region: 'R3',
    title: 'Bimtek Sertifikasi Pekerja Sosial (kelas kecil)',
    target: 'pekerja sosial',
    mode: 'tatap_muka',
    venue: 'Dinas Sosial Provinsi Jawa Timur, Jl. Gayung Kebonsari No. 56, Surabaya',
    province: '35',
    in: 24,
    days: 2,
    capacity: 2,
    tz: 'Asia/Jakarta',
  },
  {
    code: 'DEMO-BMT-BJM-01',
    region: 'R4',
    title: 'Bimtek Sertifikasi TKS',
    target: 'TKS',
    mode: 'tatap_muka',
    venue: 'BBPPKS Banjarmasin, Jl. A. Yani Km 28, Banjarbaru',
    province: '63',
    in: 28,
    days: 3,
    capacity: 50,
    tz: 'Asia/Makassar',
  },
  {
    code: 'DEMO-BMT-MKS-01',
    region: 'R5',
    title: 'Bimtek Sertifikasi Penyuluh Sosial',
    target: 'penyuluh sosial',
    mode: 'tatap_muka',
    venue: 'BBPPKS Makassar, Jl. Andi Pangeran Pettarani, Makassar',
    province: '73',
    in: 35,
    days: 2,
    capacity: 60,
    tz: 'Asia/Makassar',
  },
  {
    code: 'DEMO-BMT-JPR-01',
    region: 'R6',
    title: 'Bimtek Sertifikasi Pekerja Sosial',
    target: 'pekerja sosial',
    mode: 'tatap_muka',
    venue: 'BBPPKS Jayapura, Jl. Raya Abepura, Jayapura',
    province: '91',
    in: 42,
    days: 2,
    capacity: 30,
    tz: 'Asia/Jayapura',
  },
] as const

type DemoPerson = {
  name: string
  stage: CertificationStage
  birthDate: string
  phone: string
  province: string
  regency: string
  group: string
  tz: string
}

const PEOPLE: DemoPerson[] = [
  {
    name: 'Sari Wulandari',
    stage: 'terdaftar',
    birthDate: '1992-03-14',
    phone: '+6281100000001',
    province: '32',
    regency: 'Kota Bandung',
    group: 'relawan sosial',
    tz: 'Asia/Jakarta',
  },
  {
    name: 'Budi Santoso',
    stage: 'seleksi_administrasi',
    birthDate: '1985-11-02',
    phone: '+6281100000002',
    province: '35',
    regency: 'Kabupaten Malang',
    group: 'TKS',
    tz: 'Asia/Jakarta',
  },
  {
    name: 'Rina Marlina',
    stage: 'bimtek',
    birthDate: '1990-07-21',
    phone: '+6281100000003',
    province: '13',
    regency: 'Kota Padang',
    group: 'pekerja sosial',
    tz: 'Asia/Jakarta',
  },
  {
    name: 'Ahmad Fauzi',
    stage: 'ujian_kognitif',
    birthDate: '1988-01-30',
    phone: '+6281100000004',
    province: '63',
    regency: 'Kota Banjarmasin',
    group: 'pendamping PKH',
    tz: 'Asia/Makassar',
  },
  {
    name: 'Dewi Lestari',
    stage: 'portofolio',
    birthDate: '1993-05-09',
    phone: '+6281100000005',
    province: '73',
    regency: 'Kota Makassar',
    group: 'pekerja sosial',
    tz: 'Asia/Makassar',
  },
  {
    name: 'Yohanes Wenda',
    stage: 'wawancara',
    birthDate: '1987-09-17',
    phone: '+6281100000006',
    province: '91',
    regency: 'Kota Jayapura',
    group: 'pekerja sosial',
    tz: 'Asia/Jayapura',
  },
  {
    name: 'Andi Pratama',
    stage: 'kompeten',
    birthDate: '1991-12-05',
    phone: '+6281100000007',
    province: '73',
    regency: 'Kabupaten Gowa',
    group: 'penyuluh sosial',
    tz: 'Asia/Makassar',
  },
  {
    name: 'Nurhayati',
    stage: 'belum_kompeten',
    birthDate: '1984-04-25',
    phone: '+6281100000008',
    province: '34',
    regency: 'Kabupaten Sleman',
    group: 'relawan sosial',
    tz: 'Asia/Jakarta',
  },
  {
    name: 'Siti Rahmawati Nasution',
    stage: 'sertifikat_terbit',
    birthDate: '1989-08-17',
    phone: '+6281100000009',
    province: '12',
    regency: 'Kota Medan',
    group: 'pekerja sosial',
    tz: 'Asia/Jakarta',
  },
  {
    name: 'I Made Wirawan',
    stage: 'kedaluwarsa',
    birthDate: '1980-02-11',
    phone: '+6281100000010',
    province: '51',
    regency: 'Kota Denpasar',
    group: 'relawan sosial',
    tz: 'Asia/Makassar',
  },
]

const PATH: CertificationStage[] = ['terdaftar', 'seleksi_administrasi', 'bimtek', 'ujian_kognitif', 'portofolio', 'wawancara']

/** The stages a person passed through to reach `stage`, oldest first. */
function history(stage: CertificationStage): CertificationStage[] {
  const index = PATH.indexOf(stage)
  if (index >= 0) return PATH.slice(0, index + 1)
  if (stage === 'kompeten' || stage === 'belum_kompeten') return [...PATH, stage]
  if (stage === 'sertifikat_terbit') return [...PATH, 'kompeten', stage]
  return [...PATH, 'kompeten', 'sertifikat_terbit', stage]
}

export type DemoSummary = { sessions: number; people: number; exams: number; certificates: number }

/** True when nothing a user or the secretariat loads is in the database yet. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [p] = await db.select({ n: count() }).from(people)
  const [s] = await db.select({ n: count() }).from(bimtekSessions)
  const [c] = await db.select({ n: count() }).from(certificates)
  return (p?.n ?? 0) + (s?.n ?? 0) + (c?.n ?? 0) === 0
}

/** The demo person's NIK: their province, regency/district 01/01, birth date DDMMYY, serial (i + 1). */
export function demoNik(index: number): string {
  const p = PEOPLE[index]
  if (!p) throw new RangeError(`no demo person ${index}`)
  const [year, month, day] = p.birthDate.split('-')
  return `${p.province}0101${day}${month}${year?.slice(2)}${String(index + 1).padStart(4, '0')}`
}

export const DEMO_PEOPLE_COUNT = () => PEOPLE.length

/** How NIKs are kept (the NIK vault): demo people get a NIK stored the same way as real ones. */
export type NikProtection = { hash(nik: string): string; encrypt(nik: string): string }

/** Loads the demo dataset in one transaction. Needs the reference regions. */
export async function loadDemoData(db: Db, now: Date, protect?: NikProtection): Promise<DemoSummary> {
  return await transaction(db, async (tx) => {
    const regionIds = new Map((await tx.select({ id: regions.id, code: regions.code }).from(regions)).map((r) => [r.code, r.id]))
    for (const s of SESSIONS) {
      const regionId = regionIds.get(s.region)
      if (regionId === undefined) throw new Error(`demo data needs region ${s.region}`)
      const startsAt = localTime(now, s.in, 8, s.tz)
      await tx.insert(bimtekSessions).values({
        code: s.code,
        title: `[DEMO] ${s.title}`,
        targetGroup: s.target,
        regionId,
        mode: s.mode,
        venue: s.venue,
        mapUrl: s.venue ? `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(s.venue)}` : null,
        meetingUrl: s.mode === 'daring' ? 'https://zoom.us/j/0000000000 (contoh)' : null,
        provinceCode: s.province,
        startsAt,
        endsAt: localTime(now, s.in + s.days - 1, 16, s.tz),
        timeZone: s.tz,
        capacity: s.capacity,
        registrationOpensAt: new Date(now.getTime() - 7 * DAY),
        registrationClosesAt: new Date(startsAt.getTime() - 3 * DAY),
        isDemo: true,
      })
    }

    let examCount = 0
    let certificateCount = 0
    for (const [i, p] of PEOPLE.entries()) {
      const [person] = await tx
        .insert(people)
        .values({
          fullName: p.name,
          ...(protect && { nikHash: protect.hash(demoNik(i)), nikCiphertext: protect.encrypt(demoNik(i)) }),
          birthDate: p.birthDate,
          phoneE164: p.phone,
          provinceCode: p.province,
          regency: p.regency,
          professionGroup: p.group,
          timeZone: p.tz,
          isDemo: true,
        })
        .returning({ id: people.id })
      if (!person) throw new Error('demo person not inserted')
      const steps = history(p.stage)
      for (const [k, stage] of steps.entries()) {
        const reachedAt = new Date(now.getTime() - (steps.length - k) * 30 * DAY)
        const dueAt = stage === 'portofolio' ? localTime(now, 19, 23, p.tz, 59) : null
        await tx.insert(certificationStages).values({ personId: person.id, stage, reachedAt, dueAt, note: '[DEMO]' })
      }
      if (p.stage === 'ujian_kognitif' || p.stage === 'portofolio' || p.stage === 'wawancara') {
        const kind = p.stage === 'wawancara' ? 'wawancara' : 'ujian_kognitif'
        await tx.insert(exams).values({
          code: `DEMO-${kind === 'wawancara' ? 'WWC' : 'UJK'}-${String(examCount + 1).padStart(4, '0')}`,
          personId: person.id,
          kind,
          mode: 'daring',
          meetingUrl: 'https://zoom.us/j/0000000000 (contoh)',
          startsAt: localTime(now, 6 + i, 9, p.tz),
          timeZone: p.tz,
          preparation:
            kind === 'wawancara'
              ? 'KTP asli, portofolio dan bukti praktik, perangkat dengan kamera, dan koneksi internet stabil'
              : 'KTP asli, kartu peserta, perangkat dengan kamera, dan koneksi internet stabil',
          isDemo: true,
        })
        examCount++
      }
      if (p.stage === 'sertifikat_terbit' || p.stage === 'kedaluwarsa') {
        const expired = p.stage === 'kedaluwarsa'
        const issued = new Date(now.getTime() - (expired ? 6 * 365 : 200) * DAY)
        const expires = new Date(issued.getTime() + (expired ? 5 * 365 : 3 * 365) * DAY)
        const number = `DEMO-LSPS-${issued.getUTCFullYear()}-${String(i + 1).padStart(5, '0')}`
        await tx.insert(certificates).values({
          number: number.replace(/[-\s]/g, ''),
          displayNumber: number,
          holderName: p.name,
          personId: person.id,
          scheme: p.group === 'pekerja sosial' ? 'Pekerja Sosial' : 'Relawan Sosial',
          level: p.group === 'pekerja sosial' ? 'Pekerja Sosial Generalis' : null,
          issuedAt: isoDay(issued),
          expiresAt: isoDay(expires),
          isDemo: true,
        })
        certificateCount++
      }
    }

    const withdrawn = [
      {
        number: 'DEMO-LSPS-2023-00901',
        holder: 'Hendra Gunawan',
        status: 'revoked' as const,
        reason: 'Dicabut: dokumen portofolio terbukti tidak sah',
      },
      {
        number: 'DEMO-LSPS-2024-00902',
        holder: 'Maria Fransiska Lake',
        status: 'suspended' as const,
        reason: 'Dibekukan sementara: sedang dalam pemeriksaan kode etik',
      },
    ]
    for (const c of withdrawn) {
      await tx.insert(certificates).values({
        number: c.number.replace(/[-\s]/g, ''),
        displayNumber: c.number,
        holderName: c.holder,
        scheme: 'Pekerja Sosial',
        level: 'Asisten Pekerja Sosial',
        issuedAt: isoDay(new Date(now.getTime() - 400 * DAY)),
        expiresAt: isoDay(new Date(now.getTime() + 700 * DAY)),
        status: c.status,
        statusReason: c.reason,
        statusChangedAt: new Date(now.getTime() - 20 * DAY),
        isDemo: true,
      })
      certificateCount++
    }

    await loadDashboardHistory(tx as unknown as Db, now)
    await loadDemoAnnouncement(tx as unknown as Db, now)
    await loadImportHistory(tx as unknown as Db, now)

    const summary = { sessions: SESSIONS.length, people: PEOPLE.length, exams: examCount, certificates: certificateCount }
    const value = JSON.stringify({ loadedAt: now.toISOString(), ...summary })
    await tx.insert(appMeta).values({ key: 'demo_dataset', value }).onConflictDoUpdate({ target: appMeta.key, set: { value } })
    return summary
  })
}

/**
 * For the console's Sesi Bimtek page: a session already held (Semarang, five days ago, its
 * attendance marked) and one the secretariat cancelled (Ambon), next to the upcoming ones.
 */
async function loadSessionHistory(tx: Db, now: Date): Promise<void> {
  const regionId = async (code: string) => {
    const row = await first(tx.select({ id: regions.id }).from(regions).where(eq(regions.code, code)))
    if (!row) throw new Error(`demo data needs region ${code}`)
    return row.id
  }
  const held = localTime(now, -5, 8, 'Asia/Jakarta')
  const called = localTime(now, 18, 8, 'Asia/Jayapura')
  await tx.insert(bimtekSessions).values([
    {
      code: 'DEMO-BMT-SMG-00',
      title: '[DEMO] Bimtek Sertifikasi Pekerja Sosial (Semarang, sudah terlaksana)',
      targetGroup: 'pekerja sosial',
      regionId: await regionId('R3'),
      mode: 'tatap_muka',
      venue: 'Dinas Sosial Provinsi Jawa Tengah, Jl. Pahlawan No. 12, Semarang',
      provinceCode: '33',
      startsAt: held,
      endsAt: localTime(now, -4, 16, 'Asia/Jakarta'),
      timeZone: 'Asia/Jakarta',
      capacity: 25,
      registrationOpensAt: new Date(held.getTime() - 30 * DAY),
      registrationClosesAt: new Date(held.getTime() - 3 * DAY),
      isDemo: true,
    },
    {
      code: 'DEMO-BMT-AMB-01',
      title: '[DEMO] Bimtek Sertifikasi TKS (Ambon)',
      targetGroup: 'tks',
      regionId: await regionId('R6'),
      mode: 'tatap_muka',
      venue: 'Dinas Sosial Provinsi Maluku, Jl. Sultan Hairun, Ambon',
      provinceCode: '81',
      startsAt: called,
      endsAt: localTime(now, 19, 16, 'Asia/Jayapura'),
      timeZone: 'Asia/Jayapura',
      capacity: 30,
      registrationOpensAt: new Date(now.getTime() - 14 * DAY),
      registrationClosesAt: new Date(called.getTime() - 3 * DAY),
      cancelledAt: new Date(now.getTime() - 2 * DAY),
      cancelReason: '[DEMO] Gedung pelatihan dipakai untuk posko tanggap bencana',
      isDemo: true,
    },
  ])
}

/**
 * For the console's dashboard: 36 sample participants ("Peserta Contoh", no NIK, no phone) across
 * every region with their stages, registrations over the last four weeks (one small session full,
 * with a waiting list), the coming exam of those at Bimtek or the portfolio, four weeks of outbox history on both channels (reminders sent, late, failed
 * and skipped; seat offers; stage news), their chats, and requests to talk to a person. Nothing
 * here is due: every message is already sent, failed or skipped.
 */
async function loadDashboardHistory(tx: Db, now: Date): Promise<void> {
  const provinces = ['13', '12', '32', '36', '33', '35', '63', '61', '73', '72', '91', '81']
  const stages: CertificationStage[] = [
    'terdaftar',
    'seleksi_administrasi',
    'bimtek',
    'ujian_kognitif',
    'portofolio',
    'wawancara',
  ]
  await loadSessionHistory(tx, now)
  const sessionIds = new Map(
    (await tx.select({ id: bimtekSessions.id, code: bimtekSessions.code }).from(bimtekSessions)).map((s) => [s.code, s.id]),
  )
  // Which session each sample participant registered for, by their province's region (none: not registered).
  const sessionOf: Record<string, string> = {
    '33': 'DEMO-BMT-SMG-00',
    '81': 'DEMO-BMT-AMB-01',
    '13': 'DEMO-BMT-PDG-01',
    '12': 'DEMO-BMT-PDG-01',
    '32': 'DEMO-BMT-BDG-01',
    '36': 'DEMO-BMT-BDG-01',
    '35': 'DEMO-BMT-SBY-01',
    '63': 'DEMO-BMT-BJM-01',
    '73': 'DEMO-BMT-MKS-01',
    '91': 'DEMO-BMT-JPR-01',
  }
  const taken = new Map<string, number>()
  let key = 0
  for (let i = 0; i < 36; i++) {
    const province = provinces[i % provinces.length] as string
    const timeZone = province >= '71' ? (province >= '81' ? 'Asia/Jayapura' : 'Asia/Makassar') : 'Asia/Jakarta'
    const [person] = await tx
      .insert(people)
      .values({ fullName: `Peserta Contoh ${String(i + 1).padStart(2, '0')}`, provinceCode: province, timeZone, isDemo: true })
      .returning({ id: people.id })
    if (!person) throw new Error('demo person not inserted')
    // Fewer people the further along the path: a funnel that narrows.
    const furthest = i % 3 === 0 ? 0 : Math.min(stages.length - 1, Math.floor(i / 6))
    for (let k = 0; k <= furthest; k++) {
      const reachedAt = new Date(now.getTime() - (furthest - k + 1) * 12 * DAY)
      await tx
        .insert(certificationStages)
        .values({ personId: person.id, stage: stages[k] as CertificationStage, reachedAt, note: '[DEMO]' })
    }
    // The step after Bimtek is the cognitive exam, after the portfolio the interview: one coming up
    // for those there, so Ujian shows every region's schedule.
    const next = stages[furthest] === 'bimtek' ? 'ujian_kognitif' : stages[furthest] === 'portofolio' ? 'wawancara' : undefined
    if (next) {
      await tx.insert(exams).values({
        code: `DEMO-${next === 'wawancara' ? 'WWC' : 'UJK'}-P${String(i + 1).padStart(3, '0')}`,
        personId: person.id,
        kind: next,
        mode: next === 'wawancara' && i % 2 === 0 ? 'tatap_muka' : 'daring',
        ...(next === 'wawancara' && i % 2 === 0
          ? { venue: 'Kantor BBPPKS (contoh)' }
          : { meetingUrl: 'https://zoom.us/j/0000000000 (contoh)' }),
        startsAt: localTime(now, 2 + (i % 9), 8 + (i % 5), timeZone),
        timeZone,
        isDemo: true,
      })
    }

    const sessionCode = sessionOf[province]
    const sessionId = sessionCode ? sessionIds.get(sessionCode) : undefined
    if (sessionCode && sessionId !== undefined) {
      const count = taken.get(sessionCode) ?? 0
      taken.set(sessionCode, count + 1)
      // The small class takes two; everyone after waits.
      const waiting = sessionCode === 'DEMO-BMT-SBY-01' && count >= 2
      const createdAt = new Date(now.getTime() - ((i * 5) % 27) * DAY - (i % 7) * 3_600_000)
      await tx.insert(registrations).values({
        code: `DEMO-REG-${String(i + 1).padStart(3, '0')}`,
        sessionId,
        personId: person.id,
        status: waiting ? 'waitlisted' : sessionCode === 'DEMO-BMT-AMB-01' ? 'cancelled' : 'confirmed',
        waitlistedAt: waiting ? createdAt : null,
        // The past session's attendance, as the secretariat marked it: all but the last came.
        attendedAt: sessionCode === 'DEMO-BMT-SMG-00' && i < 28 ? new Date(now.getTime() - 5 * DAY) : null,
        cancelledAt: sessionCode === 'DEMO-BMT-AMB-01' ? new Date(now.getTime() - 2 * DAY) : null,
        createdAt,
        updatedAt: createdAt,
      })
    }

    const channel = i % 3 === 1 ? 'telegram' : 'whatsapp'
    const chatId = `demo-${channel}-${i + 1}`
    const active = new Date(now.getTime() - (i % 20) * DAY)
    await tx.insert(conversationStates).values({ channel, chatId, updatedAt: active })
    // Linked as a chat that proved who it is would be (for IDENTITY_LINK_DAYS' default), so what the
    // console does to a demo participant (cancelling their session, adding a stage) tells them too.
    await tx.insert(channelIdentities).values({
      channel,
      userId: chatId,
      chatId,
      personId: person.id,
      linkedAt: active,
      provedAt: active,
      // They wrote to the assistant (a WhatsApp announcement goes only to chats that wrote first).
      wroteAt: active,
      linkExpiresAt: new Date(active.getTime() + DEMO_LINK_DAYS * DAY),
    })

    // About one message a day for each of the last four weeks, mostly sent; yesterday's reminder to
    // the sixth participant was being sent when the server stopped (so Pengingat and Beranda show
    // "hasil tidak diketahui").
    for (let day = 1; day <= 28; day += 2 + (i % 3)) {
      const dueAt = new Date(now.getTime() - day * DAY + (i % 10) * 3_600_000)
      const roll = (i * 7 + day) % 20
      const status =
        i === 5 && day === 1
          ? 'unknown'
          : roll === 0
            ? 'failed'
            : roll === 1 || roll === 2
              ? 'skipped'
              : roll === 3
                ? 'late'
                : 'sent'
      const kind = roll === 5 ? 'seat_offer' : roll === 6 ? 'status_changed' : 'reminder'
      await tx.insert(outbox).values({
        idempotencyKey: `demo:${key++}`,
        channel,
        chatId,
        personId: person.id,
        kind,
        payload: JSON.stringify({ text: '[DEMO] Contoh pesan dari asisten.' }),
        dueAt,
        status,
        attempts: status === 'skipped' ? 0 : 1,
        sentAt: status === 'sent' || status === 'late' ? dueAt : null,
        lastError:
          status === 'failed'
            ? '[DEMO] nomor tidak terdaftar di WhatsApp'
            : status === 'skipped'
              ? '[DEMO] acara sudah dimulai'
              : status === 'unknown'
                ? '[DEMO] server berhenti saat mengirim'
                : null,
        createdAt: dueAt,
        updatedAt: dueAt,
      })
    }

    const handoff = DEMO_HANDOFF_PEOPLE.indexOf(i)
    if (handoff >= 0) await loadDemoHandoff(tx, now, { n: handoff, person: person.id, province, channel, chatId, i })
  }
}

/** The sample participants with a conversation with staff: on both channels, in four regions. */
const DEMO_HANDOFF_PEOPLE = [4, 11, 22, 33]

/**
 * Four conversations with staff, one per state the console shows: waiting (the person wrote twice),
 * open (a staff reply and an internal note), closed with a rating, and a phone-call request of
 * before live handoff. Staff are "Petugas Contoh": the demo has no staff accounts.
 */
async function loadDemoHandoff(
  tx: Db,
  now: Date,
  demo: { n: number; person: number; province: string; channel: 'telegram' | 'whatsapp'; chatId: string; i: number },
): Promise<void> {
  const name = `Peserta Contoh ${String(demo.i + 1).padStart(2, '0')}`
  const state = (['waiting', 'open', 'closed', 'legacy'] as const)[demo.n % 4] ?? 'waiting'
  const createdAt = new Date(now.getTime() - { waiting: 2, open: 26, closed: 80, legacy: 200 }[state] * 3_600_000)
  const minutes = (m: number) => new Date(createdAt.getTime() + m * 60_000)
  const [request] = await tx
    .insert(handoffRequests)
    .values({
      code: `DEMO-H${String(demo.i + 1).padStart(3, '0')}`,
      channel: demo.channel,
      chatId: demo.chatId,
      personId: demo.person,
      name,
      topic: 'bimtek',
      question: '[DEMO] Apakah jadwal Bimtek saya bisa dipindah ke bulan depan? Saya bertugas di lapangan minggu itu.',
      status: state === 'legacy' ? 'waiting' : state,
      live: state !== 'legacy',
      regionId: (await regionIdOfProvince(tx, demo.province)) ?? null,
      createdAt,
      ackedAt: state === 'legacy' ? null : minutes(3),
      takenAt: state === 'open' || state === 'closed' ? minutes(40) : null,
      firstStaffReplyAt: state === 'open' || state === 'closed' ? minutes(45) : null,
      lastPersonAt: state === 'legacy' ? null : minutes(state === 'closed' ? 60 : 3),
      lastStaffAt: state === 'open' || state === 'closed' ? minutes(45) : null,
      closedAt: state === 'closed' ? minutes(70) : null,
      closedBy: state === 'closed' ? 'staff' : null,
      rating: state === 'closed' ? 4 : null,
      ratedAt: state === 'closed' ? minutes(72) : null,
    })
    .returning({ id: handoffRequests.id })
  if (!request || state === 'legacy') return
  const thread: { m: number; author: 'person' | 'staff' | 'note' | 'system'; text: string }[] = [
    { m: 3, author: 'person', text: '[DEMO] Halo kak, jadwal saya tanggal 14, bisa pindah?' },
    ...(state === 'waiting' ? [{ m: 5, author: 'person' as const, text: '[DEMO] Saya kirim surat tugasnya nanti ya.' }] : []),
    ...(state !== 'waiting'
      ? [
          { m: 40, author: 'system' as const, text: '✅ Diambil oleh Petugas Contoh' },
          {
            m: 45,
            author: 'staff' as const,
            text: '[DEMO] Bisa, Bu. Mohon kirim surat tugas dari dinas, nanti kami pindahkan ke sesi berikutnya.',
          },
          { m: 50, author: 'note' as const, text: '[DEMO] Sesi berikutnya masih ada 3 kursi.' },
        ]
      : []),
    ...(state === 'closed'
      ? [
          { m: 60, author: 'person' as const, text: '[DEMO] Baik, terima kasih kak.' },
          { m: 70, author: 'system' as const, text: '🔒 Ditutup oleh petugas Petugas Contoh' },
          { m: 72, author: 'system' as const, text: '⭐ Penilaian 4/5' },
        ]
      : []),
  ]
  for (const item of thread) {
    await tx.insert(handoffMessages).values({
      handoffId: request.id,
      at: minutes(item.m),
      author: item.author,
      via: item.author === 'person' ? 'chat' : item.author === 'system' ? 'system' : 'console',
      staffName: item.author === 'staff' || item.author === 'note' ? 'Petugas Contoh' : null,
      text: item.text,
      // Already "posted": a staff group configured later does not receive the demo.
      relayedAt: minutes(item.m),
    })
  }
}

/**
 * For the console's Pengumuman page: one announcement the Bandung session's confirmed registrants
 * got three days ago (venue moved), finished, with a mixed report: sent, sent late, failed with its
 * reason, skipped because it expired, and one person who had said "stop info" (counted, not sent).
 * Its text and reasons start with "[DEMO]"; its outbox rows show on Pengingat too.
 */
async function loadDemoAnnouncement(tx: Db, now: Date): Promise<void> {
  const session = await first(tx.select().from(bimtekSessions).where(eq(bimtekSessions.code, 'DEMO-BMT-BDG-01')))
  if (!session) return
  const registrants = await tx
    .select({ personId: registrations.personId, fullName: people.fullName, zone: people.timeZone })
    .from(registrations)
    .innerJoin(people, eq(people.id, registrations.personId))
    .where(and(eq(registrations.sessionId, session.id), eq(registrations.status, 'confirmed')))
    .orderBy(registrations.personId)
  const createdAt = new Date(now.getTime() - 3 * DAY)
  const queuedAt = new Date(createdAt.getTime() + 10 * 60_000)
  const textId =
    '[DEMO] Yth. {nama}, tempat {sesi} pindah ke Aula BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang. Jadwal tetap {tanggal} pukul {jam}.'
  const [made] = await tx
    .insert(announcements)
    .values({
      code: 'PGM-DEMO01',
      status: 'done',
      actor: 'cli',
      regionId: session.regionId,
      criteria: JSON.stringify({ session: { id: session.id, registrants: 'confirmed' } }),
      textId,
      dedupeKey: 'demo:PGM-DEMO01',
      queuedThrough: registrants.at(-1)?.personId ?? 0,
      queuedAt,
      finishedAt: new Date(queuedAt.getTime() + 2 * 3_600_000),
      createdAt,
      updatedAt: createdAt,
    })
    .returning({ id: announcements.id })
  if (!made) throw new Error('demo announcement not inserted')
  const outcomes = [
    { outcome: 'sent', reason: null },
    { outcome: 'late', reason: null },
    { outcome: 'failed', reason: '[DEMO] nomor tidak terdaftar di WhatsApp' },
    { outcome: 'opted_out', reason: null },
    { outcome: 'skipped', reason: '[DEMO] kedaluwarsa sebelum terkirim' },
  ] as const
  const rows = { waiting: 0, sent: 0, late: 0, failed: 0, unknown: 0, skipped: 0, blockedByUser: 0, cancelled: 0 }
  const byChannel = {
    telegram: { rows: 0, waiting: 0, sent: 0, failed: 0, unknown: 0 },
    whatsapp: { rows: 0, waiting: 0, sent: 0, failed: 0, unknown: 0 },
  }
  let optedOut = 0
  for (const [i, person] of registrants.entries()) {
    const { outcome, reason } = outcomes[i % outcomes.length] ?? outcomes[0]
    const chat = await first(
      tx
        .select({ id: channelIdentities.id, channel: channelIdentities.channel, chatId: channelIdentities.chatId })
        .from(channelIdentities)
        .where(eq(channelIdentities.personId, person.personId)),
    )
    if (outcome === 'opted_out' || !chat || chat.channel === 'console') {
      if (chat) await tx.update(channelIdentities).set({ announcementsOffAt: createdAt }).where(eq(channelIdentities.id, chat.id))
      optedOut++
      await tx
        .insert(announcementRecipients)
        .values({ announcementId: made.id, personId: person.personId, channel: '', chatId: '', reach: 'opted_out' })
      return
    }
    const dueAt = queuedAt
    const sentAt = outcome === 'sent' ? dueAt : outcome === 'late' ? new Date(dueAt.getTime() + 50 * 60_000) : null
    const text = `[DEMO] Yth. ${person.fullName}, tempat ${session.title.replace('[DEMO] ', '')} pindah ke Aula BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang. Jadwal tetap.`
    await tx.insert(outbox).values({
      idempotencyKey: `demo:announcement:${made.id}:${chat.channel}:${chat.chatId}`,
      channel: chat.channel,
      chatId: chat.chatId,
      personId: person.personId,
      kind: 'announcement',
      eventKey: `announcement:${made.id}`,
      timeZone: person.zone,
      payload: JSON.stringify({ text }),
      dueAt,
      status: outcome,
      attempts: outcome === 'skipped' ? 0 : 1,
      sentAt,
      lastError: reason,
      createdAt: queuedAt,
      updatedAt: sentAt ?? queuedAt,
    })
    await tx.insert(announcementRecipients).values({
      announcementId: made.id,
      personId: person.personId,
      channel: chat.channel,
      chatId: chat.chatId,
      reach: 'queued',
      outcome,
      reason,
      dueAt,
      sentAt,
    })
    rows[outcome === 'sent' ? 'sent' : outcome === 'late' ? 'late' : outcome === 'failed' ? 'failed' : 'skipped']++
    const channel = byChannel[chat.channel]
    channel.rows++
    if (outcome === 'sent' || outcome === 'late') channel.sent++
    if (outcome === 'failed') channel.failed++
  }
  const totals = {
    people: registrants.length,
    queued: registrants.length - optedOut,
    noChat: 0,
    blocked: 0,
    optedOut,
    rows,
    byChannel,
  }
  await tx
    .update(announcements)
    .set({ totals: JSON.stringify(totals) })
    .where(eq(announcements.id, made.id))
}

/**
 * For the console's Impor data page: the imports that would have loaded this dataset, as the audit
 * log records them (by the CLI, with the files' names), so the history of imports is not empty.
 */
async function loadImportHistory(tx: Db, now: Date): Promise<void> {
  // The database was empty before the dataset: every row of these tables came with it.
  const rows = async (table: typeof people | typeof certificationStages | typeof bimtekSessions | typeof certificates) =>
    (await first(tx.select({ n: count() }).from(table)))?.n ?? 0
  const imports = [
    {
      daysAgo: 30,
      entity: 'bimtek_sessions',
      details: { inserted: await rows(bimtekSessions), updated: 0 },
      file: 'sesi-bimtek.csv',
    },
    {
      daysAgo: 29,
      entity: 'certification_stages',
      details: {
        peopleAdded: await rows(people),
        peopleUpdated: 0,
        stagesAdded: await rows(certificationStages),
        stagesUpdated: 0,
      },
      file: 'status-sertifikasi.csv',
    },
    {
      daysAgo: 28,
      entity: 'certificates',
      details: { inserted: await rows(certificates), updated: 0, unchanged: 0 },
      file: 'sertifikat.csv',
    },
  ]
  for (const entry of imports) {
    await writeAudit(tx, {
      at: new Date(now.getTime() - entry.daysAgo * DAY),
      actor: 'cli',
      action: 'import',
      entity: entry.entity,
      details: { ...entry.details, file: `[DEMO] ${entry.file}` },
    })
  }
}
