/**
 * Revoking, suspending or reinstating one certificate by hand (the secretariat's console), with the
 * rules of the certificates import: a revoked or suspended certificate shows its reason to whoever
 * verifies it; an active one shows none. Verification reads the register on every lookup, so the
 * change is seen at once on /verifikasi, the API and the chat. The audit log keeps who changed what,
 * from which status, and why (also for a reinstatement, whose reason is not shown publicly).
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { certificateByNumber, setCertificateStatus } from '../../db/queries/certificates.js'
import type { CERTIFICATE_STATUSES } from '../../db/schema.js'
import { transaction } from '../../db/store.js'
import { optionalText } from '../import/cells.js'
import { MAX_STATUS_REASON } from './import.js'
import { normalizeNumber } from './verify.js'

export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number]

export type StatusChangeError =
  /** No certificate with that number. */
  | 'NOT_FOUND'
  /** The reason is missing, or too long, or not text (its message says which). */
  | 'BAD_REASON'
  /** The certificate already has that status. */
  | 'UNCHANGED'

export type StatusChangeResult =
  | { ok: true; number: string; from: CertificateStatus; to: CertificateStatus }
  | { ok: false; error: StatusChangeError; message: string }

const readReason = optionalText(MAX_STATUS_REASON)

/**
 * Sets the status of the certificate numbered `typed` (as printed or typed: normalised here) to
 * `to`, with `reason` (required for every change, at most MAX_STATUS_REASON characters), in one
 * transaction with its audit entry. Messages are Indonesian, for the staff member's form.
 */
export async function changeCertificateStatus(
  db: Db,
  typed: string,
  change: { to: CertificateStatus; reason: string },
  by: { actor: string; now: Date },
): Promise<StatusChangeResult> {
  const number = normalizeNumber(typed)
  const reason = readReason(change.reason.trim())
  return await transaction(db, async (tx) => {
    const certificate = number ? await certificateByNumber(tx, number) : undefined
    if (!certificate) return { ok: false, error: 'NOT_FOUND', message: 'Tidak ada sertifikat dengan nomor itu.' }
    if (!('value' in reason) || reason.value === null) {
      const message = 'reason' in reason ? `Alasan ${reason.reason}.` : 'Alasan wajib diisi.'
      return { ok: false, error: 'BAD_REASON', message }
    }
    const from = certificate.status
    if (from === change.to) return { ok: false, error: 'UNCHANGED', message: 'Status sertifikat itu sudah demikian.' }
    // The reason is shown to whoever verifies a revoked or suspended certificate; an active one shows none.
    await setCertificateStatus(tx, certificate.id, change.to, change.to === 'active' ? null : reason.value, by.now)
    await writeAudit(tx, {
      at: by.now,
      actor: by.actor,
      action: 'certificate.status',
      entity: 'certificate',
      entityId: certificate.number,
      details: { from, to: change.to, reason: reason.value },
    })
    return { ok: true, number: certificate.number, from, to: change.to }
  })
}
