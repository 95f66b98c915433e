export type Mode = 'daring' | 'luring'

const ONE_WORD: Readonly<Record<string, Mode>> = {
  online: 'daring',
  onlen: 'daring',
  onlin: 'daring',
  daring: 'daring',
  zoom: 'daring',
  gmeet: 'daring',
  vicon: 'daring',
  virtual: 'daring',
  webinar: 'daring',
  vidcall: 'daring',
  offline: 'luring',
  ofline: 'luring',
  oflen: 'luring',
  luring: 'luring',
  tatmuk: 'luring',
  onsite: 'luring',
}

const TWO_WORDS: Readonly<Record<string, Mode>> = {
  'tatap muka': 'luring',
  'ketemu langsung': 'luring',
  'hadir langsung': 'luring',
  'secara langsung': 'luring',
  'face to': 'luring',
  'in person': 'luring',
  'jarak jauh': 'daring',
  'dari rumah': 'daring',
  'google meet': 'daring',
  'tatap maya': 'daring',
  'video call': 'daring',
  'dalam jaringan': 'daring',
  'luar jaringan': 'luring',
}

/**
 * Online or in person. "langsung" alone is no mode ("langsung daftar"); a message naming both ("tatap muka ato
 * online?") asks which, so it has none.
 */
export function extractMode(tokens: readonly string[]): Mode | undefined {
  let found: Mode | undefined
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const mode = ONE_WORD[token] ?? TWO_WORDS[`${token} ${tokens[i + 1] ?? ''}`]
    if (mode === undefined) continue
    if (found !== undefined && found !== mode) return undefined
    found = mode
  }
  return found
}
