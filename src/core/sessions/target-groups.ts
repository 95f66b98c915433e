/**
 * Who a Bimtek session is for: the four SDM Kesos groups of Permensos 16/2017 and the groups met in
 * practice, each stored under one lower-case name whatever spelling a spreadsheet uses.
 */

export const TARGET_GROUPS = [
  'pekerja sosial',
  'penyuluh sosial',
  'tks',
  'relawan sosial',
  'pendamping pkh',
  'sakti peksos',
  'lainnya',
] as const
export type TargetGroup = (typeof TARGET_GROUPS)[number]

const ALIASES: Record<string, TargetGroup> = {
  peksos: 'pekerja sosial',
  'pekerja sosial profesional': 'pekerja sosial',
  'social worker': 'pekerja sosial',
  penyuluh: 'penyuluh sosial',
  'tenaga kesejahteraan sosial': 'tks',
  relawan: 'relawan sosial',
  // Kinds of relawan sosial named in Permensos 16/2017.
  psm: 'relawan sosial',
  tksk: 'relawan sosial',
  'karang taruna': 'relawan sosial',
  tagana: 'relawan sosial',
  pkh: 'pendamping pkh',
  'pendamping program keluarga harapan': 'pendamping pkh',
  sakti: 'sakti peksos',
  'satuan bakti pekerja sosial': 'sakti peksos',
  'pendamping anak': 'sakti peksos',
  'lain lain': 'lainnya',
  umum: 'lainnya',
}

const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** The canonical group `text` names ("Peksos", "Pendamping PKH", "TKS"…), or undefined. */
export function findTargetGroup(text: string): TargetGroup | undefined {
  const normalised = key(text)
  return TARGET_GROUPS.find((group) => group === normalised) ?? ALIASES[normalised]
}
