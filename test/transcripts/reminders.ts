/**
 * Reminders as a person meets them, for every channel's driver: a Bimtek seat taken in the chat
 * plans its reminders; the outbox runs the day before (the 7-day one, missed by days, is not sent);
 * HADIR records attendance; BATAL starts the cancellation, after which no reminder comes; "stop
 * pengingat" and "mulai pengingat". Seeded with `seedRegistration` (index.ts).
 */
import type { Transcript } from '../support/transcript.js'
import { chooseBandungAndConfirm, detailsUpToSession, morningIn, SEEDED, WIB_DAY } from './registration.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** The day before the Bandung session (it starts at 09.00 WIB in 10 days), one minute past 09.00 WIB. */
const dayBefore = (now: Date) => new Date(morningIn(now, 9).getTime() + MINUTE)
/** One minute after the 2-hour reminder of the Bandung session was due. */
const twoHoursBefore = (now: Date) => new Date(morningIn(now, 10).getTime() - 2 * HOUR + MINUTE)

export const REMINDER_TRANSCRIPTS: Record<string, Transcript> = {
  'a Bimtek seat: the reminder the day before, HADIR, then BATAL and no more reminders': [
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    {
      deliverAt: dayBefore,
      bot: [
        '⏰ *Pengingat: Bimtek* (H-1)',
        `*${SEEDED.bandung.title}*`,
        WIB_DAY,
        `📍 Tatap muka: ${SEEDED.bandung.venue}`,
        '🔖 Kode: {code}',
        '🎒 Siapkan: KTP asli',
        'Balas *HADIR* bila Anda akan datang, atau *BATAL* bila tidak bisa.',
        'Ketik *stop pengingat*',
      ],
      // The 7-day reminder was due six days before this run: too late to be useful, never sent.
      not: ['H-7'],
    },
    { user: 'hadir', bot: ['✅ Terima kasih! Kehadiran Anda tercatat: *Bimtek Bimtek Pekerja Sosial Bandung*', '09.00 WIB'] },
    { user: 'insyaallah hadir', bot: ['sudah tercatat sebelumnya'] },
    // In Javanese ("yes, present tomorrow") and Sundanese, a HADIR too, not a question for the FAQ.
    { user: 'inggih hadir mbenjing', bot: ['sudah tercatat sebelumnya'] },
    { user: 'muhun hadir', bot: ['sudah tercatat sebelumnya'] },
    {
      user: 'batal',
      bot: ['Batalkan pendaftaran *{code}*?', SEEDED.bandung.title],
      options: ['Ya, batalkan', 'Tidak, tetap ikut'],
    },
    { tap: 'Ya, batalkan', bot: ['Pendaftaran *{code}* sudah dibatalkan'] },
    // The 2-hour reminder was cancelled with the registration.
    { deliverAt: twoHoursBefore, bot: [], not: ['Pengingat'] },
    { user: 'hadir', bot: ['tidak terjadwal (dibatalkan atau dipindah)'] },
  ],

  'stop pengingat cancels what is planned, mulai pengingat plans it again': [
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    {
      user: 'pengingat',
      bot: ['🔔 *Pengingat* untuk chat ini: *menyala*', 'Yang terjadwal:', 'Bimtek H-7', 'Bimtek H-1', 'Bimtek 2 jam lagi'],
    },
    { user: 'stop pengingat', bot: ['🔕 Pengingat dimatikan untuk chat ini. 3 pengingat yang terjadwal dibatalkan.'] },
    { deliverAt: dayBefore, bot: [], not: ['Pengingat'] },
    { user: '5', bot: ['🔕 *Pengingat* untuk chat ini: *mati*'] },
    {
      user: 'mulai pengingat',
      bot: ['🔔 Pengingat dinyalakan', 'Yang terjadwal:', 'Bimtek H-7', 'Bimtek H-1', 'Bimtek 2 jam lagi'],
    },
    { deliverAt: dayBefore, bot: ['⏰ *Pengingat: Bimtek* (H-1)'] },
  ],

  'switching to English rewrites the reminders still to come in English': [
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    { user: 'english', bot: ['OK, I will reply in English'] },
    {
      user: 'reminders',
      bot: ['🔔 *Reminders* for this chat: *on*.', 'Planned:', 'Bimtek in 7 days', 'Bimtek tomorrow', 'Bimtek in 2 hours'],
    },
    {
      deliverAt: dayBefore,
      bot: [
        '⏰ *Reminder: Bimtek (technical guidance)* (tomorrow)',
        `*${SEEDED.bandung.title}*`,
        /[A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4}, 09\.00–17\.00 WIB/,
        `📍 In person: ${SEEDED.bandung.venue}`,
        '🔖 Code: {code}',
        '🎒 Bring/prepare: Your ID card (KTP)',
        'Reply *HADIR* if you will attend, or *BATAL* if you cannot.',
      ],
      not: ['Pengingat'],
    },
    { user: 'HADIR', bot: ['✅ Thank you! Your attendance is recorded: *Bimtek Bimtek Pekerja Sosial Bandung*'] },
  ],
}
