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
import { auditLog } from '../../db/schema.js'
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
  /** Writes what is buffered now, in one transaction. */
  flush(): void
  /** Stops the timer and writes what is left (for shutdown). */
  stop(): void
}

export type LookupAuditOptions = {
  /** Longest time an entry waits in memory. */
  flushMs: number
  /** Entries that trigger a write before `flushMs`. */
  maxBatch: number
  /** Told when a write fails (the entries are kept for the next try, up to a bound). */
  onError?: (error: unknown, pending: number) => void
  now?: () => Date
}

export const LOOKUP_ACTION = 'certificate.lookup'

export function createLookupAudit(db: Db, options: LookupAuditOptions): LookupAudit {
  const now = options.now ?? (() => new Date())
  // A salt made per process: the hash groups one client's lookups without being reversible (an
  // IPv4 address has only 2^32 values) or linkable across restarts.
  const salt = randomBytes(16)
  const clientHash = (client: string) => createHmac('sha256', salt).update(client).digest('hex').slice(0, 8)
  // While the database refuses writes the buffer keeps the newest entries, never more than this.
  const bound = options.maxBatch * 20
  let buffer: (typeof auditLog.$inferInsert)[] = []
  let timer: NodeJS.Timeout | undefined
  let soon: NodeJS.Immediate | undefined
  let stopped = false

  function flush() {
    if (timer) clearTimeout(timer)
    if (soon) clearImmediate(soon)
    timer = undefined
    soon = undefined
    if (buffer.length === 0) return
    const rows = buffer
    buffer = []
    try {
      db.transaction((tx) => {
        // Chunks keep each statement well under SQLite's limit on bound parameters.
        for (let i = 0; i < rows.length; i += 500)
          tx.insert(auditLog)
            .values(rows.slice(i, i + 500))
            .run()
      })
    } catch (error) {
      buffer = [...rows, ...buffer].slice(-bound)
      options.onError?.(error, buffer.length)
      if (!stopped) timer = setTimeout(flush, options.flushMs).unref()
    }
  }

  function record(entry: LookupEntry) {
    // After shutdown began nothing would write it (the database is about to close).
    if (stopped) return
    const shown = entry.outcome === 'not-found' && entry.number && parseNik(entry.number).ok ? 'NIK?' : entry.number
    buffer.push({
      at: now(),
      actor: entry.channel,
      action: LOOKUP_ACTION,
      entity: 'certificate',
      entityId: shown ?? null,
      details: JSON.stringify({
        outcome: entry.outcome,
        ...(entry.signature && { signature: entry.signature }),
        ...(entry.client && { client: clientHash(entry.client) }),
      }),
    })
    if (buffer.length > bound) buffer.shift()
    if (buffer.length >= options.maxBatch) soon ??= setImmediate(flush).unref()
    else timer ??= setTimeout(flush, options.flushMs).unref()
  }

  return {
    record,
    flush,
    stop() {
      stopped = true
      flush()
    },
  }
}
