/**
 * What the console's Peserta page changes about a person, checked as the status import checks the
 * same fields (the import's cells), written in one transaction with its audit entry:
 *
 * - `correctContact`: phone, province, regency, profession group, institution, time zone. A new
 *   phone ends every chat link (each chat proves itself again, as after an import with a new
 *   number); a new zone re-plans the person's reminders. The audit entry names the fields changed,
 *   never their values.
 * - `addStage`: one stage of the certification path, stored and told to the person exactly as the
 *   status import does (`stage-change.ts`: the same message, the same idempotency key).
 *
 * Expected failures come back as messages per form field (Indonesian), nothing written.
 */

import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { unlinkAllChats } from '../../db/queries/chat-links.js'
import { type ConsoleScope, personInScope } from '../../db/queries/console-scope.js'
import { personById, personZone, updatePersonContact } from '../../db/queries/people.js'
import { currentStage, type StoredStage, statusWrites } from '../../db/queries/status.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../../db/schema.js'
import { transaction } from '../../db/store.js'
import { type Cell, optionalPhone, optionalText, shown } from '../import/cells.js'
import { findProvince, PROVINCES, provinceByCode } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { findTargetGroup, TARGET_GROUPS } from '../sessions/target-groups.js'
import { localDay, queueStageChanged, stageTimes } from '../status/stage-change.js'
import { parseDate } from '../validators/date.js'

/** The fields of the contact form, as typed. */
export type ContactInput = {
  phone: string
  province: string
  regency: string
  professionGroup: string
  institution: string
  timeZone: string
}
export type ContactField = keyof ContactInput

/** The fields of the stage form, as typed. */
export type StageInput = { stage: string; stageDate: string; dueDate: string; note: string }
export type StageField = keyof StageInput

/** A failed change: one message per field, or `NOT_FOUND` (not on record, or outside the scope). */
export type FormResult<F extends string, T> =
  | { ok: true; value: T }
  | { ok: false; error: 'NOT_FOUND' }
  | { ok: false; error: 'INVALID'; fields: Partial<Record<F, string>> }

/** Who changes, when, and what they may see; `reminders`: the settings re-planned reminders use. */
export type ChangeContext = { actor: string; now: Date; scope: ConsoleScope; reminders: ReminderSettings }

/** The zones a person may be in: Indonesia's. */
export const PERSON_ZONES = [...new Set(PROVINCES.map((p) => p.timeZone))]

const MAX_REGENCY = 100
const MAX_INSTITUTION = 200
const MAX_NOTE = 500
const regencyCell = optionalText(MAX_REGENCY)
const institutionCell = optionalText(MAX_INSTITUTION)
const noteCell = optionalText(MAX_NOTE, { multiline: true })

type ContactValues = {
  phoneE164: string | null
  provinceCode: string | null
  regency: string | null
  professionGroup: string | null
  institution: string | null
  timeZone: string
}
const FIELD_OF: Record<keyof ContactValues, ContactField> = {
  phoneE164: 'phone',
  provinceCode: 'province',
  regency: 'regency',
  professionGroup: 'professionGroup',
  institution: 'institution',
  timeZone: 'timeZone',
}

function readContact(input: ContactInput, scope: ConsoleScope) {
  const errors: Partial<Record<ContactField, string>> = {}
  const read = <T>(field: ContactField, cell: Cell<T>): T | undefined => {
    if ('reason' in cell) {
      errors[field] = `${cell.reason[0]?.toUpperCase()}${cell.reason.slice(1)}.`
      return undefined
    }
    return cell.value
  }
  const phoneE164 = read('phone', optionalPhone(input.phone.trim()))
  const provinceText = input.province.trim()
  const province = provinceText === '' ? null : findProvince(provinceText)
  if (province === undefined) errors.province = `Provinsi tidak dikenal (tertulis ${shown(provinceText)}).`
  // A regional account keeps people in its region: moving one out would hide them from it.
  else if (province && scope && !scope.provinces.includes(province.code))
    errors.province = `Provinsi ${province.name} di luar wilayah ${scope.code}; minta admin pusat memindahkan peserta ini.`
  const regency = read('regency', regencyCell(input.regency.trim()))
  const institution = read('institution', institutionCell(input.institution.trim()))
  const groupText = input.professionGroup.trim()
  const professionGroup = groupText === '' ? null : findTargetGroup(groupText)
  if (professionGroup === undefined) errors.professionGroup = `Pilih salah satu dari: ${TARGET_GROUPS.join(', ')}.`
  const timeZone = input.timeZone.trim()
  if (!PERSON_ZONES.includes(timeZone as (typeof PERSON_ZONES)[number])) errors.timeZone = 'Pilih zona waktu WIB, WITA atau WIT.'
  if (Object.keys(errors).length > 0) return { errors }
  return {
    values: {
      phoneE164: phoneE164 ?? null,
      provinceCode: province?.code ?? null,
      regency: regency ?? null,
      professionGroup: professionGroup ?? null,
      institution: institution ?? null,
      timeZone,
    } satisfies ContactValues,
  }
}

/**
 * Corrects a person's contact data. Returns the fields that changed (none: nothing written, no
 * audit entry).
 */
export async function correctContact(
  db: Db,
  personId: number,
  input: ContactInput,
  context: ChangeContext,
): Promise<FormResult<ContactField, ContactField[]>> {
  const read = readContact(input, context.scope)
  // One connection: what runs on `db` inside the callback is part of the transaction.
  const write = async (tx: Db): Promise<FormResult<ContactField, ContactField[]>> => {
    if (!(await personInScope(tx, context.scope, personId))) return { ok: false, error: 'NOT_FOUND' }
    if (!read.values) return { ok: false, error: 'INVALID', fields: read.errors }
    const stored = await personById(tx, personId)
    if (!stored) return { ok: false, error: 'NOT_FOUND' }
    const next = read.values
    const changed = (Object.keys(next) as (keyof ContactValues)[]).filter((key) => next[key] !== stored[key])
    if (changed.length === 0) return { ok: true, value: [] }
    await updatePersonContact(tx, personId, next, context.now)
    // The chats proved themselves against the old number: each proves again (as after an import).
    const unlinked =
      stored.phoneE164 !== null && next.phoneE164 !== stored.phoneE164 ? await unlinkAllChats(tx, personId, context.now) : 0
    if (unlinked > 0 || next.timeZone !== stored.timeZone) await planReminders(tx, [personId], context.now, context.reminders)
    const fields = changed.map((key) => FIELD_OF[key])
    await writeAudit(tx, {
      at: context.now,
      actor: context.actor,
      action: 'person.contact_corrected',
      entity: 'person',
      entityId: String(personId),
      details: { fields, ...(unlinked > 0 && { chatsUnlinked: unlinked }) },
    })
    return { ok: true, value: fields }
  }
  return await transaction(db, write)
}

const stageKnown = (text: string): text is CertificationStage => (CERTIFICATION_STAGES as readonly string[]).includes(text)

/**
 * Adds a stage to a person's history, and tells them (each reachable chat, once) when it becomes
 * their current stage; their reminders are re-planned, as after a status import. Returns how many
 * messages were queued.
 */
export async function addStage(
  db: Db,
  personId: number,
  input: StageInput,
  context: ChangeContext,
): Promise<FormResult<StageField, number>> {
  const errors: Partial<Record<StageField, string>> = {}
  if (!stageKnown(input.stage)) errors.stage = 'Pilih tahapnya.'
  const stageDay = parseDate(input.stageDate.trim(), { now: context.now })
  if (!stageDay.ok)
    errors.stageDate =
      stageDay.error.code === 'DATE_FUTURE'
        ? 'Tanggal itu belum tiba; isi tanggal tahap itu dicapai.'
        : 'Isi tanggal yang ada, mis. 2026-11-23 atau 23-11-2026.'
  const dueText = input.dueDate.trim()
  const dueDay = dueText === '' ? undefined : parseDate(dueText, { allowFuture: true })
  if (dueDay && !dueDay.ok) errors.dueDate = 'Isi tanggal yang ada, mis. 2026-12-31, atau kosongkan.'
  else if (dueDay?.ok && stageDay.ok && dueDay.value < stageDay.value)
    errors.dueDate = 'Batas waktu tidak boleh sebelum tanggal tahap.'
  const note = noteCell(input.note.trim())
  if ('reason' in note) errors.note = `Catatan ${note.reason}.`

  const write = async (tx: Db): Promise<FormResult<StageField, number>> => {
    if (!(await personInScope(tx, context.scope, personId))) return { ok: false, error: 'NOT_FOUND' }
    if (!stageKnown(input.stage) || !stageDay.ok || (dueDay && !dueDay.ok) || 'reason' in note || Object.keys(errors).length > 0)
      return { ok: false, error: 'INVALID', fields: errors }
    const timeZone = await personZone(tx, personId)
    if (timeZone === undefined) return { ok: false, error: 'NOT_FOUND' }
    const writes = statusWrites(tx)
    const history: StoredStage[] = await writes.stagesOf(personId)
    // The import's rule: one stage per day (in the person's zone); the import updates it, the form says so.
    if (history.some((s) => s.stage === input.stage && localDay(s.reachedAt, timeZone) === stageDay.value))
      return { ok: false, error: 'INVALID', fields: { stage: 'Tahap ini sudah tercatat pada tanggal itu.' } }
    const before = currentStage(history)?.stage
    const stage = {
      stage: input.stage,
      ...stageTimes(stageDay.value, dueDay?.ok ? dueDay.value : null, timeZone),
      note: note.value,
    }
    history.push({ id: await writes.insertStage(personId, stage, context.now), ...stage })
    const after = currentStage(history)
    const queued = after && after.stage !== before ? await queueStageChanged(tx, personId, after, timeZone, context.now) : 0
    await planReminders(tx, [personId], context.now, context.reminders)
    await writeAudit(tx, {
      at: context.now,
      actor: context.actor,
      action: 'person.stage_added',
      entity: 'person',
      entityId: String(personId),
      details: { stage: input.stage, date: stageDay.value, messagesQueued: queued },
    })
    return { ok: true, value: queued }
  }
  return await transaction(db, write)
}

/** The province of a code, for the form's choices and the page (null when none is on record). */
export const provinceName = (code: string | null): string | null => (code ? (provinceByCode(code)?.name ?? code) : null)
