/**
 * The certification status import (`npm run cli -- import status FILE.csv`): the people of the file
 * (`status-file.ts`) matched on their NIK (kept only as a keyed hash and a ciphertext), stages on
 * (person, stage, stage_date). Every row or none is written, in one transaction; afterwards each
 * linked person whose current stage changed gets one message through the outbox, and reminders
 * follow a changed portfolio deadline. See docs/import-formats.md, "Certification status".
 *
 * Dates by plain arithmetic (Indonesia has fixed offsets and no summer time), prepared statements,
 * one HMAC per person.
 */
import type { Db } from '../../db/client.js'
import { unlinkAllChats } from '../../db/queries/chat-links.js'
import { currentStage, type PersonFields, type StoredStage, statusWrites } from '../../db/queries/status.js'
import { type ImportProgress, type ImportRegion, type ImportResult, importCsv, outsideRegion } from '../import/csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { atLocal, localDay, queueStageChanged } from './stage-change.js'
import { type Person, peopleChecker, STATUS_COLUMNS } from './status-file.js'

/** The zone of a person without a province. */
const DEFAULT_ZONE = 'Asia/Jakarta'

export type StatusImportCounts = {
  peopleAdded: number
  peopleUpdated: number
  stagesAdded: number
  stagesUpdated: number
  /** Linked people whose current stage changed, each told once. */
  peopleNotified: number
  /** Outbox messages queued (one per chat of those people). */
  messagesQueued: number
}

export type StatusImportResult = ImportResult<StatusImportCounts>

export type StatusImportOptions = {
  /** Who imports ("cli"…), for the audit log. */
  actor: string
  /** The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash). */
  vault: Pick<NikVault, 'hash' | 'encrypt'>
  /** "Now": what a stage date may not be after, and when the messages are due. */
  now: Date
  /** The reminder settings the people whose portfolio deadline changed are planned again with. */
  reminders: ReminderSettings
  onProgress?: ImportProgress
  /** Check and compute, then roll back: what the import would do, nothing kept (see ImportOptions). */
  dryRun?: boolean
  /** A regional staff member's import: rows of other regions refused (see ImportRegion). */
  region?: ImportRegion | undefined
  /** More for the audit entry (see ImportOptions). */
  auditDetails?: Record<string, string>
}

/**
 * Why a regional account may not import this person (undefined: it may): the province of the file,
 * or else the one on record, must be of its region, and a person on record in another region is
 * not moved by a regional file.
 */
function outsideOf(region: ImportRegion, filed: string | null, stored: string | null): string | undefined {
  const province = filed ?? stored
  if (province === null) return 'wajib diisi untuk akun wilayah: provinsi orang ini belum tercatat'
  if (!region.provinces.includes(province)) return outsideRegion(region, `provinsi ${province}`)
  if (stored !== null && !region.provinces.includes(stored))
    return outsideRegion(region, `orang ini tercatat di provinsi ${stored},`)
  return undefined
}

/**
 * Imports a status CSV: every row is written, or, when any row is bad, nothing at all and every
 * bad row comes back with its line and reason (see importCsv).
 */
export async function importStatus(
  db: Db,
  input: string | Uint8Array,
  options: StatusImportOptions,
): Promise<StatusImportResult> {
  const { now } = options
  const people = new Map<string, Person>()
  return await importCsv(
    db,
    input,
    {
      entity: 'certification_stages',
      columns: STATUS_COLUMNS,
      check: peopleChecker(now, people),
      // Against what is stored, and written if every row is good.
      write: async ({ db, reject, rejected, progress }) => {
        const counts: StatusImportCounts = {
          peopleAdded: 0,
          peopleUpdated: 0,
          stagesAdded: 0,
          stagesUpdated: 0,
          peopleNotified: 0,
          messagesQueued: 0,
        }
        const writes = statusWrites(db)
        const linked = await writes.linkedPeople(now)
        let done = 0
        for (const person of people.values()) {
          const nikHash = options.vault.hash(person.nik)
          const stored = await writes.personByHash(nikHash)
          done += person.lines.length
          progress(done)
          if (stored?.birthDate && stored.birthDate !== person.birthDate) {
            for (const line of person.lines) reject(line, 'birth_date', 'NIK sudah tercatat dengan tanggal lahir lain')
            continue
          }
          const outside = options.region && outsideOf(options.region, person.province?.code ?? null, stored?.provinceCode ?? null)
          if (outside) {
            for (const line of person.lines) reject(line, 'province', outside)
            continue
          }
          if (rejected() || person.fullName === null) continue // only checking now
          const zone = person.province?.timeZone ?? stored?.timeZone ?? DEFAULT_ZONE
          const fields: PersonFields = {
            fullName: person.fullName,
            birthDate: stored?.birthDate ?? person.birthDate,
            nikCiphertext: stored?.nikCiphertext ?? options.vault.encrypt(person.nik),
            phoneE164: person.phoneE164 ?? stored?.phoneE164 ?? null,
            provinceCode: person.province?.code ?? stored?.provinceCode ?? null,
            regency: person.regency ?? stored?.regency ?? null,
            professionGroup: person.professionGroup ?? stored?.professionGroup ?? null,
            institution: person.institution ?? stored?.institution ?? null,
            timeZone: zone,
          }
          let personId: number
          let history: StoredStage[]
          /** Whether anything a reminder depends on changed (the zone, a stage, a deadline). */
          let changed = false
          if (stored) {
            personId = stored.id
            history = await writes.stagesOf(personId)
            if ((Object.keys(fields) as (keyof PersonFields)[]).some((field) => fields[field] !== stored[field])) {
              await writes.updatePerson(personId, fields, now)
              counts.peopleUpdated++
              changed ||= fields.timeZone !== stored.timeZone
              // A chat proved itself against the old number: with a new one on record, every
              // link ends at once and each chat proves again (its reminders are cancelled).
              if (
                stored.phoneE164 !== null &&
                fields.phoneE164 !== stored.phoneE164 &&
                (await unlinkAllChats(db, personId, now)) > 0
              ) {
                linked.delete(personId)
                await planReminders(db, [personId], now, options.reminders)
              }
            }
          } else {
            personId = await writes.insertPerson(fields, nikHash, now)
            history = []
            counts.peopleAdded++
          }
          const before = currentStage(history)?.stage

          // A stage on record is the same as a row when it is the same stage on the same day (in
          // the zone it was stored in): a changed province moves it to the new zone's midnight.
          const storedZone = stored?.timeZone ?? zone
          const onRecord = new Map<string, StoredStage>()
          for (const stage of history) {
            const key = `${stage.stage}|${localDay(stage.reachedAt, storedZone)}`
            if (!onRecord.has(key)) onRecord.set(key, stage)
          }
          for (const row of person.rows) {
            const reachedAt = atLocal(row.stageDay, 0, 0, zone)
            const dueAt = row.dueDay ? atLocal(row.dueDay, 23, 59, zone) : null
            const found = onRecord.get(`${row.stage}|${row.stageDay}`)
            if (found) {
              if (found.reachedAt !== reachedAt || found.dueAt !== dueAt || found.note !== row.note) {
                changed ||= found.reachedAt !== reachedAt || found.dueAt !== dueAt
                Object.assign(found, { reachedAt, dueAt, note: row.note })
                await writes.updateStage(found)
              }
              counts.stagesUpdated++
            } else {
              const stage = { stage: row.stage, reachedAt, dueAt, note: row.note }
              history.push({ id: await writes.insertStage(personId, stage, now), ...stage })
              counts.stagesAdded++
              changed = true
            }
          }

          const after = currentStage(history)
          if (after && after.stage !== before && linked.has(personId)) {
            const queued = await queueStageChanged(db, personId, after, zone, now)
            if (queued > 0) counts.peopleNotified++
            counts.messagesQueued += queued
          }
          // A portfolio deadline set, moved or passed (the person moved on): reminders follow.
          if (changed && linked.has(personId)) await planReminders(db, [personId], now, options.reminders)
        }
        return counts
      },
    },
    { actor: options.actor, now, onProgress: options.onProgress, dryRun: options.dryRun, auditDetails: options.auditDetails },
  )
}
