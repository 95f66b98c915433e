/**
 * A second opinion for the matcher: a one-layer neural network (@nlpjs/neural, the intent
 * classifier of nlp.js) trained at start-up on every example phrasing, keyword and title of the
 * knowledge base, with the out-of-scope subjects as classes of their own. Where BM25 weighs words
 * by how rare they are, the network learns which words set one topic apart from the others
 * ("sobek" → a damaged certificate, whatever else is said), and which questions look like the
 * subjects we do not handle.
 */
import type { Sample } from '@nlpjs/neural'
import type { KnowledgeBase } from './knowledge-base.js'
import { type NetworkCache, trainedNetwork } from './network-cache.js'
import type { Analyzer } from './normalize.js'

export type Verdict = { id: string; score: number; outOfScope: boolean }

export type TopicClassifier = {
  /** Classes by score, best first; empty when the question has no word the network knows. */
  classify(terms: string[]): Verdict[]
  /** The first of `classify`, without ranking every class (the matcher reads only the best, on every question). */
  best(terms: string[]): Verdict | undefined
}

const OUT_OF_SCOPE = 'oos:'

/** Bag of terms; each term counted once, as in the training phrases. */
function features(terms: string[]): Record<string, number> {
  const input: Record<string, number> = {}
  for (const term of terms) input[term] = 1
  return input
}

/**
 * `iterations` stays small on purpose: a network trained to the last example memorises the
 * phrasings and generalises worse (cross-validated: docs/faq-content.md, "How a question is matched").
 * `cache`: where trained networks are kept between processes (network-cache.ts); null: none.
 */
export function createTopicClassifier(
  kb: KnowledgeBase,
  analyzer: Analyzer,
  iterations: number,
  cache: NetworkCache | null,
): TopicClassifier {
  const corpus: Sample[] = []
  const add = (texts: string[], label: string) => {
    for (const text of texts) {
      const terms = analyzer.terms(text)
      if (terms.length) corpus.push({ input: features(terms), output: { [label]: 1 } })
    }
  }
  for (const topic of kb.topics) add([topic.title.id, ...topic.examples, ...topic.keywords], topic.id)
  for (const item of kb.outOfScope) add([...item.examples, ...item.keywords], `${OUT_OF_SCOPE}${item.id}`)
  const known = new Set(corpus.flatMap((sample) => Object.keys(sample.input)))
  const network = trainedNetwork(corpus, { iterations, log: false }, cache)

  /** The network's score for every class, or undefined when the question has no word it knows. */
  function scores(terms: string[]): Record<string, number> | undefined {
    const input = features(terms.filter((term) => known.has(term)))
    if (Object.keys(input).length === 0) return undefined
    return network.run(input) ?? {}
  }
  const verdict = (label: string, score: number): Verdict =>
    label.startsWith(OUT_OF_SCOPE)
      ? { id: label.slice(OUT_OF_SCOPE.length), score, outOfScope: true }
      : { id: label, score, outOfScope: false }

  return {
    classify(terms) {
      const output = scores(terms)
      if (!output) return []
      return Object.entries(output)
        .map(([label, score]) => verdict(label, score))
        .sort((a, b) => b.score - a.score)
    },
    best(terms) {
      const output = scores(terms)
      if (!output) return undefined
      // The highest score, the earliest class among equals: what the stable sort above puts first.
      let top: [string, number] | undefined
      for (const label in output) {
        const score = output[label] as number
        if (top === undefined || score > top[1]) top = [label, score]
      }
      return top && verdict(top[0], top[1])
    },
  }
}
