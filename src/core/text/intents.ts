/** Words that act the same at every step of every conversation. */
import { normalizeInput, slashCommand } from './normalize.js'

export type GlobalCommand = 'menu' | 'cancel' | 'lang:id' | 'lang:en'

const MENU = new Set(['menu', 'menu utama', 'start', 'mulai', 'bantuan', 'help', 'home', 'kembali', 'main menu'])
const CANCEL = new Set([
  'batal',
  'batalkan',
  'cancel',
  'keluar',
  'gak jadi',
  'ga jadi',
  'gk jadi',
  'nggak jadi',
  'ngga jadi',
  'tidak jadi',
  'gajadi',
  'gajd',
])
const ENGLISH = new Set(['english', 'in english', 'bahasa inggris', 'inggris', 'lang en'])
const INDONESIAN = new Set(['bahasa indonesia', 'indonesia', 'indonesian', 'bahasa', 'lang id', 'b indonesia'])

/** Recognises menu, cancel and language commands, typed or as slash commands. */
export function globalCommand(text: string): GlobalCommand | undefined {
  const slash = slashCommand(text)
  if (slash) {
    if (['start', 'menu', 'bantuan', 'help'].includes(slash.name)) return 'menu'
    if (['batal', 'cancel'].includes(slash.name)) return 'cancel'
    if (slash.name === 'lang') {
      const arg = normalizeInput(slash.args)
      if (arg === 'en' || arg === 'english') return 'lang:en'
      if (arg === 'id' || arg === 'indonesia') return 'lang:id'
    }
    return undefined
  }
  const words = normalizeInput(text)
  if (MENU.has(words)) return 'menu'
  if (CANCEL.has(words)) return 'cancel'
  if (ENGLISH.has(words)) return 'lang:en'
  if (INDONESIAN.has(words)) return 'lang:id'
  return undefined
}

/** Words a greeting starts with. */
const GREETING_OPENERS = new Set(
  (
    'halo hallo helo hello hai hi hei hey hy p ping tes test permisi selamat pagi siang sore malam met good ' +
    'assalamualaikum assalamu asalamualaikum assalamualaikom ass askum salam'
  ).split(' '),
)
/** Words that may follow: the rest of the salutation and how people address the admin. */
const GREETING_WORDS = new Set([
  ...GREETING_OPENERS,
  ...'morning afternoon evening alaikum wr wb min admin kak ka kakak bang pak bu ibu bapak mas mba mbak gan sis om semua all there bot robot'.split(
    ' ',
  ),
])

/** A message that only greets ("halo min", "selamat pagi kak", "P"). */
export function isGreeting(text: string): boolean {
  const words = normalizeInput(text).split(' ').filter(Boolean)
  if (words.length === 0 || words.length > 6) return false
  return GREETING_OPENERS.has(words[0] ?? '') && words.every((word) => GREETING_WORDS.has(word))
}
