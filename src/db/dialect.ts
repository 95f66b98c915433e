/**
 * The few SQL forms that differ between the engines and that the statement compiler
 * (src/db/portable.ts) cannot rewrite on its own: each function gives the text for `db`'s engine.
 */
import { type Db, postgresOf } from './client.js'

/** Whether `db` is a PostgreSQL handle. */
export const onPostgres = (db: Db): boolean => postgresOf(db) !== undefined

/** The text value at `key` of the JSON object stored as text in `column` (null when absent). */
export function jsonText(db: Db, column: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a plain JSON key: ${key}`)
  return onPostgres(db) ? `(${column}::json ->> '${key}')` : `json_extract(${column}, '$.${key}')`
}
