/**
 * The checksum `db copy-to-postgres` compares between SQLite and PostgreSQL: per table, the sum
 * modulo 2^128 of every row's SHA-256 over its values in canonical form. A sum does not depend on
 * the order rows are read in, so each side can be read in whatever order is cheapest, in batches.
 *
 * A value's canonical form is its kind and its text: an integer in decimal, text as it is, a blob in
 * hex, NULL a marker of its own. The kind is part of it, so a copy that turned a number into text
 * (or a blob into text) shows as a difference, not only one that changed the digits.
 */
import { createHash } from 'node:crypto'

/** `i` integer, `t` text, `b` blob (hex), `r` a SQLite REAL, which no column of ours should hold. */
export type ValueKind = 'i' | 't' | 'b' | 'r'

/** One value in canonical form: its kind and its text; null for NULL. */
export type CanonicalValue = readonly [ValueKind, string] | null

const MASK_128 = (1n << 128n) - 1n

/** Adds up the rows of one table, one `add` per row with its values in the schema's column order. */
export class TableChecksum {
  private sum = 0n
  rows = 0

  add(values: readonly CanonicalValue[]): void {
    const hash = createHash('sha256')
    // Each value is length-prefixed, so no two different rows can be spelled the same.
    for (const value of values) {
      hash.update(value === null ? 'N;' : `${value[0]}${Buffer.byteLength(value[1])}:${value[1]};`)
    }
    const digest = hash.digest()
    // A digest modulo 2^128 is its last 16 bytes.
    this.sum += (digest.readBigUInt64BE(16) << 64n) | digest.readBigUInt64BE(24)
    this.rows++
  }

  /** The sum modulo 2^128, as 32 hex digits. */
  hex(): string {
    return (this.sum & MASK_128).toString(16).padStart(32, '0')
  }
}

/** A value as better-sqlite3 returns it with safe integers on (every INTEGER a bigint), in canonical form. */
export function sqliteCanonical(value: unknown): CanonicalValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return ['i', value.toString()]
  if (typeof value === 'string') return ['t', value]
  if (Buffer.isBuffer(value)) return ['b', value.toString('hex')]
  if (typeof value === 'number') return ['r', String(value)]
  throw new TypeError(`unexpected SQLite value of type ${typeof value}`)
}
