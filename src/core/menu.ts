/** The main menu: seven entries, chosen by number, label (either language), id or a known alias. */
import { t } from './messages.js'
import { normalizeInput } from './text/normalize.js'
import { isNo, isYes } from './text/yes-no.js'
import type { Choice, Language, Text } from './types.js'

export const MENU_ITEMS = [
  {
    id: 'faq',
    label: { id: 'Tanya jawab sertifikasi', en: 'Certification Q&A' },
    aliases: ['tanya jawab', 'faq', 'tanya', 'pertanyaan'],
  },
  {
    id: 'daftar',
    label: { id: 'Daftar Bimtek', en: 'Register for Bimtek' },
    aliases: ['daftar', 'registrasi', 'pendaftaran', 'daftar bimtek'],
  },
  {
    id: 'status',
    label: { id: 'Cek status sertifikasi', en: 'Check certification status' },
    aliases: ['status', 'cek status', 'status sertifikasi'],
  },
  {
    id: 'verifikasi',
    label: { id: 'Verifikasi sertifikat', en: 'Verify a certificate' },
    aliases: ['verifikasi', 'cek sertifikat', 'cek', 'verify'],
  },
  {
    id: 'pengingat',
    label: { id: 'Pengingat ujian', en: 'Exam reminders' },
    aliases: ['pengingat', 'reminder', 'pengingat ujian'],
  },
  {
    id: 'petugas',
    label: { id: 'Bicara dengan petugas', en: 'Talk to a staff member' },
    aliases: ['petugas', 'operator', 'cs', 'bicara dengan petugas', 'hubungi petugas'],
  },
  {
    id: 'data-saya',
    label: { id: 'Data pribadi saya', en: 'My personal data' },
    aliases: ['data saya', 'data pribadi', 'data pribadi saya'],
  },
] as const satisfies readonly { id: string; label: Text; aliases: readonly string[] }[]

export type MenuItemId = (typeof MENU_ITEMS)[number]['id']

export const MENU_PREFIX = 'menu:'

export function menuChoices(lang: Language): Choice[] {
  return MENU_ITEMS.map((item) => ({ id: `${MENU_PREFIX}${item.id}`, label: t(lang, item.label) }))
}

export function menuItem(id: string) {
  return MENU_ITEMS.find((item) => `${MENU_PREFIX}${item.id}` === id)
}

/** Every name of every menu entry, normalised once: typed text → option id. */
const MENU_NAMES = new Map(
  MENU_ITEMS.flatMap((item) =>
    [item.id, item.label.id, item.label.en, ...item.aliases].map(
      (name) => [normalizeInput(name), `${MENU_PREFIX}${item.id}`] as const,
    ),
  ),
)

// Option labels repeat on every message; normalise each once.
const normalizedLabels = new Map<string, string>()
function normalizedLabel(label: string): string {
  let normalized = normalizedLabels.get(label)
  if (normalized === undefined) {
    normalized = normalizeInput(label)
    if (normalizedLabels.size < 5_000) normalizedLabels.set(label, normalized)
  }
  return normalized
}

// A yes/no question's options have ids ending in ":yes" / ":no"; a typed "ya" or "tidak" picks them.

/**
 * Finds which offered option a typed text means: its number, its label, or its id; "ya"/"tidak"
 * for a yes/no question; for the main menu also its labels in the other language and its aliases
 * ("daftar", "status").
 */
export function resolveChoice(text: string, offered: Choice[]): string | undefined {
  const typed = normalizeInput(text)
  if (!typed) return undefined
  if (/^\d{1,2}$/.test(typed)) return offered[Number(typed) - 1]?.id
  const byLabel = offered.find((choice) => normalizedLabel(choice.label) === typed || normalizedLabel(choice.id) === typed)
  if (byLabel) return byLabel.id
  const answer = isYes(typed) ? ':yes' : isNo(typed) ? ':no' : undefined
  const yesNo = answer && offered.find((choice) => choice.id.endsWith(answer) || choice.id.includes(`${answer}:`))
  if (yesNo) return yesNo.id
  const menuId = MENU_NAMES.get(typed)
  return menuId && offered.some((choice) => choice.id === menuId) ? menuId : undefined
}

/**
 * Commands typed with an argument that belong to a menu entry ("stop pengingat", "hapus data"):
 * the entry handles them, or says it is not available yet. ("cek <nomor>" is a typed command of
 * the verification feature, src/core/certificates/chat.ts.)
 */
const SHORTCUTS: [RegExp, MenuItemId][] = [
  [/^(?:stop|berhenti|mulai|aktifkan)\s+pengingat$/, 'pengingat'],
  [/^(?:hapus|lihat|unduh|download)\s+data(?:\s+saya)?$/, 'data-saya'],
]

export function shortcut(text: string): string | undefined {
  const typed = normalizeInput(text)
  const found = SHORTCUTS.find(([pattern]) => pattern.test(typed))
  return found ? `${MENU_PREFIX}${found[1]}` : undefined
}
