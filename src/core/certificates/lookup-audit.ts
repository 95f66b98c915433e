/**
 * Every certificate lookup (web page, API, chat) in the audit log, written in batches: `record`
 * only appends to a buffer, and the buffer is written in one transaction every `flushMs` or as soon
 * as it holds `maxBatch` entries, so a lookup never waits for a write. Stored: the channel, the
 * number looked up, the outcome and at most a short keyed hash of the client. Never a typed name,
 * never an address in clear; a number that is not found but is shaped like a NIK (someone typing
 * their own NIK) is stored as "NIK?" without the digits.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { LOOKUP_FIELDS as FIELDS, LOOKUP_ACTION, writeCertificateLookups } from '../../db/queries/audit.js'
import { transaction } from '../../db/store.js'
import { parseNik } from '../validators/nik.js'
import type { VerifiedStatus } from './verify.js'

export type LookupChannel = 'web' | 'api' | 'chat'
export type LookupOutcome = VerifiedStatus | 'not-found' | 'invalid'

export type LookupEntry = {
  channel: LookupChannel
  /** The normalised number; undefined when what was typed cannot be one (never stored as typed). */
  number?: string | undefined
  outcome: LookupOutcome
  /** The signed QR link: whether its signature was genuine. */
  signature?: 'genuine' | 'not-genuine'
  /** The client's address (or rate-limit key): stored only as an 8-character keyed hash. */
  client?: string | undefined
}

export type LookupAudit = {
  /** Buffers one lookup; returns at once and never throws. Ignored after `stop`. */
  record(entry: LookupEntry): void
  /**
   * Writes one lookup at once with `tx` (a chat message's transaction), no buffer: kept or rolled
   * back with the message, and nothing to lose when the terminal chat exits.
   */
  writeNow(tx: Db, entry: LookupEntry): Promise<void>
  /** Writes what is buffered now, in one transaction. */
  flush(): Promise<void>
  /** Resolves once no write is under way (one the timer or a full batch started included). */
  settled(): Promise<void>
  /** Stops the timer and writes what is left, after any write under way (for shutdown). */
  stop(): Promise<void>
}

export type LookupAuditOptions = {
  /** Longest time an entry waits in memory. */
  flushMs: number
  /** Entries that trigger a write before `flushMs`. */
  maxBatch: number
  /** Told when a write fails (the entries are kept for the next try, up to a bound). */
  onError?: (error: unknown, pending: number) => void
  /** The time each lookup is recorded at. */
  now: () => Date
}

export { LOOKUP_ACTION }

/** Clients whose hash is kept at once. */
const MAX_HASHES = 10_000

const OUTCOMES: readonly LookupOutcome[] = ['valid', 'expired', 'revoked', 'suspended', 'not-found', 'invalid']
/** The start of the details of each outcome, as JSON.stringify writes it: made once, not per lookup. */
const OPENING = new Map<string, string>(OUTCOMES.map((outcome) => [outcome, JSON.stringify({ outcome }).slice(0, -1)]))
const SIGNATURE = new Map<string, string>(
  (['genuine', 'not-genuine'] as const).map((signature) => [signature, `,"signature":${JSON.stringify(signature)}`]),
)

/** Whether `number` reads as a NIK; one shorter than a NIK's 16 digits cannot, so it is not parsed. */
const looksLikeNik = (number: string) => number.length >= 16 && parseNik(number).ok

export function createLookupAudit(db: Db, options: LookupAuditOptions): LookupAudit {
  const now = () => options.now().getTime()
  // A salt made per process: the hash groups one client's lookups without being reversible (an
  // IPv4 address has only 2^32 values) or linkable across restarts.
  const salt = randomBytes(16)
  // The same client asks again and again: its hash is kept (a bounded map, emptied when full).
  const hashes = new Map<string, string>()
  const clientHash = (client: string) => {
    let hash = hashes.get(client)
    if (hash === undefined) {
      hash = createHmac('sha256', salt).update(client).digest('hex').slice(0, 8)
      if (hashes.size >= MAX_HASHES) hashes.clear()
      hashes.set(client, hash)
    }
    return hash
  }
  /** The details as JSON: {"outcome":…,"signature":…,"client":…}, the last two only when there. */
  const details = (entry: LookupEntry) => {
    const opening = OPENING.get(entry.outcome)
    const signature = entry.signature && SIGNATURE.get(entry.signature)
    // Something the types do not allow (a caller in plain JavaScript): written the general way.
    if (opening === undefined || signature === undefined)
      return JSON.stringify({
        outcome: entry.outcome,
        ...(entry.signature && { signature: entry.signature }),
        ...(entry.client && { client: clientHash(entry.client) }),
      })
    // The hash is hex: nothing in it to escape.
    return `${opening}${signature || ''}${entry.client ? `,"client":"${clientHash(entry.client)}"` : ''}}`
  }
  // While the database refuses writes the buffer keeps the newest entries, never more than this.
  const bound = options.maxBatch * 20
  // The buffered lookups, FIELDS values each (time in ms, channel, number as stored, details as
  // JSON), one after the other: one array, not one per lookup.
  let buffer: unknown[] = []
  let timer: NodeJS.Timeout | undefined
  let soon: NodeJS.Immediate | undefined
  let stopped = false
  /** The writes under way: a shutdown waits for them before the database closes. */
  const writing = new Set<Promise<void>>()
  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer)
    if (soon) clearImmediate(soon)
    timer = undefined
    soon = undefined
    if (buffer.length === 0) return
    const values = buffer
    buffer = []
    const write = (async () => {
      try {
        // In one transaction, in statements of many rows (src/db/queries/audit.ts).
        await transaction(db, (tx) => writeCertificateLookups(tx, values))
      } catch (error) {
        buffer = values.concat(buffer).slice(-bound * FIELDS)
        options.onError?.(error, buffer.length / FIELDS)
        if (!stopped) timer = setTimeout(() => void flush(), options.flushMs).unref()
      }
    })()
    writing.add(write)
    try {
      await write
    } finally {
      writing.delete(write)
    }
  }
  async function settled(): Promise<void> {
    while (writing.size > 0) await Promise.all([...writing])
  }

  /** The FIELDS values of one lookup: time in ms, channel, number as stored, details as JSON. */
  function valuesOf(entry: LookupEntry): unknown[] {
    const number = entry.number
    const shown = number ? (entry.outcome === 'not-found' && looksLikeNik(number) ? 'NIK?' : number) : (number ?? null)
    return [now(), entry.channel, shown, details(entry)]
  }

  function record(entry: LookupEntry) {
    // After shutdown began nothing would write it (the database is about to close).
    if (stopped) return
    buffer.push(...valuesOf(entry))
    if (buffer.length > bound * FIELDS) buffer.splice(0, FIELDS)
    if (buffer.length >= options.maxBatch * FIELDS) soon ??= setImmediate(() => void flush()).unref()
    else timer ??= setTimeout(() => void flush(), options.flushMs).unref()
  }

  return {
    record,
    writeNow: (tx, entry) => writeCertificateLookups(tx, valuesOf(entry)),
    flush,
    settled,
    async stop() {
      stopped = true
      await flush()
      await settled()
    },
  }
}
