/**
 * Trained networks kept between processes. Training the FAQ's network takes about a second and
 * gives the same weights every time for the same examples and settings (they start at zero), so a
 * process that starts with content and settings seen before loads the weights instead: each
 * restart, each command-line run, each test process.
 *
 * - The key is a hash of everything training depends on: the examples, the settings after their
 *   defaults, the version of @nlpjs/neural and the version of this format.
 * - The folder (FAQ_CACHE_DIR, by default $XDG_CACHE_HOME or ~/.cache, then
 *   kesos-assistant/faq-network) is private to the user running the assistant (made with mode
 *   0700, used only when it is theirs), and a file is only loaded when it is a regular file in it
 *   whose features, classes, weights and settings are exactly the shape training would give;
 *   anything else is trained afresh and written again.
 * - Files are written whole (a new file with a random name, then renamed), the newest 16 are kept (the FAQ's network and the understanding step's five, for a few versions of the content).
 * - A folder that cannot be made, read or written is simply not used.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { NeuralNetwork, type NeuralSettings, type Sample } from '@nlpjs/neural'

const FORMAT = 2
const KEEP = 16
const NEURAL_VERSION = (createRequire(import.meta.url)('@nlpjs/neural/package.json') as { version: string }).version

/** Where trained networks are kept, and the clock that marks a file's last use (the newest are kept). */
export type NetworkCache = { dir: string; now: () => Date }

const ownedByUs = (uid: number) => typeof process.getuid !== 'function' || uid === process.getuid()

/** Makes `dir` if needed; whether it is a real folder of this user, closed to others. */
function privateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const info = lstatSync(dir)
    if (!info.isDirectory() || !ownedByUs(info.uid)) return false
    if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700)
    return true
  } catch {
    return false
  }
}

/** The features and classes in the order training numbers them (first seen, sample by sample). */
function shapeOf(corpus: Sample[]) {
  const features = new Set<string>()
  const intents = new Set<string>()
  for (const sample of corpus) {
    for (const key of Object.keys(sample.input)) features.add(key)
    for (const key of Object.keys(sample.output)) intents.add(key)
  }
  return { features: [...features], intents: [...intents] }
}

const sameList = (a: unknown, b: string[]) =>
  Array.isArray(a) && a.length === b.length && a.every((value, index) => value === b[index])

/** Whether `json` is what `toJSON` of a network trained on `corpus` with `settings` looks like. */
function fits(json: unknown, corpus: Sample[], settings: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false
  const stored = json as { features?: unknown; intents?: unknown; perceptrons?: unknown; settings?: unknown }
  const shape = shapeOf(corpus)
  if (!sameList(stored.features, shape.features) || !sameList(stored.intents, shape.intents)) return false
  if (JSON.stringify(stored.settings) !== JSON.stringify(settings)) return false
  const rows = stored.perceptrons
  return (
    Array.isArray(rows) &&
    rows.length === shape.intents.length &&
    rows.every(
      (row) =>
        Array.isArray(row) &&
        row.length === shape.features.length + 1 &&
        row.every((weight) => typeof weight === 'number' && Number.isFinite(weight)),
    )
  )
}

/** Keeps the newest files of the folder (by last use). */
function prune(dir: string) {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, used: lstatSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used)
  for (const { name } of files.slice(KEEP)) unlinkSync(join(dir, name))
}

/** A network trained on `corpus`, loaded from the cache when it was trained before (null: no cache). */
export function trainedNetwork(corpus: Sample[], settings: NeuralSettings, cache: NetworkCache | null): NeuralNetwork {
  const fresh = () => new NeuralNetwork({ ...settings })
  const blank = fresh()
  // The settings as the network holds them (defaults applied), and as its toJSON writes them.
  const key = createHash('sha256')
    .update(JSON.stringify([FORMAT, NEURAL_VERSION, blank.settings, corpus]))
    .digest('hex')
    .slice(0, 32)
  const expected = (blank.toJSON() as { settings?: unknown }).settings
  const usable = cache !== null && privateFolder(cache.dir)
  const file = usable ? join(cache.dir, `${key}.json`) : undefined
  if (file && cache) {
    try {
      const info = lstatSync(file)
      if (info.isFile() && ownedByUs(info.uid)) {
        const json: unknown = JSON.parse(readFileSync(file, 'utf8'))
        if (fits(json, corpus, expected)) {
          const network = fresh()
          network.fromJSON(json)
          const now = cache.now()
          utimesSync(file, now, now)
          return network
        }
      }
    } catch {
      // Not there yet, or not usable: train.
    }
  }
  const network = fresh()
  network.train(corpus)
  if (file && cache) {
    const partial = join(cache.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      writeFileSync(partial, JSON.stringify(network.toJSON()), { flag: 'wx', mode: 0o600 })
      renameSync(partial, file) // whole or not at all, for processes starting together
      prune(cache.dir)
    } catch {
      try {
        unlinkSync(partial)
      } catch {
        // Never written.
      }
    }
  }
  return network
}
