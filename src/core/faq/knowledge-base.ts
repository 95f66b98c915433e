/**
 * The FAQ knowledge base: a YAML file in the repository that secretariat staff edit, and beside it
 * a file of labelled questions (one JSON object per line: a question as someone wrote it and the
 * topic that answers it, or null for "not ours") that the matcher learns from. Both are checked
 * completely at start-up; a malformed entry stops start-up with the file and the entry named.
 */
import { readFileSync } from 'node:fs'
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml'
import { z } from 'zod'
import { MENU_ITEMS } from '../menu.js'
import { REGIONAL_LANGUAGES, type RegionalLanguage } from './regional.js'

/** The topic ids other systems score the assistant by; they must all exist and never change. */
export const REQUIRED_TOPIC_IDS = [
  'apa-sertifikasi',
  'dasar-hukum',
  'siapa-wajib',
  'manfaat',
  'lembaga',
  'alur',
  'syarat',
  'portofolio',
  'uji-kompetensi',
  'ujian-daring',
  'hasil',
  'belum-kompeten',
  'biaya',
  'masa-berlaku',
  'jenjang-peksos',
  'str-sipps',
  'bimtek',
  'bimtek-daftar',
  'bimtek-jadwal',
  'cek-status',
  'verifikasi',
  'bbppks',
  'pengingat',
  'data-pribadi',
  'ubah-data',
  'sertifikat-hilang',
  'jalur-pendidikan',
  'kontak',
  'relawan',
  'pendamping-pkh',
] as const

const text = z.object({ id: z.string().trim().min(1), en: z.string().trim().min(1) }, { error: 'needs id and en texts' })
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by dashes')
const menuIds: readonly string[] = MENU_ITEMS.map((item) => item.id)

const topicSchema = z.object({
  id: slug,
  group: slug,
  title: text,
  answer: text,
  examples: z.array(z.string().trim().min(2)).min(3, 'needs at least 3 examples'),
  keywords: z.array(z.string().trim().min(2)).min(1, 'needs at least 1 keyword'),
  followUps: z
    .array(
      z.object({
        label: text,
        action: z.string().regex(/^(faq|menu):[a-z0-9-]+$/, 'must be faq:<topic id> or menu:<menu item>'),
      }),
    )
    .max(3, 'at most 3 follow-ups')
    .default([]),
})

/** Things people ask that the assistant does not handle, with where to go instead. */
const outOfScopeSchema = z.object({
  id: slug,
  reply: text,
  examples: z.array(z.string().trim().min(2)).min(3, 'needs at least 3 examples'),
  keywords: z.array(z.string().trim().min(2)).default([]),
})

const fileSchema = z.object({
  version: z.literal(1),
  groups: z.array(z.object({ id: slug, title: text })).min(1),
  topics: z.array(z.unknown()).min(1),
  outOfScope: z.array(z.unknown()).default([]),
})

export type FaqTopic = z.infer<typeof topicSchema>
export type OutOfScope = z.infer<typeof outOfScopeSchema>
export type FaqGroup = { id: string; title: { id: string; en: string } }
/** A question as someone wrote it, and the topic or out-of-scope subject that answers it. */
export type LabelledQuestion = { q: string; topic: string; lang?: RegionalLanguage }
export type KnowledgeBase = {
  groups: FaqGroup[]
  topics: FaqTopic[]
  outOfScope: OutOfScope[]
  /** Labelled questions the matcher learns from besides each entry's own examples. */
  questions: LabelledQuestion[]
}

/** Where a question labelled null ("not one of ours") is learnt: the general out-of-scope reply. */
export const GENERAL_OUT_OF_SCOPE = 'obrolan-umum'

const questionSchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty'),
  topic: z.string().nullable(),
  /** The language group a question is written in (regional.ts), when it is not Indonesian: for the figures by language. */
  lang: z.enum(REGIONAL_LANGUAGES).optional(),
})

/** A problem in the content file, worded for the staff member who edited it. */
export class FaqContentError extends Error {
  override name = 'FaqContentError'
  constructor(
    readonly file: string,
    readonly entry: string,
    readonly problem: string,
  ) {
    super(`${file}: ${entry}: ${problem}`)
  }
}

const describe = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`).join('; ')

/** Checks parsed content; `file` only names the source in errors. */
export function validateKnowledgeBase(data: unknown, file: string): KnowledgeBase {
  const shape = fileSchema.safeParse(data)
  if (!shape.success) throw new FaqContentError(file, 'file', describe(shape.error))
  const groups = shape.data.groups
  const topics = shape.data.topics.map((raw, index) => {
    const rawId = (raw as { id?: unknown } | null)?.id
    const entry = `topic ${index + 1}${typeof rawId === 'string' ? ` ("${rawId}")` : ''}`
    const parsed = topicSchema.safeParse(raw)
    if (!parsed.success) throw new FaqContentError(file, entry, describe(parsed.error))
    if (!groups.some((group) => group.id === parsed.data.group)) {
      throw new FaqContentError(file, entry, `group "${parsed.data.group}" is not one of the groups at the top of the file`)
    }
    return parsed.data
  })
  const seen = new Set<string>()
  topics.forEach((topic, index) => {
    const entry = `topic ${index + 1} ("${topic.id}")`
    if (seen.has(topic.id)) throw new FaqContentError(file, entry, 'this id is used twice')
    seen.add(topic.id)
  })
  topics.forEach((topic, index) => {
    for (const followUp of topic.followUps) {
      const [kind, target = ''] = followUp.action.split(':')
      const known = kind === 'faq' ? seen.has(target) : menuIds.includes(target)
      if (!known)
        throw new FaqContentError(file, `topic ${index + 1} ("${topic.id}")`, `follow-up "${followUp.action}" points nowhere`)
    }
  })
  const missing = REQUIRED_TOPIC_IDS.filter((id) => !seen.has(id))
  if (missing.length) throw new FaqContentError(file, 'topics', `missing required topic ids: ${missing.join(', ')}`)
  const outOfScope = shape.data.outOfScope.map((raw, index) => {
    const rawId = (raw as { id?: unknown } | null)?.id
    const entry = `outOfScope ${index + 1}${typeof rawId === 'string' ? ` ("${rawId}")` : ''}`
    const parsed = outOfScopeSchema.safeParse(raw)
    if (!parsed.success) throw new FaqContentError(file, entry, describe(parsed.error))
    if (seen.has(parsed.data.id)) throw new FaqContentError(file, entry, 'this id is already used by a topic')
    seen.add(parsed.data.id)
    return parsed.data
  })
  return { groups, topics, outOfScope, questions: [] }
}

/**
 * Checks a labelled-questions file (JSON Lines: `{"q": "...", "topic": "<id>" | null}`, optionally `"lang"`,
 * one of REGIONAL_LANGUAGES; other keys are ignored; blank lines are skipped) against the knowledge base it trains.
 */
export function parseQuestions(source: string, file: string, kb: KnowledgeBase): LabelledQuestion[] {
  const ids = new Set([...kb.topics.map((topic) => topic.id), ...kb.outOfScope.map((item) => item.id)])
  const questions: LabelledQuestion[] = []
  // A byte-order mark (some editors on Windows write one) is not part of the first line.
  source
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return
      const entry = `line ${index + 1}`
      let raw: unknown
      try {
        raw = JSON.parse(line)
      } catch {
        throw new FaqContentError(file, entry, 'is not a JSON object like {"q": "...", "topic": "syarat"}')
      }
      const parsed = questionSchema.safeParse(raw)
      if (!parsed.success) throw new FaqContentError(file, entry, describe(parsed.error))
      const topic = parsed.data.topic ?? GENERAL_OUT_OF_SCOPE
      if (!ids.has(topic)) {
        const what =
          parsed.data.topic === null
            ? `null needs the out-of-scope entry "${GENERAL_OUT_OF_SCOPE}"`
            : `topic "${topic}" is not a topic or out-of-scope id of the knowledge base`
        throw new FaqContentError(file, entry, what)
      }
      questions.push(parsed.data.lang ? { q: parsed.data.q, topic, lang: parsed.data.lang } : { q: parsed.data.q, topic })
    })
  return questions
}

/** Reads and checks the knowledge base file and, when named, its labelled questions. */
export function loadKnowledgeBase(file: string, questionsFile?: string): KnowledgeBase {
  const kb = loadContent(file)
  if (!questionsFile) return kb
  return { ...kb, questions: parseQuestions(readContent(questionsFile), questionsFile, kb) }
}

/** A content file's text, or the content error an editor can act on. */
function readContent(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new FaqContentError(file, 'file', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

function loadContent(file: string): KnowledgeBase {
  const source = readContent(file)
  let data: unknown
  try {
    // js-yaml rather than `yaml`: the same values for this content in a third of the start-up time.
    // The core schema reads YAML 1.2 plain scalars only (a date stays text, as in `yaml`).
    data = load(source, { schema: CORE_SCHEMA })
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark?.line
      throw new FaqContentError(file, line === undefined ? 'file' : `line ${line + 1}`, error.reason || 'invalid YAML')
    }
    throw error
  }
  return validateKnowledgeBase(data, file)
}
