/**
 * The console's certificate register (Sertifikat): a page of the search, and the audit trail of one
 * certificate's status changes with the staff member who made each.
 */
import type { Db } from '../client.js'
import { statement } from '../client.js'
import type { CertificateStatus } from './certificates.js'

/** One line of the search's results. */
export type CertificateListRow = {
  number: string
  displayNumber: string
  holderName: string
  scheme: string
  level: string | null
  issuedAt: string
  expiresAt: string
  status: CertificateStatus
}

export type CertificateSearch = {
  /** The typed number made into a stored one (normalizeNumber), if it can be one: a number containing it matches. */
  number: string | undefined
  /** Text the holder's name contains (case ignored); '' lists every certificate. */
  name: string
  page: number
  pageSize: number
}

/** `%`, `_` and the escape itself are taken literally in a LIKE … ESCAPE '\' pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

const MATCH = `(@name = '' or lower(holder_name) like '%' || lower(@name) || '%' escape '\\'
  or (cast(@number as text) is not null and number like '%' || cast(@number as text) || '%'))`

/** One page of the certificates that match, newest issued first, and how many match in all. */
export async function searchCertificates(
  db: Db,
  search: CertificateSearch,
): Promise<{ rows: CertificateListRow[]; total: number }> {
  const params = { name: likeLiteral(search.name), number: search.number ?? null }
  const total = ((await statement(db, `select count(*) as n from certificates where ${MATCH}`).get(params)) as { n: number }).n
  const rows = (await statement(
    db,
    `select number, display_number as displayNumber, holder_name as holderName, scheme, level, issued_at as issuedAt,
       expires_at as expiresAt, status
     from certificates where ${MATCH} order by issued_at desc, number limit @limit offset @offset`,
  ).all({ ...params, limit: search.pageSize, offset: (search.page - 1) * search.pageSize })) as CertificateListRow[]
  return { rows, total }
}

/** One status change of a certificate as the audit log keeps it. */
export type CertificateAuditRow = {
  at: Date
  actor: string
  /** The staff member's name when the actor is `staff:<id>` of an account on record. */
  staffName: string | null
  action: string
  details: string | null
}

/** The audit entries of the certificate with this stored number, newest first. */
export async function certificateAuditTrail(db: Db, number: string): Promise<CertificateAuditRow[]> {
  const rows = (await statement(
    db,
    `select a.at, a.actor, s.name as staffName, a.action, a.details from audit_log a
     left join staff s on a.actor = 'staff:' || s.id
     where a.entity = 'certificate' and a.entity_id = ? order by a.id desc`,
  ).all(number)) as (Omit<CertificateAuditRow, 'at'> & { at: number })[]
  return rows.map((row) => ({ ...row, at: new Date(row.at) }))
}
