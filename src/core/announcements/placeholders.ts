/**
 * The placeholders of an announcement's text, strictly: exactly `{nama}` `{sesi}` `{tanggal}`
 * `{jam}` `{tempat}` `{tautan}`; any other `{…}` (`{Nama}`, `{ nama }`, `{foo}`) is refused before
 * saving, with the allowed list. Texts are compiled once per announcement and filled per person.
 */
import { PLACEHOLDERS, type Placeholder } from '../../vocabulary/announcements.js'

export { PLACEHOLDERS, type Placeholder } from '../../vocabulary/announcements.js'

/** Placeholders that speak about a subject: a session or exam (a portfolio range gives only `{tanggal}`). */
export const SUBJECT_PLACEHOLDERS = ['sesi', 'tanggal', 'jam', 'tempat', 'tautan'] as const satisfies readonly Placeholder[]

export type SubjectKind = 'session' | 'exam' | 'portfolio'

/** Every `{…}` on one line, whatever is inside (so `{ nama }` is seen, and refused). */
const TOKEN = /\{([^{}\n]{0,60})\}/g

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name)

/** The placeholders a subject of this kind can fill. */
export function fillableBy(subject: SubjectKind | undefined): readonly Placeholder[] {
  if (subject === 'session' || subject === 'exam') return PLACEHOLDERS
  if (subject === 'portfolio') return ['nama', 'tanggal']
  return ['nama']
}

/** The `{…}` of `text` that are not placeholders, and the placeholders the criteria give no value for. */
export function placeholderProblems(
  text: string,
  subject: SubjectKind | undefined,
): { unknown: string[]; needsSubject: Placeholder[] } {
  const unknown = new Set<string>()
  const needsSubject = new Set<Placeholder>()
  const fillable = fillableBy(subject)
  for (const match of text.matchAll(TOKEN)) {
    const name = match[1] ?? ''
    if (!isPlaceholder(name)) unknown.add(match[0])
    else if (!fillable.includes(name)) needsSubject.add(name)
  }
  return { unknown: [...unknown], needsSubject: [...needsSubject] }
}

/** The placeholders `text` uses (known ones only). */
export function placeholdersIn(text: string): Placeholder[] {
  const used = new Set<Placeholder>()
  for (const match of text.matchAll(TOKEN)) if (isPlaceholder(match[1] ?? '')) used.add(match[1] as Placeholder)
  return [...used]
}

/** A text cut at its placeholders: literal pieces and placeholder names alternate (pieces[0] is literal). */
export type CompiledText = { pieces: string[]; names: Placeholder[] }

/** Compiles `template` once; throws on a `{…}` that is not a placeholder (a bug: placeholderProblems ran first). */
export function compileText(template: string): CompiledText {
  const pieces: string[] = []
  const names: Placeholder[] = []
  let last = 0
  for (const match of template.matchAll(TOKEN)) {
    const name = match[1] ?? ''
    if (!isPlaceholder(name)) throw new Error(`unknown placeholder ${match[0]} left in an announcement text`)
    pieces.push(template.slice(last, match.index))
    names.push(name)
    last = (match.index ?? 0) + match[0].length
  }
  pieces.push(template.slice(last))
  return { pieces, names }
}

/** The compiled text with every placeholder filled. */
export function fillCompiled(text: CompiledText, values: Record<Placeholder, string>): string {
  let out = text.pieces[0] ?? ''
  for (let i = 0; i < text.names.length; i++) out += values[text.names[i] as Placeholder] + (text.pieces[i + 1] ?? '')
  return out
}

/** Fills every placeholder of `template`; throws on one that is not a placeholder. */
export function fillStrict(template: string, values: Record<Placeholder, string>): string {
  return fillCompiled(compileText(template), values)
}
