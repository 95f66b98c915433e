/**
 * Certificates as the import writes them, the QR command and the console read them, a staff member
 * changes their status, and verification (page, API, chat) looks them up.
 *
 * An import may hold a million certificates, so it works in two steps. While the file is read and
 * checked, each good row goes into a temporary table of this connection (`stage`): that takes no
 * lock on the database, so a running server keeps answering. Then, in one short write transaction,
 * SQLite itself checks the rows against the people on record and upserts them all with one
 * statement (`apply`), without a round trip per row.
 */
import { eq, getTableName } from 'drizzle-orm'
import { connectionOf, type Db, first, postgresOf, statement } from '../client.js'
import { type CERTIFICATE_STATUSES, certificates } from '../schema.js'
import { whenOutside } from '../store.js'

export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number]

export type CertificateRow = typeof certificates.$inferSelect

/** One checked row of an import file (dates YYYY-MM-DD; `nikHash` null: no NIK in the file). */
export type StagedCertificate = {
  line: number
  number: string
  displayNumber: string
  holderName: string
  nikHash: string | null
  /** Only to check against a person on record; never stored. */
  birthDate: string | null
  scheme: string
  level: string | null
  issuedAt: string
  expiresAt: string
  status: CertificateStatus
  statusReason: string | null
}

// A temporary table: SQLite finds it by this name before any table of the main schema, PostgreSQL in
// the session's own schema, which comes first on the search path.
const STAGING = 'certificate_import'
const STAGING_COLUMNS = `line integer not null, number text not null, display_number text not null, holder_name text not null,
    nik_hash text, birth_date text, scheme text not null, level text, issued_at text not null,
    expires_at text not null, status text not null, status_reason text`
const COLUMNS = 12
const BATCH = 64

/**
 * Insert, or update every field of the certificate with that number. With no NIK in the file the
 * stored NIK hash and link stay (and a certificate without a link whose stored hash belongs to a
 * person who registered since is linked now). A status that differs from the stored one sets
 * `status_changed_at`; so does a new certificate that is not active. A row equal to what is stored
 * writes nothing, so importing the same file again is cheap and counts as unchanged.
 */
const APPLY = `
insert into certificates (number, display_number, holder_name, nik_hash, person_id, scheme, level, issued_at,
  expires_at, status, status_reason, status_changed_at, created_at, updated_at)
select t.number, t.display_number, t.holder_name, t.nik_hash,
  case when t.nik_hash is null then null else (select p.id from people p where p.nik_hash = t.nik_hash) end,
  t.scheme, t.level, t.issued_at, t.expires_at, t.status, t.status_reason,
  case when t.status = 'active' then null else CAST(@at AS BIGINT) end, CAST(@at AS BIGINT), CAST(@at AS BIGINT)
from ${STAGING} t where true order by t.rowid
on conflict (number) do update set
  display_number = excluded.display_number,
  holder_name = excluded.holder_name,
  nik_hash = coalesce(excluded.nik_hash, certificates.nik_hash),
  person_id = case
    when excluded.nik_hash is not null then excluded.person_id
    else coalesce(certificates.person_id, (select p.id from people p where p.nik_hash = certificates.nik_hash))
  end,
  scheme = excluded.scheme,
  level = excluded.level,
  issued_at = excluded.issued_at,
  expires_at = excluded.expires_at,
  status = excluded.status,
  status_reason = excluded.status_reason,
  status_changed_at = case
    when certificates.status = excluded.status then certificates.status_changed_at
    else excluded.updated_at
  end,
  updated_at = excluded.updated_at
where certificates.display_number is distinct from excluded.display_number
  or certificates.holder_name is distinct from excluded.holder_name
  or certificates.scheme is distinct from excluded.scheme
  or certificates.level is distinct from excluded.level
  or certificates.issued_at is distinct from excluded.issued_at
  or certificates.expires_at is distinct from excluded.expires_at
  or certificates.status is distinct from excluded.status
  or certificates.status_reason is distinct from excluded.status_reason
  or (excluded.nik_hash is not null
    and (certificates.nik_hash is distinct from excluded.nik_hash or certificates.person_id is distinct from excluded.person_id))
  or (excluded.nik_hash is null and certificates.person_id is null and certificates.nik_hash is not null
    and exists (select 1 from people p where p.nik_hash = certificates.nik_hash))`

/** The import's staging table and the statements on it; every one that reads or writes it gets the import's transaction. */
export type CertificateStaging = {
  /** Keeps one checked row for `apply` (during the check, before the write transaction). */
  stage(row: StagedCertificate): void
  /** Stages the rows still waiting (inside the write transaction `tx`). */
  flush(tx: Db): Promise<void>
  /** Lines whose NIK belongs to a person on record with another birth date. */
  birthDateConflicts(tx: Db): Promise<number[]>
  /** Staged rows whose NIK belongs to a person on record. */
  linked(tx: Db): Promise<number>
  count(tx: Db): Promise<number>
  /** Writes every staged row; how many were inserted or changed. */
  apply(tx: Db, at: Date): Promise<number>
  /** Drops the staging table. */
  close(): Promise<void>
}

const rowValues = (rows: number) => Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')
const BIRTH_DATE_CONFLICTS = `select t.line from ${STAGING} t join people p on p.nik_hash = t.nik_hash
     where t.birth_date is not null and p.birth_date is not null and p.birth_date <> t.birth_date order by t.line`
const LINKED = `select count(*) as n from ${STAGING} t where t.nik_hash is not null
     and exists (select 1 from people p where p.nik_hash = t.nik_hash)`

const valuesOf = (row: StagedCertificate) => [
  row.line,
  row.number,
  row.displayNumber,
  row.holderName,
  row.nikHash,
  row.birthDate,
  row.scheme,
  row.level,
  row.issuedAt,
  row.expiresAt,
  row.status,
  row.statusReason,
]

/**
 * The import's staging table. On SQLite it is the connection's own temporary table, made and
 * dropped outside any transaction of the process (inside another's it would be rolled back with
 * it), and filled as the rows are checked. On PostgreSQL the checked rows wait in memory, and the
 * temporary table is made inside the write transaction on its connection and dropped at its end.
 */
export async function certificateImport(db: Db): Promise<CertificateStaging> {
  if (postgresOf(db)) return postgresStaging()
  const c = connectionOf(db)
  await whenOutside(c, () => {
    c.exec(`drop table if exists temp.${STAGING}`)
    c.exec(`create temp table ${STAGING} (${STAGING_COLUMNS})`)
  })
  // Rows are staged BATCH at a time: one statement per batch costs less than one per row.
  const stageBatch = c.prepare<unknown[]>(`insert into ${STAGING} values ${rowValues(BATCH)}`)
  const stageOne = c.prepare<unknown[]>(`insert into ${STAGING} values ${rowValues(1)}`)
  let pending: unknown[] = []
  const count = c.prepare<[], { n: number }>('select count(*) as n from certificates')
  const birthDateConflicts = c.prepare<[], { line: number }>(BIRTH_DATE_CONFLICTS)
  const linked = c.prepare<[], { n: number }>(LINKED)
  const apply = c.prepare<[{ at: number }]>(APPLY)
  return {
    stage(row) {
      pending.push(...valuesOf(row))
      if (pending.length === BATCH * COLUMNS) {
        stageBatch.run(pending)
        pending = []
      }
    },
    async flush() {
      for (let i = 0; i < pending.length; i += COLUMNS) stageOne.run(pending.slice(i, i + COLUMNS))
      pending = []
    },
    birthDateConflicts: async () => birthDateConflicts.all().map((row) => row.line),
    linked: async () => linked.get()?.n ?? 0,
    count: async () => count.get()?.n ?? 0,
    apply: async (_tx, at) => apply.run({ at: at.getTime() }).changes,
    async close() {
      await whenOutside(c, () => c.exec(`drop table if exists temp.${STAGING}`))
    },
  }
}

function postgresStaging(): CertificateStaging {
  let rows: StagedCertificate[] = []
  return {
    stage(row) {
      rows.push(row)
    },
    async flush(tx) {
      await statement(tx, `create temp table ${STAGING} (${STAGING_COLUMNS}) on commit drop`).run()
      const batch = statement(tx, `insert into ${STAGING} values ${rowValues(BATCH)}`)
      let at = 0
      for (; at + BATCH <= rows.length; at += BATCH) await batch.run(rows.slice(at, at + BATCH).flatMap(valuesOf))
      if (at < rows.length) {
        const rest = rows.slice(at)
        await statement(tx, `insert into ${STAGING} values ${rowValues(rest.length)}`).run(rest.flatMap(valuesOf))
      }
      rows = []
    },
    birthDateConflicts: async (tx) =>
      ((await statement(tx, BIRTH_DATE_CONFLICTS).all()) as { line: number }[]).map((row) => row.line),
    linked: async (tx) => ((await statement(tx, LINKED).get()) as { n: number }).n,
    count: async (tx) => ((await statement(tx, 'select count(*) as n from certificates').get()) as { n: number }).n,
    apply: async (tx, at) => (await statement(tx, APPLY).run({ at: at.getTime() })).changes,
    async close() {
      rows = []
    },
  }
}

/** The certificate with this stored (normalised) number. */
export async function certificateByNumber(db: Db, number: string): Promise<CertificateRow | undefined> {
  return await first(db.select().from(certificates).where(eq(certificates.number, number)))
}

/** Sets a certificate's status and the reason shown with it, stamped `at`. */
export async function setCertificateStatus(
  db: Db,
  id: number,
  status: CertificateStatus,
  statusReason: string | null,
  at: Date,
): Promise<void> {
  await db.update(certificates).set({ status, statusReason, statusChangedAt: at, updatedAt: at }).where(eq(certificates.id, id))
}

/**
 * What the verification lookup reads of a certificate: its public record. Not the NIK hash, the
 * person it is linked to or the bookkeeping, which no reader is shown.
 */
export type PublicCertificate = Pick<
  CertificateRow,
  | 'number'
  | 'displayNumber'
  | 'holderName'
  | 'scheme'
  | 'level'
  | 'issuer'
  | 'issuedAt'
  | 'expiresAt'
  | 'status'
  | 'statusReason'
  | 'statusChangedAt'
>

const PUBLIC_COLUMNS = [
  certificates.number,
  certificates.displayNumber,
  certificates.holderName,
  certificates.scheme,
  certificates.level,
  certificates.issuer,
  certificates.issuedAt,
  certificates.expiresAt,
  certificates.status,
  certificates.statusReason,
  certificates.statusChangedAt,
]

/** The columns in that order, as the driver returns them (`raw`): no object per row to build and drop. */
type PublicRow = [
  string,
  string,
  string,
  string,
  string | null,
  string,
  string,
  string,
  CertificateRow['status'],
  string | null,
  number | null,
]

/** As drizzle would map it (the timestamp as a date). */
const toPublicCertificate = (r: PublicRow): PublicCertificate => ({
  number: r[0],
  displayNumber: r[1],
  holderName: r[2],
  scheme: r[3],
  level: r[4],
  issuer: r[5],
  issuedAt: r[6],
  expiresAt: r[7],
  status: r[8],
  statusReason: r[9],
  statusChangedAt: r[10] === null ? null : new Date(r[10]),
})

// The lookup behind every page, API call and chat check: one prepared statement per database, on
// the driver itself (drizzle's query builder and row mapping cost more than the lookup on this path).
const prepared = new WeakMap<object, (number: string) => PublicCertificate | undefined>()

// The public columns of certificates, chosen by number: built once, the lookups' every call reads it.
const PUBLIC_FROM = `select ${PUBLIC_COLUMNS.map((column) => `"${column.name}"`).join(', ')} from ${getTableName(certificates)} where "${certificates.number.name}"`
const PUBLIC_BY_NUMBER = `${PUBLIC_FROM} = ?`
const PUBLIC_BY_NUMBERS = `${PUBLIC_FROM} in (select value from json_each(?))`

/** The public record of the certificate with this stored (normalised) number, for verification. */
export async function publicCertificateByNumber(db: Db, number: string): Promise<PublicCertificate | undefined> {
  if (!postgresOf(db)) return publicCertificateNow(db, number)
  const [row] = (await statement(db, PUBLIC_BY_NUMBER).arrays(number)) as PublicRow[]
  return row ? toPublicCertificate(row) : undefined
}

/** The public records of the certificates with these stored numbers, by number: one query. */
export async function publicCertificatesByNumbers(db: Db, numbers: readonly string[]): Promise<Map<string, PublicCertificate>> {
  const rows = (await statement(db, PUBLIC_BY_NUMBERS).arrays(JSON.stringify(numbers))) as PublicRow[]
  return new Map(rows.map((row) => [row[0], toPublicCertificate(row)]))
}

/** `publicCertificateByNumber` answered at once: SQLite only (the lookups batched per turn, src/db/lookup-batch.ts). */
export function publicCertificateNow(db: Db, number: string): PublicCertificate | undefined {
  let find = prepared.get(connectionOf(db))
  if (!find) {
    const query = connectionOf(db).prepare<[string], PublicRow>(PUBLIC_BY_NUMBER).raw(true)
    find = (n: string) => {
      const row = query.get(n)
      return row ? toPublicCertificate(row) : undefined
    }
    prepared.set(connectionOf(db), find)
  }
  return find(number)
}
