/** The bot's commands: registered with Telegram in Indonesian, and what each means to the core. */
import type { BotCommand } from 'grammy/types'

export const BOT_COMMANDS: BotCommand[] = [
  { command: 'start', description: 'Mulai dan tampilkan menu utama' },
  { command: 'menu', description: 'Menu utama' },
  { command: 'daftar', description: 'Daftar Bimtek' },
  { command: 'status', description: 'Cek status sertifikasi saya' },
  { command: 'cek', description: 'Verifikasi sertifikat: /cek <nomor>' },
  { command: 'jadwal', description: 'Jadwal sesi Bimtek: /jadwal [wilayah atau provinsi]' },
  { command: 'registrasi', description: 'Pendaftaran Bimtek saya' },
  { command: 'kalender', description: 'Kirim lagi file kalender Bimtek saya' },
  { command: 'pengingat', description: 'Pengingat ujian dan Bimtek' },
  { command: 'bantuan', description: 'Bantuan dan menu' },
  { command: 'batal', description: 'Batalkan proses, atau pendaftaran: /batal <kode>' },
]

/**
 * A command as the core understands it: a menu choice, or text. /start, /menu, /bantuan and
 * /batal are understood by the core as typed.
 */
export function commandInput(name: string, args: string): { choice: string } | { text: string } | undefined {
  switch (name) {
    case 'daftar':
      return { choice: 'menu:daftar' }
    case 'status':
      return { choice: 'menu:status' }
    case 'pengingat':
      return { choice: 'menu:pengingat' }
    case 'cek':
      return args ? { text: `cek ${args}` } : { choice: 'menu:verifikasi' }
    case 'jadwal':
      return { text: args ? `jadwal bimtek ${args}` : 'jadwal bimtek' }
    case 'registrasi':
      return { text: 'registrasi saya' }
    case 'kalender':
      return { text: 'kalender' }
    case 'batal':
      return { text: args ? `batal ${args}` : '/batal' }
    case 'start':
    case 'menu':
    case 'bantuan':
      return { text: `/${name}` }
    default:
      return undefined
  }
}
