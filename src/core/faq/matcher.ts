/**
 * Finds the topic a question is about. Every topic (and every known out-of-scope subject) is
 * indexed with MiniSearch (BM25) from its title, keywords and example phrasings, after the
 * analyzer has normalised, corrected and stemmed them; a question goes through the same analyzer.
 * The outcome is a confident answer, up to three suggestions, a known out-of-scope subject, or
 * nothing.
 */
import MiniSearch from 'minisearch'
import { createTopicClassifier, type TopicClassifier } from './classifier.js'
import type { FaqTopic, KnowledgeBase, OutOfScope } from './knowledge-base.js'
import { CHAT_REWRITES, QUESTION_WORDS, REWRITES, WEAK_TERMS } from './lexicon.js'
import type { NetworkCache } from './network-cache.js'
import { type Analyzer, type AnalyzerOptions, cleanText, createAnalyzer, words } from './normalize.js'
import { ENGLISH_MARKERS, REGIONAL_LANGUAGES, regionalWords } from './regional.js'

export type MatchOutcome =
  | { kind: 'answer'; topic: FaqTopic; score: number }
  | { kind: 'suggest'; topics: FaqTopic[]; score: number }
  | { kind: 'outOfScope'; subject: OutOfScope; score: number }
  | { kind: 'none'; score: number }

export type MatcherTuning = {
  /** Field weights in the BM25 sum. */
  boost: { title: number; keywords: number; examples: number }
  /** Weight of generic words ("sertifikasi", "apa") relative to the others. */
  weakTerm: number
  /** Minimum confidence for a direct answer. */
  answerAt: number
  /** Minimum share of the question's words the best topic must know to be suggested at all. */
  suggestCoverage: number
  /** Analysis steps (all on unless switched off to measure them). */
  analysis?: AnalyzerOptions
  /**
   * The neural second opinion (classifier.ts), or null to do without it. `answerAt`: the score at
   * which it may answer a question BM25 was unsure about, when BM25 also ranks that topic first;
   * `outOfScopeAt`: the score at which its verdict "one of the subjects we do not handle" wins
   * over a BM25 answer.
   */
  neural: { iterations: number; answerAt: number; outOfScopeAt: number } | null
  /**
   * An out-of-scope subject among the next candidates that knows more of the question's words
   * than the best topic, with at least this share of its score, wins ("ukom ners jadwalnya kpn").
   */
  rivalShare?: number
  /**
   * Questions with a word of a regional language or English are matched by a matcher that also learnt
   * the labelled questions in those languages; the others by one that learnt the Indonesian ones only
   * (false: one matcher learns everything, to measure what this adds).
   */
  routeByLanguage?: boolean
  /** With routing: the Indonesian matcher's agreeing answer when the other gives none (false: none, to measure it). */
  routeFallback?: boolean
}

/**
 * Chosen by 5-fold cross-validation over content/faq-questions.jsonl (bench/faq/tune.ts cv): the
 * most correct answers while still declining well over 90% of out-of-scope questions (docs/faq-content.md,
 * "Evaluation").
 */
export const DEFAULT_TUNING: MatcherTuning = {
  boost: { title: 1, keywords: 2, examples: 1 },
  weakTerm: 0.3,
  answerAt: 0.2,
  suggestCoverage: 0.34,
  neural: { iterations: 60, answerAt: 0.3, outOfScopeAt: 0.3 },
  rivalShare: 0.4,
}

type Doc = { id: string; title: string; keywords: string; examples: string }
type Subject = { kind: 'topic'; topic: FaqTopic } | { kind: 'outOfScope'; subject: OutOfScope }
export type Ranked = { subject: Subject; id: string; score: number; coverage: number }

export type Matcher = {
  match(question: string): MatchOutcome
  /** Ranked candidates with their raw scores (for evaluation and the CLI). */
  rank(question: string): Ranked[]
  analyzer: Analyzer
}

/** Every word of the knowledge base, and (`spelledOut`) only those from its edited prose. */
function vocabularyOf(kb: KnowledgeBase, wordsOf: (text: string) => string[], spelledOut = false): string[] {
  const texts = [
    ...kb.topics.flatMap((topic) => [
      topic.title.id,
      topic.title.en,
      topic.answer.id,
      ...topic.keywords,
      ...(spelledOut ? [] : topic.examples),
    ]),
    ...kb.outOfScope.flatMap((item) => [...item.keywords, ...(spelledOut ? [item.reply.id] : item.examples)]),
    ...Object.values(REWRITES),
  ]
  return texts.flatMap(wordsOf)
}

/**
 * `analyse` with each distinct text analysed once: a build meets most texts several times. Each
 * result is kept as one joined string (words never hold a space): thousands of arrays kept for the
 * whole build would outlive the young generation and leave the old one full of garbage, collected
 * in a pause just after start-up.
 */
function once(analyse: (text: string) => string[]): (text: string) => string[] {
  const done = new Map<string, string>()
  return (text) => {
    let joined = done.get(text)
    if (joined === undefined) {
      joined = analyse(text).join(' ')
      done.set(text, joined)
    }
    return joined === '' ? [] : joined.split(' ')
  }
}

/** The knowledge base with each labelled question added to the examples of the entry it names. */
function withQuestions(kb: KnowledgeBase): KnowledgeBase {
  if (!kb.questions.length) return kb
  const byId = new Map<string, string[]>()
  for (const { q, topic } of kb.questions) {
    const examples = byId.get(topic)
    if (examples) examples.push(q)
    else byId.set(topic, [q])
  }
  const more = <T extends { id: string; examples: string[] }>(entry: T): T => ({
    ...entry,
    examples: [...entry.examples, ...(byId.get(entry.id) ?? [])],
  })
  return { ...kb, topics: kb.topics.map(more), outOfScope: kb.outOfScope.map(more), questions: [] }
}

/**
 * The words, as typed, that show a question is written (partly) in a regional language or English: the
 * words of the regional tables and English function words, and the words the labelled questions in those
 * languages use at least twice that no Indonesian labelled question and no text of the knowledge base uses.
 */
export function regionalMarkers(kb: KnowledgeBase): Set<string> {
  const raw = (text: string) =>
    cleanText(text)
      .split(' ')
      .filter((word) => word.length >= 2)
  const markers = new Set<string>(ENGLISH_MARKERS)
  // The English table's words are left out: many are loanwords in Indonesian chat ("update", "upload", "website").
  for (const language of REGIONAL_LANGUAGES) {
    if (language === 'english') continue
    for (const word of Object.keys(regionalWords(language))) if (!(word in CHAT_REWRITES)) markers.add(word)
  }
  const indonesian = new Set(
    [
      ...kb.questions.filter((question) => !question.lang).map((question) => question.q),
      ...kb.topics.flatMap((topic) => [topic.title.id, topic.answer.id, ...topic.examples, ...topic.keywords]),
      ...kb.outOfScope.flatMap((item) => [item.reply.id, ...item.examples, ...item.keywords]),
    ].flatMap(raw),
  )
  const counts = new Map<string, number>()
  for (const question of kb.questions) {
    if (!question.lang) continue
    for (const word of new Set(raw(question.q))) counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  for (const [word, count] of counts) if (count >= 2 && !indonesian.has(word) && !/\d/.test(word)) markers.add(word)
  return markers
}

// Building takes about a second (more when the network is not cached): every core built from the
// same content shares one.
const built = new Map<string, Matcher>()

/** The matcher of this content; `cache` keeps its trained network between processes (null: trained every time). */
export function createMatcher(kb: KnowledgeBase, cache: NetworkCache | null, tuning: MatcherTuning = DEFAULT_TUNING): Matcher {
  const key = JSON.stringify([kb, tuning])
  let matcher = built.get(key)
  if (!matcher) {
    matcher = routedMatcher(kb, tuning, cache)
    if (built.size >= 8) built.clear()
    built.set(key, matcher)
  }
  return matcher
}

/**
 * Two matchers when some labelled questions are in a regional language or English. Thousands of such
 * paraphrases change BM25's statistics and the network's weights for common Indonesian words: a matcher
 * that learnt them answered Indonesian questions worse, and refused in-scope ones it should have answered
 * (docs/faq-content.md, "Regional languages"). So a question with no word of those languages
 * (regionalMarkers) is matched by the matcher that learnt the Indonesian questions only, as before they
 * were added; a question with one by the matcher that learnt everything, and when that one is unsure or
 * finds nothing (not when it finds the question is not ours), by the Indonesian one if it answers
 * confidently with the topic the other ranks first.
 */
function routedMatcher(content: KnowledgeBase, tuning: MatcherTuning, cache: NetworkCache | null): Matcher {
  const indonesianQuestions = content.questions.filter((question) => !question.lang)
  if (!(tuning.routeByLanguage ?? true) || indonesianQuestions.length === content.questions.length) {
    return buildMatcher(content, tuning, cache)
  }
  const everything = buildMatcher(content, tuning, cache)
  const indonesian = buildMatcher({ ...content, questions: indonesianQuestions }, tuning, cache)
  const markers = regionalMarkers(content)
  const isRegional = (question: string) =>
    cleanText(question)
      .split(' ')
      .some((word) => markers.has(word))
  return {
    analyzer: everything.analyzer,
    rank: (question) => (isRegional(question) ? everything : indonesian).rank(question),
    match(question) {
      if (!isRegional(question)) return indonesian.match(question)
      const outcome = everything.match(question)
      // Its verdict that the question is not ours stands: the reply points to the right office.
      if (outcome.kind === 'answer' || outcome.kind === 'outOfScope' || tuning.routeFallback === false) return outcome
      // Unsure or nothing: the Indonesian matcher's confident answer, when the other ranks that topic first
      // too (both point to the same topic).
      const second = indonesian.match(question)
      return second.kind === 'answer' && everything.rank(question)[0]?.id === second.topic.id ? second : outcome
    },
  }
}

function buildMatcher(content: KnowledgeBase, tuning: MatcherTuning, cache: NetworkCache | null): Matcher {
  // Answers name the entries as written; everything learnt also learns the labelled questions.
  const kb = withQuestions(content)
  const rewriting = tuning.analysis?.rewriting ?? true
  const wordsOf = once((text: string) => words(text, rewriting))
  const analyzer = createAnalyzer(vocabularyOf(kb, wordsOf), tuning.analysis, vocabularyOf(kb, wordsOf, true))
  // The build's own analyses, kept only while building (questions are analysed afresh).
  const termsOf = once((text: string) => analyzer.termsOfWords(wordsOf(text)))
  const subjects = new Map<string, Subject>([
    ...content.topics.map((topic) => [topic.id, { kind: 'topic', topic }] as const),
    ...content.outOfScope.map((subject) => [subject.id, { kind: 'outOfScope', subject }] as const),
  ])
  const index = new MiniSearch<Doc>({
    fields: ['title', 'keywords', 'examples'],
    // Text is analysed before it reaches the index.
    tokenize: (text) => text.split(' ').filter(Boolean),
    processTerm: (term) => term,
    searchOptions: {
      boost: tuning.boost,
      combineWith: 'OR',
    },
  })
  /** Every term in the index: a question's other terms can add nothing to a score. */
  const indexed = new Set<string>()
  const join = (texts: string[]) => {
    const terms = texts.flatMap(termsOf)
    for (const term of terms) indexed.add(term)
    return terms.join(' ')
  }
  // Words only out-of-scope subjects use ("umroh", "saham", "paspor"): a question that has one is
  // about something else, even when it also has a word of ours ("biaya umroh").
  const topicTerms = new Set(
    kb.topics.flatMap((topic) => [topic.title.id, topic.title.en, ...topic.keywords, ...topic.examples].flatMap(termsOf)),
  )
  const foreignTerms = new Set(
    kb.outOfScope.flatMap((item) => item.keywords.flatMap(termsOf)).filter((term) => !topicTerms.has(term)),
  )
  index.addAll([
    ...kb.topics.map((topic) => ({
      id: topic.id,
      title: join([topic.title.id, topic.title.en]),
      keywords: join(topic.keywords),
      examples: join(topic.examples),
    })),
    ...kb.outOfScope.map((item) => ({ id: item.id, title: '', keywords: join(item.keywords), examples: join(item.examples) })),
  ])

  const classifier: TopicClassifier | null = tuning.neural
    ? createTopicClassifier(kb, { ...analyzer, terms: termsOf }, tuning.neural.iterations, cache)
    : null

  // The last question's ranking: the routed matcher asks for it right after matching the same question.
  let last: { question: string; ranked: Ranked[] } | undefined
  function rank(question: string): Ranked[] {
    return last?.question === question ? last.ranked : rankTerms(analyzer.terms(question))
  }

  function rankTerms(query: string[]): Ranked[] {
    // "lagi apa", "gimana?": question words alone ask nothing we can answer.
    if (query.every((term) => QUESTION_WORDS.has(term))) return []
    // Generic words weigh less, unless the question has nothing else ("apa itu sertifikasi").
    const weak = query.some((term) => !WEAK_TERMS.has(term)) ? tuning.weakTerm : 1
    const weight = (term: string) => (WEAK_TERMS.has(term) ? weak : 1)
    const total = query.reduce((sum, term) => sum + weight(term), 0)
    // Each indexed term searched once, weighted by how often it occurs: the same scores as searching
    // every occurrence (BM25 adds them up), at a cost bounded by the vocabulary rather than by the
    // length of the message ("ab2" typed 600 times is two terms, not 1,200 searches).
    const counts = new Map<string, number>()
    for (const term of query) if (indexed.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1)
    if (counts.size === 0) return []
    const results = index.search([...counts.keys()].join(' '), {
      boostTerm: (term) => weight(term) * (counts.get(term) ?? 0),
    })
    return results.flatMap((result) => {
      const subject = subjects.get(String(result.id))
      if (!subject) return []
      // Unknown words count against coverage: a question mostly about other things is not ours.
      const matched = result.queryTerms.reduce((sum, term) => sum + weight(term), 0)
      return [{ subject, id: String(result.id), score: result.score, coverage: matched / total }]
    })
  }

  return {
    analyzer,
    rank,
    match(question) {
      const query = analyzer.terms(question)
      const ranked = rankTerms(query)
      last = { question, ranked }
      const [first, second] = ranked
      if (!first) return { kind: 'none', score: 0 }
      const verdict = classifier?.best(query)
      const neural = tuning.neural
      if (first.subject.kind === 'topic' && query.some((term) => foreignTerms.has(term))) {
        const foreign = ranked.find((r) => r.subject.kind === 'outOfScope')
        if (foreign?.subject.kind === 'outOfScope') return { kind: 'outOfScope', subject: foreign.subject.subject, score: 0 }
        return { kind: 'none', score: 0 }
      }
      const rivalShare = tuning.rivalShare
      if (rivalShare !== undefined && first.subject.kind === 'topic') {
        const rival = ranked
          .slice(1, 4)
          .find((r) => r.subject.kind === 'outOfScope' && r.coverage > first.coverage && r.score >= first.score * rivalShare)
        if (rival?.subject.kind === 'outOfScope') return { kind: 'outOfScope', subject: rival.subject.subject, score: 0 }
      }
      // Confident when the best topic stands clearly above the next and knows most of the words.
      const margin = second ? 1 - second.score / first.score : 1
      const confidence = Math.sqrt(margin) * first.coverage
      const score = Number(confidence.toFixed(4))
      if (first.subject.kind === 'outOfScope') return { kind: 'outOfScope', subject: first.subject.subject, score }
      // The network's "this is one of the subjects we do not handle" wins, unless every word of the
      // question is one BM25's best topic knows ("baru lulus poltekesos, bisa langsung sertifikasi").
      if (verdict && neural) {
        const other =
          verdict.outOfScope && verdict.score >= neural.outOfScopeAt && first.coverage < 1 ? subjects.get(verdict.id) : undefined
        if (other?.kind === 'outOfScope') return { kind: 'outOfScope', subject: other.subject, score: 0 }
      }
      if (confidence >= tuning.answerAt) return { kind: 'answer', topic: first.subject.topic, score }
      // BM25 unsure, but the network is sure of the same topic and the question is mostly ours.
      if (
        verdict &&
        neural &&
        !verdict.outOfScope &&
        verdict.id === first.id &&
        verdict.score >= neural.answerAt &&
        first.coverage >= tuning.suggestCoverage
      ) {
        return { kind: 'answer', topic: first.subject.topic, score: Number(Math.min(1, verdict.score).toFixed(4)) }
      }
      const topics = ranked.flatMap((r) => (r.subject.kind === 'topic' ? [r.subject.topic] : [])).slice(0, 3)
      if (first.coverage >= tuning.suggestCoverage && topics.length) return { kind: 'suggest', topics, score }
      return { kind: 'none', score }
    },
  }
}
