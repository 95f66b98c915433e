/**
 * Looking inside the store from a test, the same on both engines (see test/support/engine.ts): the
 * tables it has, and every row of one; making its inserts fail.
 */
import { connectionOf, type Db, postgresOf, statement } from '../../src/db/client.js'

/** The names of the store's own tables (not the engine's, nor the migrations' record). */
export async function tableNames(db: Db): Promise<string[]> {
  const sql = postgresOf(db)
    ? `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
    : `select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
  const rows = (await statement(db, sql).all()) as { name: string }[]
  return rows
    .map((row) => row.name)
    .filter((name) => name !== '__drizzle_migrations')
    .sort()
}

/** Every row of `table`, as the driver gives it (column names as stored). */
export async function rowsOfTable(db: Db, table: string): Promise<Record<string, unknown>[]> {
  return (await statement(db, `select * from "${table}"`).all()) as Record<string, unknown>[]
}

/** Every text value (and blob, read as Latin-1) in every table, with where it was found. */
export async function everyText(db: Db): Promise<{ where: string; value: string }[]> {
  const found: { where: string; value: string }[] = []
  for (const name of await tableNames(db)) {
    for (const row of await rowsOfTable(db, name)) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string') found.push({ where: `${name}.${column}`, value })
        if (Buffer.isBuffer(value)) found.push({ where: `${name}.${column}`, value: value.toString('latin1') })
      }
    }
  }
  return found
}

/**
 * Makes every insert into `table` fail with `message` (or only those whose row matches `when`, a
 * condition on `new`, e.g. "new.id = 'x'"), as a locked or broken database would; the returned
 * function makes them work again. A trigger on either engine.
 */
export async function failInserts(db: Db, table: string, message: string, when?: string): Promise<() => Promise<void>> {
  const pg = postgresOf(db)
  const name = `${table}_fails`
  if (!pg) {
    connectionOf(db).exec(
      `create trigger ${name} before insert on ${table} ${when ? `when ${when}` : ''} begin select raise(abort, '${message}'); end`,
    )
    return async () => {
      connectionOf(db).exec(`drop trigger ${name}`)
    }
  }
  await pg.pool.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fails$
       BEGIN IF ${when ?? 'true'} THEN RAISE EXCEPTION '${message}'; END IF; RETURN NEW; END $fails$;
     CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  )
  return async () => {
    await pg.pool.query(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}()`)
  }
}
