/**
 * A second opinion for the understanding step's rules: five one-layer neural networks (@nlpjs/neural, as the FAQ's own
 * second opinion), averaged, trained on labelled messages written by people who did not write the rules
 * (content/understanding/*.jsonl). The rules know the cue words; the network learns how other people put a request,
 * which carries over to writers neither has seen (docs/understanding.md, "The second opinion").
 *
 * Its features are the analysed words of the message and their pairs, the rules' own cues (knowledge, request, mine,
 * each cue family of the lexicon) and which details the message states. It never reads slots: they stay the rules'.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Sample } from '@nlpjs/neural'
import { FaqContentError } from '../faq/knowledge-base.js'
import { type NetworkCache, trainedNetwork } from '../faq/network-cache.js'
import { type Cues, cuesOf, cueText } from './intents.js'
import { CUES } from './lexicon.js'
import { INTENTS, type Intent } from './types.js'

/** One labelled message: what it says and the intent its writer meant. Other fields of a line are ignored. */
export type Example = { message: string; intent: Intent; slots: Record<string, unknown> }

/** How much the rules' reading weighs against the network's (the rest); chosen on the validation sets, see the docs. */
export const SECOND_OPINION_TUNING = {
  rulesWeight: 0.45,
  /**
   * One network per entry, each trained this many rounds, their shares averaged: one network's verdict swings with
   * small changes of the cues (a point or two on the validation sets), the average of five much less.
   */
  iterations: [30, 45, 60, 75, 90],
} as const

/** The slot names whose presence is a feature (the issue's names). */
const DETAILS = ['province', 'regency', 'region', 'month', 'mode', 'number', 'code'] as const

export type SecondOpinion = {
  /** How much the rules' reading weighs (0–1); the network's shares weigh the rest. */
  rulesWeight: number
  /** Each intent's share (they add up to 1), from the message's analysed words, its cues and the details it states. */
  weigh(text: string, cues: Cues, details: readonly string[]): Partial<Record<Intent, number>>
}

/** The features of an analysed message (`cueText`), its cues and the names of the details it states. */
export function featuresOf(text: string, cues: Cues, details: readonly string[]): Record<string, number> {
  const words = text.split(' ').filter(Boolean)
  const features: Record<string, number> = {}
  for (const word of words) features[word] = 1
  for (let i = 0; i + 1 < words.length; i++) features[`${words[i]}_${words[i + 1]}`] = 1
  if (cues.knowledge) features['#knowledge'] = 1
  if (cues.request) features['#request'] = 1
  if (cues.mine) features['#mine'] = 1
  if (cues.asking) features['#asking'] = 1
  for (const [name, cue] of Object.entries(CUES)) if (cue.test(text)) features[`#cue:${name}`] = 1
  for (const name of details) if ((DETAILS as readonly string[]).includes(name)) features[`#detail:${name}`] = 1
  return features
}

const isIntent = (value: unknown): value is Intent => typeof value === 'string' && (INTENTS as readonly string[]).includes(value)

/**
 * The labelled messages of every `.jsonl` file in `dir`, in file-name order. A folder that cannot be read or a line that
 * is not a message with a known intent stops the start with the file and line (FaqContentError, "Content error: …"):
 * examples are content, and a typo in one must not go unseen.
 */
export function loadExamples(dir: string): Example[] {
  let files: string[]
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith('.jsonl'))
      .sort()
  } catch {
    throw new FaqContentError(dir, 'folder', 'cannot be read (UNDERSTAND_EXAMPLES_DIR; "none" switches the examples off)')
  }
  const examples: Example[] = []
  for (const name of files) {
    const file = join(dir, name)
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (!line.trim()) return
        let parsed: unknown
        try {
          parsed = JSON.parse(line)
        } catch {
          throw new FaqContentError(file, `line ${index + 1}`, 'not JSON')
        }
        const { message, intent, slots } = (parsed ?? {}) as Record<string, unknown>
        if (typeof message !== 'string' || !message.trim() || !isIntent(intent)) {
          throw new FaqContentError(file, `line ${index + 1}`, `needs "message" and "intent" (one of ${INTENTS.join(', ')})`)
        }
        examples.push({ message, intent, slots: slots && typeof slots === 'object' ? (slots as Record<string, unknown>) : {} })
      })
  }
  return examples
}

/**
 * The five networks over `examples`, trained (or loaded from `cache`) and turned around for reading: the names of the
 * features, one row per feature (its weight for every network and intent: network n, intent k at n × 13 + k, intents
 * in INTENTS order) in one flat array, and the biases in the same order. `analyse` gives the analysed text and cues of
 * a message, as the rules see them; the details of an example are the slots its writer labelled.
 */
export function columnsFor(
  examples: readonly Example[],
  analyse: (message: string) => { text: string; cues: Cues },
  cache: NetworkCache | null,
): Columns {
  const corpus: Sample[] = examples.map((example) => {
    const { text, cues } = analyse(example.message)
    return { input: featuresOf(text, cues, Object.keys(example.slots)), output: { [example.intent]: 1 } }
  })
  const count = SECOND_OPINION_TUNING.iterations.length
  const width = count * INTENTS.length
  const index = new Map<string, number>()
  const byFeature: Float32Array[] = []
  const bias = new Float64Array(width)
  // One network at a time: each is read into the rows and then let go (memory: a network's JSON is megabytes).
  SECOND_OPINION_TUNING.iterations.forEach((iterations, n) => {
    const json = trainedNetwork(corpus, { iterations, log: false }, cache).toJSON() as TrainedJson
    const features = json.features ?? []
    const perceptrons = json.perceptrons ?? []
    ;(json.intents ?? []).forEach((label, i) => {
      const k = INTENTS.indexOf(label as Intent)
      const weights = perceptrons[i]
      if (k < 0 || !weights) return
      bias[n * INTENTS.length + k] = weights[features.length] ?? 0
      features.forEach((feature, f) => {
        const weight = weights[f] ?? 0
        if (weight === 0) return
        let at = index.get(feature)
        if (at === undefined) {
          at = byFeature.length
          index.set(feature, at)
          byFeature.push(new Float32Array(width))
        }
        const row = byFeature[at]
        if (row) row[n * INTENTS.length + k] = weight
      })
    })
  })
  const rows = new Float32Array(byFeature.length * width)
  byFeature.forEach((row, at) => {
    rows.set(row, at * width)
  })
  return { features: [...index.keys()], rows, bias }
}

/** The networks as columnsFor gives them: small enough to pass from a worker thread (the arrays are transferred). */
export type Columns = { features: string[]; rows: Float32Array; bias: Float64Array }

/** A second opinion reading `columns`; a message costs one row per feature it has, for every network and intent. */
export function opinionOf(columns: Columns, rulesWeight: number = SECOND_OPINION_TUNING.rulesWeight): SecondOpinion {
  const count = SECOND_OPINION_TUNING.iterations.length
  const width = INTENTS.length
  const stride = count * width
  const rows = new Map<string, Float32Array>()
  columns.features.forEach((feature, at) => {
    rows.set(feature, columns.rows.subarray(at * stride, (at + 1) * stride))
  })
  return {
    rulesWeight,
    weigh(text, cues, details) {
      // Per network and intent: max(0, bias + the weights of the features present); each network's shares averaged.
      const sums = Float64Array.from(columns.bias)
      for (const feature of Object.keys(featuresOf(text, cues, details))) {
        const row = rows.get(feature)
        if (row) for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] ?? 0) + (row[i] ?? 0)
      }
      const shares: Partial<Record<Intent, number>> = {}
      for (let n = 0; n < count; n++) {
        let total = 0
        for (let k = 0; k < width; k++) total += Math.max(0, sums[n * width + k] ?? 0)
        if (total <= 0) continue
        INTENTS.forEach((intent, k) => {
          const share = Math.max(0, sums[n * width + k] ?? 0) / total / count
          if (share > 0) shares[intent] = (shares[intent] ?? 0) + share
        })
      }
      return shares
    },
  }
}

/** Trains (or loads from `cache`) the networks over `examples` and reads them, in this thread. */
export function createSecondOpinion(
  examples: readonly Example[],
  analyse: (message: string) => { text: string; cues: Cues },
  cache: NetworkCache | null,
  rulesWeight: number = SECOND_OPINION_TUNING.rulesWeight,
): SecondOpinion {
  return opinionOf(columnsFor(examples, analyse, cache), rulesWeight)
}

/** What @nlpjs/neural's toJSON gives: the feature and intent names, and per intent its weights then its bias. */
type TrainedJson = { features?: string[]; intents?: string[]; perceptrons?: number[][] }

/**
 * Every `FAQ_SHARE`-th labelled FAQ question (FAQ_QUESTIONS_PATH) joins the examples as a knowledge question: the
 * examples alone have too few of them, all of them would drown the requests (docs/understanding.md, "The second
 * opinion", for the figures of each choice).
 */
export const FAQ_SHARE = 4

/** The FAQ's labelled questions that join the examples as `faq`: every FAQ_SHARE-th line of the file. */
export function faqExamples(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const examples: Example[] = []
  lines.forEach((line, index) => {
    if (!line.trim() || index % FAQ_SHARE !== 0) return
    const { q } = JSON.parse(line) as { q?: unknown }
    if (typeof q === 'string' && q.trim()) examples.push({ message: q, intent: 'faq', slots: {} })
  })
  return examples
}

/** Second opinions already made in this process, by their examples: every core over the same content shares one. */
const made = new Map<string, SecondOpinion>()

/** What a worker thread is given to make the networks (second-opinion-worker.ts). */
export type WorkerInput = { examples: Example[]; cacheDir: string | undefined; now: number }

/** The analysis the rules use, for the examples. */
export const analyseExample = (message: string) => {
  const text = cueText(message)
  return { text, cues: cuesOf(text) }
}

/** A second opinion over `examples`, made on first use (or by `prepare`) and then shared by the process. */
export type LazySecondOpinion = SecondOpinion & {
  /** Makes it now, in this thread (trains or loads the networks: seconds the first time on a machine, about one after). */
  prepare(): void
  /**
   * Makes it in a worker thread (`worker`: second-opinion-worker's file), so the memory of loading goes with the worker;
   * until it is ready, sentences are read by the rules alone. Resolves once it is in use.
   */
  prepareInBackground(worker: URL): Promise<void>
}

/**
 * The second opinion over the examples in `dir` (UNDERSTAND_EXAMPLES_DIR) and a share of the FAQ's labelled questions
 * (`faqQuestions`, already checked by the knowledge base's loader), analysed as the rules see a message; none without
 * a folder. The examples are read and checked now (a broken line stops the start); the networks are made by
 * `prepareInBackground` (the server, once it listens), or else on the first message that needs them.
 */
export function secondOpinionFrom(
  dir: string | undefined,
  faqQuestions: string | undefined,
  cache: NetworkCache | null,
): LazySecondOpinion | undefined {
  if (dir === undefined) return undefined
  const examples = [...loadExamples(dir), ...(faqQuestions ? faqExamples(faqQuestions) : [])]
  // The key (a hash of the examples) is needed only when the networks are made, not for every core that opens.
  let key: string | undefined
  const keyOf = () => {
    key ??= createHash('sha256').update(JSON.stringify(examples)).digest('hex')
    return key
  }
  let opinion: SecondOpinion | undefined
  let background = false
  const keep = (made_: SecondOpinion) => {
    opinion = made_
    made.set(keyOf(), made_)
    return made_
  }
  const ready = (): SecondOpinion => {
    opinion ??= made.get(keyOf())
    return opinion ?? keep(createSecondOpinion(examples, analyseExample, cache))
  }
  return {
    rulesWeight: SECOND_OPINION_TUNING.rulesWeight,
    // No shares while a worker makes it: the rules' reading stands alone.
    weigh: (text, cues, details) => (opinion || !background ? ready().weigh(text, cues, details) : {}),
    prepare: () => {
      ready()
    },
    prepareInBackground: (worker) => {
      opinion ??= made.get(keyOf())
      if (opinion) return Promise.resolve()
      background = true
      // The examples already read and checked go to the worker as they are: it reads no file again.
      const input: WorkerInput = { examples, cacheDir: cache?.dir, now: cache?.now().getTime() ?? 0 }
      return new Promise<void>((resolve, reject) => {
        // Run from the TypeScript sources (tsx), the worker loads its file through tsx's own import.
        const thread = worker.pathname.endsWith('.ts')
          ? new Worker(
              `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(worker.href)}, ${JSON.stringify(worker.href)}))`,
              {
                eval: true,
                workerData: input,
              },
            )
          : new Worker(worker, { workerData: input })
        thread.once('message', (columns: Columns) => {
          if (!opinion) keep(opinionOf(columns))
          resolve()
        })
        thread.once('error', (error) => {
          background = false
          reject(error)
        })
        thread.once('exit', (code) => {
          if (code !== 0 && !opinion) {
            background = false
            reject(new Error(`the second opinion's worker stopped with code ${code}`))
          }
        })
      })
    },
  }
}
