/**
 * The portable-SQL compiler: statements written with SQLite's parameters (`?`, `?NNN`, `@x`, `:x`,
 * `$x`) become PostgreSQL's `$1…$n`, and the same arguments a SQLite statement takes give the
 * values in PostgreSQL's order. What only looks like a parameter (in a literal, a quoted name, a
 * comment, a `::` cast) stays as written.
 */
import { describe, expect, it } from 'vitest'
import { bindPostgres, toPostgres } from '../../src/db/portable.js'

describe('toPostgres', () => {
  it('numbers bare ? in order', () => {
    expect(toPostgres('select * from t where a = ? and b in (?, ?)')).toEqual({
      text: 'select * from t where a = $1 and b in ($2, $3)',
      order: [0, 1, 2],
    })
  })

  it('maps ?NNN by its number, as better-sqlite3 binds it from the key "NNN", a repeated one to the same $k', () => {
    const statement = toPostgres('select ?2, ?1, ?2')
    expect(statement).toEqual({ text: 'select $1, $2, $1', order: ['2', '1'] })
    expect(bindPostgres(statement, { 1: 'a', 2: 'b' })).toEqual(['b', 'a'])
  })

  it('maps @name, :name and $name, a name used twice to the same $k', () => {
    const statement = toPostgres('update t set a = @a, b = :b_2 where id = $id and a <> @a')
    expect(statement).toEqual({ text: 'update t set a = $1, b = $2 where id = $3 and a <> $1', order: ['a', 'b_2', 'id'] })
    expect(bindPostgres(statement, { id: 7, a: 'x', b_2: null, unused: 1 })).toEqual(['x', null, 7])
  })

  it('treats @x, :x and $x as one value, as better-sqlite3 binds them all from the key x', () => {
    expect(toPostgres('select @x, :x, $x')).toEqual({ text: 'select $1, $1, $1', order: ['x'] })
  })

  it('leaves string literals alone, doubled quotes included', () => {
    const sql = "select 'why? :not @me $no', 'it''s ? :x', ? where note = 'a''' || ?"
    expect(toPostgres(sql)).toEqual({
      text: "select 'why? :not @me $no', 'it''s ? :x', $1 where note = 'a''' || $2",
      order: [0, 1],
    })
  })

  it('leaves quoted identifiers and comments alone', () => {
    // Read as parameters, the :y, :z and :q would also make these statements mix the two kinds.
    expect(toPostgres('select "a?b" as "x "" :y", ? -- what? :z @w\nfrom t /* ? :q */ where c = ?')).toEqual({
      text: 'select "a?b" as "x "" :y", $1 -- what? :z @w\nfrom t /* ? :q */ where c = $2',
      order: [0, 1],
    })
    expect(toPostgres('select "a?b" -- what? ?\nfrom t /* ?\n */ where c = :c -- ?')).toEqual({
      text: 'select "a?b" -- what? ?\nfrom t /* ?\n */ where c = $1 -- ?',
      order: ['c'],
    })
  })

  it('leaves :: casts alone, after a parameter too', () => {
    expect(toPostgres('select ?::json, created_at::bigint, ?::text, x::"char"')).toEqual({
      text: 'select $1::json, created_at::bigint, $2::text, x::"char"',
      order: [0, 1],
    })
    expect(toPostgres('select :v::text, @w::bigint')).toEqual({ text: 'select $1::text, $2::bigint', order: ['v', 'w'] })
  })

  it('leaves $ inside a word and an @ or : not followed by a name', () => {
    expect(toPostgres('select a$b, x @ 1, y[1:2] from t where z = :z')).toEqual({
      text: 'select a$b, x @ 1, y[1:2] from t where z = $1',
      order: ['z'],
    })
  })

  it('gives a statement without parameters unchanged', () => {
    const sql = "select 1 where 'x' = 'x'"
    expect(toPostgres(sql)).toEqual({ text: sql, order: [] })
  })

  it('quotes camelCase aliases and their uses, and nothing that is one case', () => {
    expect(toPostgres('SELECT person_id AS personId, count(*) AS n FROM t WHERE x = ? ORDER BY personId').text).toBe(
      'SELECT person_id AS "personId", count(*) AS n FROM t WHERE x = $1 ORDER BY "personId"',
    )
    expect(toPostgres(`select 'camelCase' as "keptAsIs" from t`).text).toBe(`select 'camelCase' as "keptAsIs" from t`)
  })

  it('gives SQLite forms their PostgreSQL equivalents: json_each, LIKE, scalar max and min, rowid, NOT INDEXED', () => {
    expect(toPostgres('SELECT id FROM t WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').text).toBe(
      'SELECT id FROM t WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_array_elements_text($1::json))',
    )
    expect(toPostgres('select 1 from t where name like @q and code not LIKE ?1').text).toBe(
      'select 1 from t where name ILIKE $1 and code not ILIKE $2',
    )
    // Two arguments: the scalar function; one: the aggregate, in both engines.
    expect(toPostgres('select max(a, ?), min(b, 0), max(c), min(coalesce(d, 1)) from t').text).toBe(
      'select greatest(a, $1), least(b, 0), max(c), min(coalesce(d, 1)) from t',
    )
    expect(toPostgres('DELETE FROM t WHERE rowid IN (SELECT rowid FROM t LIMIT :limit)').text).toBe(
      'DELETE FROM t WHERE ctid IN (SELECT ctid FROM t LIMIT $1)',
    )
    expect(toPostgres('SELECT count(*) FROM people p NOT INDEXED WHERE p.id > ?').text).toBe(
      'SELECT count(*) FROM people p WHERE p.id > $1',
    )
    // Inside a literal nothing changes.
    expect(toPostgres("select 'like rowid max(a, b)' from t").text).toBe("select 'like rowid max(a, b)' from t")
  })

  it('compiles a text once and gives the same object after', () => {
    const sql = 'select ? as memoised'
    expect(toPostgres(sql)).toBe(toPostgres(sql))
  })

  it('refuses what it cannot read: mixed kinds, PostgreSQL $1 and $$, unterminated quotes and comments', () => {
    expect(() => toPostgres('select ?, :a')).toThrow(/mixes positional \(\?\) and named/)
    expect(() => toPostgres('select ?, ?1')).toThrow(/mixes positional \(\?\) and named/)
    expect(() => toPostgres('select $1')).toThrow(/\$ not followed by a name/)
    expect(() => toPostgres('select $$x$$')).toThrow(/\$ not followed by a name/)
    expect(() => toPostgres("select 'open")).toThrow(/unterminated ' quote/)
    expect(() => toPostgres('select "open')).toThrow(/unterminated " quote/)
    expect(() => toPostgres('select 1 /* open')).toThrow(/unterminated \/\* comment/)
  })
})

describe('bindPostgres', () => {
  it('takes positional values in order', () => {
    expect(bindPostgres(toPostgres('select ?, ?'), [1, 'b'])).toEqual([1, 'b'])
  })

  it('refuses a wrong number of positional values', () => {
    expect(() => bindPostgres(toPostgres('select ?, ?'), ['a'])).toThrow(/takes 2 positional parameters, got 1/)
    expect(() => bindPostgres(toPostgres('select ?'), [1, 2])).toThrow(/takes 1 positional parameters, got 2/)
    expect(() => bindPostgres(toPostgres('select ?'), [])).toThrow(/takes 1 positional parameters, got 0/)
  })

  it('refuses a missing name, and the wrong kind of arguments', () => {
    const named = toPostgres('select :a, :b')
    expect(() => bindPostgres(named, { a: 1 })).toThrow('missing named parameter "b"')
    expect(() => bindPostgres(named, [1, 2])).toThrow(/named parameters \(an object\)/)
    expect(() => bindPostgres(toPostgres('select ?'), { a: 1 })).toThrow(/positional parameters \(an array\)/)
    expect(() => bindPostgres(toPostgres('select 1'), [1])).toThrow(/takes no parameters, got 1/)
  })

  it('keeps a present name whose value is null or undefined (both bind as NULL)', () => {
    expect(bindPostgres(toPostgres('select :a, :b'), { a: null, b: undefined })).toEqual([null, undefined])
  })

  it('takes nothing for a statement without parameters', () => {
    expect(bindPostgres(toPostgres('select 2'))).toEqual([])
    expect(bindPostgres(toPostgres('select 2'), {})).toEqual([])
  })
})

describe('the SQLite side of the same statements', () => {
  // The compiler's numbering claims to be SQLite's own; better-sqlite3 shows what SQLite binds.
  it('binds bare ?, ?NNN and names the way bindPostgres orders them', async () => {
    const { default: Database } = await import('better-sqlite3')
    const sqlite = new Database(':memory:')
    try {
      const cases: [string, unknown[] | Record<string, unknown>][] = [
        ['select ? as a, ? as b, ? as c', ['x', 'y', 'z']],
        ['select ?2 as a, ?1 as b, ?2 as c', { 1: 'x', 2: 'y' }],
        ['select @p as a, :q as b, $p as c', { p: 1, q: 2 }],
        ["select 'a?' || ? as a, ':x' || ? as b -- ?\n", ['v', 'w']],
      ]
      for (const [sql, params] of cases) {
        const row = (Array.isArray(params) ? sqlite.prepare(sql).get(...params) : sqlite.prepare(sql).get(params)) as Record<
          string,
          unknown
        >
        const statement = toPostgres(sql)
        const values = bindPostgres(statement, params)
        // Evaluating the PostgreSQL text by hand: each $k replaced by its value must give SQLite's row.
        const evaluated = statement.text.replace(/\$(\d+)/g, (_, k: string) => JSON.stringify(values[Number(k) - 1]))
        const expected = sqlite.prepare(evaluated.replaceAll('"', "'")).get() as Record<string, unknown>
        expect(row).toEqual(expected)
      }
    } finally {
      sqlite.close()
    }
  })
})
