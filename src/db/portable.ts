/**
 * Raw SQL written once for both engines (issue 24). Statements are written the SQLite way, with
 * `?`, `?NNN`, `@name`, `:name` or `$name` parameters, which better-sqlite3 binds as they are: the
 * bare `?` from an array of values in order, every other form by name from an object (`?2` from the
 * key `'2'`; `@x`, `:x` and `$x` all from the key `x`). One statement uses one kind or the other.
 * PostgreSQL only knows numbered parameters `$1…$n`, so `toPostgres` rewrites the text into that
 * form and records, for each `$k`, where its value comes from: an index into positional values or a
 * name in an object of named ones. `bindPostgres` then builds the values array from the same
 * arguments the SQLite statement would get.
 *
 * A few SQLite forms of the portable subset are given their PostgreSQL equivalents on the way:
 * `json_each(?)` (the elements of a JSON array parameter, in a column `value`) becomes
 * `json_array_elements_text($k::json)`, whose `value` is text, so a statement comparing it with
 * numbers casts it (`CAST(value AS INTEGER)`, which SQLite accepts as well); `LIKE`, which ignores
 * the case of ASCII letters in SQLite, becomes `ILIKE`; the scalar `max(a, b)`
 * and `min(a, b)` become `greatest` and `least`; `rowid` becomes `ctid` (a row's address: only
 * for picking rows within one statement, never to keep); the planner hint `NOT INDEXED` is dropped.
 *
 * Column aliases in camelCase (`AS personId`) name the properties of the rows the code reads. SQLite
 * keeps an identifier's case; PostgreSQL folds a bare one to lower case. So a bare word that mixes
 * lower and upper case is quoted (`"personId"`), wherever it stands, so that the alias and every
 * reference to it keep their case. Tables, columns, keywords and functions are all one case.
 *
 * The rewrite must not touch what only looks like a parameter: a `?` or `:x` inside a string
 * literal, a quoted identifier or a comment, and PostgreSQL's `::type` casts. A small scanner skips
 * those. The portable subset has no PostgreSQL `?` JSON operators, no dollar-quoted strings and no
 * E'…' strings, so the scanner need not know them; a `$` that does not start a name is refused, not
 * guessed at.
 */

/** A statement in PostgreSQL's form: `order[k]` is the source of `$k+1` (a positional index from 0, or a name). */
export type PostgresStatement = { text: string; order: (string | number)[] }

/** Named or positional values, as better-sqlite3 takes them. */
export type StatementParams = readonly unknown[] | Readonly<Record<string, unknown>>

const NAME_START = /[A-Za-z_]/
const MIXED_CASE_LOWER = /[a-z]/
const MIXED_CASE_UPPER = /[A-Z]/
const NAME_PART = /[A-Za-z0-9_]/

/** Where the first character of a name after `from` ends (from itself when no name starts there). */
function nameEnd(sql: string, from: number): number {
  if (!NAME_START.test(sql[from] ?? '')) return from
  let end = from + 1
  while (NAME_PART.test(sql[end] ?? '')) end++
  return end
}

/** The index just past the quoted run that opens at `start`; a doubled quote is an escaped one. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let at = start + 1
  for (;;) {
    const close = sql.indexOf(quote, at)
    if (close < 0) throw new Error(`unterminated ${quote} quote in SQL at offset ${start}: ${sql}`)
    if (sql[close + 1] !== quote) return close + 1
    at = close + 2
  }
}

/** Whether the parenthesised list opening at `open` has a comma outside nested parentheses and quotes. */
function hasTopLevelComma(sql: string, open: number): boolean {
  let depth = 0
  for (let at = open; at < sql.length; at++) {
    const char = sql[at]
    if (char === "'" || char === '"') at = quotedEnd(sql, at, char) - 1
    else if (char === '(') depth++
    else if (char === ')') {
      depth--
      if (depth === 0) return false
    } else if (char === ',' && depth === 1) return true
  }
  return false
}

function compile(sql: string): PostgresStatement {
  const order: (string | number)[] = []
  // Where a source already has its $k: the same name (or ?NNN) used twice is one PostgreSQL parameter.
  const numberOf = new Map<string | number, number>()
  let positionals = 0
  let named = false
  let positional = false
  let text = ''
  let copied = 0
  let at = 0

  // The next parameter is json_each's argument: PostgreSQL is told it is JSON.
  let jsonParameter = false
  const placeholder = (source: string | number) => {
    let k = numberOf.get(source)
    if (k === undefined) {
      order.push(source)
      k = order.length
      numberOf.set(source, k)
    }
    const cast = jsonParameter ? '::json' : ''
    jsonParameter = false
    return `$${k}${cast}`
  }
  const replace = (start: number, end: number, source: string | number) => {
    text += sql.slice(copied, start) + placeholder(source)
    copied = end
    at = end
  }

  while (at < sql.length) {
    const char = sql[at]
    const next = sql[at + 1]
    if (char === "'" || char === '"') {
      at = quotedEnd(sql, at, char)
    } else if (char === '-' && next === '-') {
      const newline = sql.indexOf('\n', at)
      at = newline < 0 ? sql.length : newline + 1
    } else if (char === '/' && next === '*') {
      const close = sql.indexOf('*/', at + 2)
      if (close < 0) throw new Error(`unterminated /* comment in SQL at offset ${at}: ${sql}`)
      at = close + 2
    } else if (char === ':' && next === ':') {
      // A cast, `value::type`: the type's name is not a `:name` parameter.
      at += 2
    } else if (char === '?') {
      let end = at + 1
      while (/[0-9]/.test(sql[end] ?? '')) end++
      if (end > at + 1) {
        // better-sqlite3 binds ?NNN by name, from the key 'NNN' of the object (an array is refused).
        named = true
        replace(at, end, sql.slice(at + 1, end))
      } else {
        positional = true
        replace(at, end, positionals++)
      }
    } else if (char === '@' || char === ':' || char === '$') {
      const end = nameEnd(sql, at + 1)
      if (end > at + 1) {
        named = true
        // better-sqlite3 binds @x, :x and $x all from the key x of the object, so they are one value.
        replace(at, end, sql.slice(at + 1, end))
      } else if (char === '$') {
        throw new Error(`a $ not followed by a name (PostgreSQL's $1 or $$ quoting is not portable) in SQL: ${sql}`)
      } else {
        at++
      }
    } else if (NAME_PART.test(char ?? '')) {
      // A whole word at once: both engines allow $ inside an identifier, and there it starts no parameter.
      const start = at
      at++
      while (NAME_PART.test(sql[at] ?? '') || sql[at] === '$') at++
      const word = sql.slice(start, at)
      const lower = word.toLowerCase()
      if (MIXED_CASE_LOWER.test(word) && MIXED_CASE_UPPER.test(word) && !/^[0-9]/.test(word)) {
        // An alias such as `personId`: SQLite keeps its case, PostgreSQL folds a bare one to `personid`.
        text += `${sql.slice(copied, start)}"${word}"`
        copied = at
      } else if (lower === 'json_each' && sql[at] === '(') {
        // The elements of a JSON array parameter, as text in a column named value (cast where compared with numbers).
        text += `${sql.slice(copied, start)}json_array_elements_text`
        copied = at
        jsonParameter = true
      } else if (lower === 'like') {
        // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE ignores case.
        text += `${sql.slice(copied, start)}ILIKE`
        copied = at
      } else if (lower === 'rowid') {
        // A row's own address, for deleting a limited batch (`WHERE rowid IN (SELECT rowid … LIMIT n)`).
        text += `${sql.slice(copied, start)}ctid`
        copied = at
      } else if ((lower === 'max' || lower === 'min') && sql[at] === '(' && hasTopLevelComma(sql, at)) {
        // SQLite's scalar max(a, b) and min(a, b); with one argument they are the aggregates in both.
        text += `${sql.slice(copied, start)}${lower === 'max' ? 'greatest' : 'least'}`
        copied = at
      } else if (lower === 'not' && /^\s+indexed\b/i.test(sql.slice(at))) {
        // SQLite's `NOT INDEXED` planner hint: PostgreSQL plans for itself.
        const hint = /^\s+indexed\b\s*/i.exec(sql.slice(at))?.[0] ?? ''
        text += sql.slice(copied, start)
        at += hint.length
        copied = at
      }
    } else {
      at++
    }
  }
  if (named && positional) throw new Error(`SQL mixes positional (?) and named parameters; use one kind: ${sql}`)
  return { text: text + sql.slice(copied), order }
}

// Statement texts are constants of the code, so this holds one entry per statement the program has.
const compiled = new Map<string, PostgresStatement>()

/** `sql` with its SQLite parameters rewritten as `$1…$n`; compiled once per text. */
export function toPostgres(sql: string): PostgresStatement {
  let statement = compiled.get(sql)
  if (!statement) {
    statement = compile(sql)
    compiled.set(sql, statement)
  }
  return statement
}

/**
 * The values for `statement`'s `$1…$n`, from what the SQLite statement would be given: an array of
 * positional values, or an object of named ones (extra keys are ignored, as better-sqlite3 does).
 * Throws when a name is missing or the number of positional values is not the statement's.
 */
export function bindPostgres(statement: PostgresStatement, params: StatementParams = []): unknown[] {
  const { order } = statement
  const first = order[0]
  if (first === undefined) {
    if (Array.isArray(params) && params.length > 0) {
      throw new Error(`the statement takes no parameters, got ${params.length}: ${statement.text}`)
    }
    return []
  }
  if (typeof first === 'number') {
    if (!Array.isArray(params)) throw new Error(`the statement takes positional parameters (an array): ${statement.text}`)
    const expected = order.length
    if (params.length !== expected) {
      throw new Error(`the statement takes ${expected} positional parameters, got ${params.length}: ${statement.text}`)
    }
    return order.map((index) => params[index as number])
  }
  if (Array.isArray(params)) throw new Error(`the statement takes named parameters (an object): ${statement.text}`)
  const values = params as Readonly<Record<string, unknown>>
  return order.map((name) => {
    if (!Object.hasOwn(values, name)) throw new Error(`missing named parameter "${name}" for: ${statement.text}`)
    return values[name]
  })
}
