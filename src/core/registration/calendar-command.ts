/**
 * "kalender": the .ics file of each Bimtek the person has a confirmed seat at and that has not
 * ended, sent again (the file that came with the registration or the seat taken may not have
 * arrived, or is lost). The person is the one this chat is linked to, as for "registrasi saya".
 */
import { personOfChat } from '../../db/queries/chat-links.js'
import { registrationsOfPerson } from '../../db/queries/registrations.js'
import type { TypedCommand } from '../engine.js'
import { fill, t } from '../messages.js'
import { normalizeInput } from '../text/normalize.js'
import type { Text } from '../types.js'
import { icsFile } from './calendar.js'
import { when } from './format.js'
import { readerZone } from './reader-zone.js'

const texts = {
  file: { id: '📅 *{title}* ({code})\n🗓 {when}', en: '📅 *{title}* ({code})\n🗓 {when}' },
  none: {
    id: 'Belum ada Bimtek mendatang dengan kursi terkonfirmasi di akun chat ini, jadi belum ada file kalender untuk dikirim (peserta daftar tunggu mendapatkannya setelah kursinya terkonfirmasi). Ketik "registrasi saya" untuk melihat pendaftaran Anda, atau "daftar bimtek" untuk mendaftar.',
    en: 'There is no upcoming Bimtek with a confirmed seat on this chat account, so there is no calendar file to send (people on a waiting list get one once their seat is confirmed). Type "registrasi saya" to see your registrations, or "daftar bimtek" to register.',
  },
} satisfies Record<string, Text>

/**
 * The words, whole: "kalender", "kirim kalender", "file kalender", "kalender saya", "ics", "file
 * ics", "calendar", with the usual misspellings (kalendar, kelender, calender). Longer
 * sentences ("kalender bimtek tahun ini") are questions about the schedule, for the FAQ.
 */
const CALENDAR =
  /^(?:(?:kirim|kirimkan|minta|unduh|download|send)\s+)?(?:(?:ulang|lagi)\s+)?(?:(?:file|berkas)\s+)?(?:k[ae]l[ae]nd[ae]r|c[ae]l[ae]nd[ae]r|ics)(?:nya)?(?:\s+(?:saya|sy|aku|lagi|ulang))*$/

/** "kalender": one reply per file, each with a line naming its session; none, what to type instead. */
export const calendarCommand: TypedCommand = async (ctx, text) => {
  if (!CALENDAR.test(normalizeInput(text))) return undefined
  const { lang } = ctx
  const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
  const upcoming = (personId === undefined ? [] : await registrationsOfPerson(ctx.db, personId)).filter(
    ({ registration, session }) => registration.status === 'confirmed' && session.endsAt > ctx.now,
  )
  if (upcoming.length === 0) return { replies: [{ text: t(lang, texts.none) }], next: null }
  const zone = await readerZone(ctx)
  return {
    replies: upcoming.map(({ registration: { code }, session }) => ({
      text: fill(t(lang, texts.file), { title: session.title, code, when: when(session, lang, zone) }),
      attachment: icsFile(session, code, lang),
    })),
    next: null,
  }
}
