/**
 * Announcements as a person meets them in the chat, for every channel's driver: "stop info" turns
 * them off (any case, punctuation, "berhenti info", "stop pengumuman"), says reminders still come,
 * and knows when they are off already; "mulai info" turns them back on; in English when the chat
 * speaks English. Reminders are a switch of their own ("stop pengingat").
 */
import type { Transcript } from '../support/transcript.js'

export const ANNOUNCEMENT_TRANSCRIPTS: Record<string, Transcript> = {
  'stop info turns announcements off, not reminders; mulai info turns them back on': [
    {
      user: 'Stop info!',
      bot: [
        '🔕 Pengumuman tidak akan dikirim lagi ke chat ini.',
        'Pengingat jadwal Bimtek dan ujian Anda tetap dikirim.',
        '*mulai info*',
      ],
      not: ['Pengingat dimatikan'],
    },
    { user: 'berhenti info', bot: ['Pengumuman untuk chat ini memang sudah dimatikan.', '*mulai info*'] },
    { user: 'pengingat', bot: ['Pengingat dikirim untuk Bimtek'], not: ['*mati*'] },
    { user: 'MULAI INFO', bot: ['🔔 Pengumuman dinyalakan lagi untuk chat ini.', '*stop info*'] },
    { user: 'mulai info', bot: ['Pengumuman untuk chat ini memang menyala.'] },
    { user: 'stop pengumuman', bot: ['🔕 Pengumuman tidak akan dikirim lagi ke chat ini.'] },
  ],

  'stop info in English': [
    { user: 'english', bot: ['OK, I will reply in English'] },
    {
      user: 'stop info',
      bot: ['🔕 Announcements will no longer be sent to this chat.', 'Reminders about your Bimtek and exam dates still come.'],
    },
    { user: 'mulai info', bot: ['🔔 Announcements are on again for this chat.'] },
  ],
}
