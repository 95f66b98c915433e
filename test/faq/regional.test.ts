/**
 * Questions in the regional languages and English (issue 22): the word tables and affix rules bring
 * them to the words the knowledge base uses, the labelled paraphrases teach the rest, and Indonesian
 * questions are still matched by a matcher of Indonesian questions.
 */
import { describe, expect, it } from 'vitest'
import { defaultFaqCacheDir } from '../../src/config.js'
import { FaqContentError, loadKnowledgeBase, parseQuestions } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING, regionalMarkers } from '../../src/core/faq/matcher.js'
import { createAnalyzer } from '../../src/core/faq/normalize.js'
import { REGIONAL_LANGUAGES, regionalWords } from '../../src/core/faq/regional.js'
import { outcome } from '../support/faq.js'

const CACHE = { dir: defaultFaqCacheDir(process.env), now: () => new Date() }
const kb = loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl')
const matcher = createMatcher(kb, CACHE)

describe('regional affixes and sound changes become the words of the knowledge base', () => {
  const vocabulary = ['daftar', 'sertifikat', 'lulus', 'nama', 'tanya', 'lama', 'jadwal', 'ujian']
  const analyzer = createAnalyzer(vocabulary)
  const without = createAnalyzer(vocabulary, { regionalForms: false })
  it.each([
    ['lulusmi', 'lulus'], // Makassar clitic
    ['ujianmi', 'ujian'],
    ['dipundaftar', 'daftar'], // Javanese krama passive
    ['didaftarkeun', 'daftar'], // Sundanese
    ['daftarang', 'daftar'], // Balinese
    ['namo', 'nama'], // Minang -o for -a
    ['lamo', 'lama'],
  ])('%s → %s (and not without the regional rules)', (word, term) => {
    expect(analyzer.terms(word)).toEqual([term])
    expect(without.terms(word)).not.toEqual([term])
  })

  it('English inflections of the words it knows: "schedules", "registered"', () => {
    expect(analyzer.terms('schedules')).toEqual(['jadwal'])
    expect(analyzer.terms('registered')).toEqual(['daftar'])
  })

  it('question words and negation of each language mean the Indonesian ones', () => {
    expect(analyzer.terms('piye kumaha kenken cemana bagemana')).toEqual(Array(5).fill('bagaimana'))
    expect(analyzer.terms('durung dereng alun balum tonden balom')).toEqual(Array(6).fill('belum'))
  })
})

describe('questions as people ask at home get the right answer', () => {
  it.each([
    ['naon wae syaratna', 'syarat'], // Sundanese
    ['ambo alah lulus, baa caro mangurus izin praktik', 'str-sipps'], // Minang
    ['durung kompeten, kudu piye', 'belum-kompeten'], // Javanese
    ['nami abdi lepat dina sertifikat', 'ubah-data'], // Sundanese
    ['sa pu sertifikat su ilang, bikin baru bagemana', 'sertifikat-hilang'], // Papuan Malay
    ['tiang dados relawan, nyidang milu sertifikasi?', 'relawan'], // Balinese
    ['how do i check if a social worker certificate is real', 'verifikasi'], // English
  ])('%j → %s', (question, topic) => {
    expect(outcome(matcher.match(question))).toBe(`answer ${topic}`)
  })

  it('"piye carane melu sertifikasi" is answered with how to join', () => {
    expect(['answer alur', 'answer bimtek-daftar']).toContain(outcome(matcher.match('piye carane melu sertifikasi')))
  })

  it('a regional question about something that is not ours is not answered with a topic', () => {
    expect(outcome(matcher.match('bansos pkh kapan cair ya, durung mlebu rekening'))).toMatch(/^out of scope |^none$/)
  })
})

describe('Indonesian questions are matched as by a matcher of Indonesian questions', () => {
  const indonesian = createMatcher({ ...kb, questions: kb.questions.filter((question) => !question.lang) }, CACHE)
  it.each([
    'syarat ikut sertifikasi apa aja',
    'sertif sy hilang gmn',
    'bimtek bulan depan ada gk',
    'biaya sertifikasi brp',
    'jadwal kereta bandung jakarta',
  ])('%j', (question) => {
    expect(outcome(matcher.match(question))).toBe(outcome(indonesian.match(question)))
  })

  it('a word of a regional language or English sends a question to the matcher that learnt them', () => {
    const markers = regionalMarkers(kb)
    for (const word of ['piye', 'naon', 'ambo', 'ulun', 'tiang', 'beta', 'the']) expect(markers.has(word)).toBe(true)
    for (const word of ['bagaimana', 'syarat', 'sertifikat', 'daftar', 'online']) expect(markers.has(word)).toBe(false)
  })

  it('without routing, one matcher learning everything answers differently for some Indonesian questions', () => {
    // What routing protects: the regional paraphrases change the single matcher's verdicts.
    const single = createMatcher(kb, CACHE, { ...DEFAULT_TUNING, routeByLanguage: false })
    const questions = kb.questions.filter((question) => !question.lang).map((question) => question.q)
    const differ = questions.filter((question) => outcome(single.match(question)) !== outcome(matcher.match(question)))
    expect(differ.length).toBeGreaterThan(0)
  })
})

describe('the labelled questions file', () => {
  it('names the language of a regional question with one of the known groups', () => {
    const content = loadKnowledgeBase('content/faq.yaml')
    const good = parseQuestions('{"q": "piye carane", "topic": "alur", "lang": "jawa"}\n', 'q.jsonl', content)
    expect(good).toEqual([{ q: 'piye carane', topic: 'alur', lang: 'jawa' }])
    expect(() => parseQuestions('{"q": "piye carane", "topic": "alur", "lang": "javanese"}\n', 'q.jsonl', content)).toThrow(
      FaqContentError,
    )
    expect(() => parseQuestions('{"q": "piye carane", "topic": "alur", "lang": "javanese"}\n', 'q.jsonl', content)).toThrow(
      /line 1: lang/,
    )
  })

  it('holds questions in every language group, for topics and for subjects that are not ours', () => {
    for (const language of REGIONAL_LANGUAGES) {
      const lines = kb.questions.filter((question) => question.lang === language)
      expect(lines.filter((question) => kb.topics.some((topic) => topic.id === question.topic)).length).toBeGreaterThanOrEqual(64)
      expect(lines.filter((question) => kb.outOfScope.some((item) => item.id === question.topic)).length).toBeGreaterThanOrEqual(
        16,
      )
      expect(Object.keys(regionalWords(language)).length).toBeGreaterThan(0)
    }
  })
})
