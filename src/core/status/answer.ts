/**
 * "Where do I stand?": the person's path as a timeline (✅ done, ▶️ current, ⬜ next), dates in
 * their own zone (WIB/WITA/WIT), what to do now, the next exam, and an issued certificate's number
 * with its verification link.
 */
import { certificatesOf, type PersonRow, stageHistory, upcomingExams } from '../../db/queries/people.js'
import type { CertificationStage } from '../../db/schema.js'
import { EVENT_KIND } from '../../vocabulary/events.js'
import { fill, t } from '../messages.js'
import { formatLocalTime, zoneLabel } from '../regions.js'
import { formatDate } from '../text/dates.js'
import type { TurnContext } from '../turn.js'
import type { Language, Reply, Text } from '../types.js'
import { PATH, STAGE_ADVICE, STAGE_LABEL, stepOf } from './stages.js'

const texts = {
  title: { id: '*Status sertifikasi {name}*', en: '*Certification status of {name}*' },
  none: {
    id: 'Belum ada catatan tahap sertifikasi untuk Anda. Data status diperbarui oleh sekretariat; bila Anda baru mendaftar, cek lagi beberapa hari lagi atau ketik "petugas".',
    en: 'There is no certification stage on record for you yet. The secretariat updates it; if you registered recently, check again in a few days or type "petugas".',
  },
  now: { id: '*Sekarang:* {advice}', en: '*Now:* {advice}' },
  due: { id: ' sebelum {date}', en: ' before {date}' },
  exam: { id: '📝 *Ujian berikutnya:* {kind}, {when} ({mode})', en: '📝 *Next exam:* {kind}, {when} ({mode})' },
  certificate: {
    id: '📜 Sertifikat *{number}* ({scheme}), berlaku s.d. {expires}. Verifikasi: {link}',
    en: '📜 Certificate *{number}* ({scheme}), valid until {expires}. Verify: {link}',
  },
  foot: {
    id: 'Waktu dalam zona {zone}. Ketik "data saya" untuk melihat data Anda, "menu" untuk menu utama.',
    en: 'Times in {zone}. Type "data saya" to see your data, "menu" for the main menu.',
  },
} satisfies Record<string, Text>

/** A name from the catalogue inside a sentence: "ujian kognitif", "interview". */
const inSentence = (name: string) => name.charAt(0).toLowerCase() + name.slice(1)
const MODE: Record<string, Text> = {
  daring: { id: 'daring', en: 'online' },
  tatap_muka: { id: 'tatap muka', en: 'in person' },
}

const day = (date: Date, zone: string, lang: Language) => formatDate(date, 'date', lang, zone)

/** "Senin, 14 Desember 2026" / "Monday, 14 December 2026" in `zone`. */
const weekday = (date: Date, zone: string, lang: Language) => formatDate(date, 'weekdayDate', lang, zone)

/** The verification page of a certificate (issue #8), absolute when PUBLIC_BASE_URL is set. */
export const verificationLink = (number: string, baseUrl?: string) =>
  `${baseUrl ? baseUrl.replace(/\/$/, '') : ''}/verifikasi/${encodeURIComponent(number)}`

export async function statusAnswer(ctx: TurnContext, person: PersonRow, baseUrl?: string): Promise<Reply> {
  const { lang, db, now } = ctx
  const zone = person.timeZone
  const history = await stageHistory(db, person.id)
  const title = fill(t(lang, texts.title), { name: person.fullName })
  const current = history.at(-1)
  if (!current) return { text: `${title}\n\n${t(lang, texts.none)}` }

  // The latest stage of each step reached, and the current step.
  const reached = new Map<number, { stage: CertificationStage; reachedAt: Date }>()
  for (const row of history) reached.set(stepOf(row.stage), { stage: row.stage, reachedAt: row.reachedAt })
  const currentStep = stepOf(current.stage)
  const lines = PATH.flatMap((stages, step) => {
    const here = reached.get(step)
    // Expiry is only on the path of someone whose certificate expired.
    if (!here && stages.includes('kedaluwarsa')) return []
    if (here && step < currentStep) return [`✅ ${t(lang, STAGE_LABEL[here.stage])}: ${day(here.reachedAt, zone, lang)}`]
    // A step before the current one is done even when its date is not on record (an import may
    // bring only a person's latest stage); the step before a certificate can only be Kompeten.
    if (!here && step < currentStep) return [`✅ ${t(lang, STAGE_LABEL[stages[0] ?? current.stage])}`]
    if (here && step === currentStep) return [`▶️ *${t(lang, STAGE_LABEL[here.stage])}*: ${day(here.reachedAt, zone, lang)}`]
    // The step after Kompeten/Belum Kompeten depends on the outcome; after Belum Kompeten it is re-assessment.
    if (step > currentStep && current.stage === 'belum_kompeten') return []
    return [`⬜ ${stages.map((stage) => t(lang, STAGE_LABEL[stage])).join(' / ')}`]
  })

  const due = current.dueAt ? fill(t(lang, texts.due), { date: weekday(current.dueAt, zone, lang) }) : ''
  const advice = t(lang, STAGE_ADVICE[current.stage]).replace('{due}', due)
  const parts = [title, lines.join('\n'), fill(t(lang, texts.now), { advice })]
  if (current.note) parts.push(`📌 ${current.note}`)

  const exam = (await upcomingExams(db, person.id, now))[0]
  if (exam) {
    const examZone = person.timeZone
    parts.push(
      fill(t(lang, texts.exam), {
        kind: inSentence(t(lang, EVENT_KIND[exam.kind].short)),
        when: `${weekday(exam.startsAt, examZone, lang)}, ${formatLocalTime(exam.startsAt, examZone)}`,
        mode: t(lang, MODE[exam.mode] ?? { id: exam.mode, en: exam.mode }),
      }),
    )
  }
  for (const certificate of (await certificatesOf(db, person.id)).filter((c) => c.status === 'active')) {
    parts.push(
      fill(t(lang, texts.certificate), {
        number: certificate.displayNumber,
        scheme: certificate.scheme,
        expires: day(new Date(`${certificate.expiresAt}T12:00:00Z`), 'UTC', lang),
        link: verificationLink(certificate.displayNumber, baseUrl),
      }),
    )
  }
  parts.push(fill(t(lang, texts.foot), { zone: zoneLabel(zone) }))
  return { text: parts.join('\n\n') }
}
