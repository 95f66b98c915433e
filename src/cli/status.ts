/** `npm run cli -- import status | status show`: certification status for the secretariat. */
import { resolveDataKey } from '../bootstrap.js'
import type { Config } from '../config.js'
import { formatImportError } from '../core/import/csv.js'
import { createNikVault, type NikVault } from '../core/privacy/nik-vault.js'
import { provinceByCode, zoneLabel } from '../core/regions.js'
import { importStatus, type StatusImportResult } from '../core/status/import.js'
import { STAGE_LABEL } from '../core/status/stages.js'
import { parseNik } from '../core/validators/nik.js'
import type { Db } from '../db/client.js'
import { linkedChatCount, personByNikHash, stageHistory } from '../db/queries/people.js'
import { createLogger } from '../logger.js'
import { progressBar, readInput } from './io.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

/** The server's NIK vault: DATA_ENCRYPTION_KEY, or the key file beside the database. */
function vaultOf(config: Config): NikVault {
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stream: 'stderr' })
  return createNikVault(resolveDataKey(config, logger))
}

export function importStatusCommand(db: Db, args: string[], config: Config): number {
  const path = args[0]
  if (!path) {
    err('Sebutkan filenya, mis.: npm run cli -- import status status-sertifikasi.csv\n')
    return 2
  }
  const input = readInput(path)
  if (!input) return 2
  const vault = vaultOf(config)
  const progress = progressBar()
  let result: StatusImportResult
  try {
    result = importStatus(db, input, { actor: 'cli', vault, ...(progress.onProgress && { onProgress: progress.onProgress }) })
  } finally {
    progress.stop()
  }
  if (!result.ok) {
    for (const error of result.errors) err(`${formatImportError(error)}\n`)
    err(`${new Set(result.errors.map((e) => e.line)).size} baris ditolak; tidak ada yang disimpan.\n`)
    return 1
  }
  out(`${result.peopleAdded} orang, ${result.stagesAdded} tahap ditambahkan, ${result.stagesUpdated} diperbarui.\n`)
  if (result.peopleNotified > 0) {
    out(`${result.peopleNotified} orang yang tahapnya berubah akan diberi tahu lewat chat (${result.messagesQueued} pesan).\n`)
  }
  return 0
}

const localDay = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date)

/** One person's record and stage history, found by NIK; the NIK is never printed. */
export function statusShowCommand(db: Db, args: string[], config: Config): number {
  const typed = args.join('')
  if (!typed) {
    err('Sebutkan NIK-nya, mis.: npm run cli -- status show 3273011506800001\n')
    return 2
  }
  const nik = parseNik(typed)
  if (!nik.ok) {
    err('Itu bukan NIK yang sah (16 angka: kode wilayah, tanggal lahir, nomor urut).\n')
    return 2
  }
  const person = personByNikHash(db, vaultOf(config).hash(nik.value.nik))
  if (!person) {
    err('Tidak ada orang dengan NIK itu.\n')
    return 1
  }
  const zone = person.timeZone
  const label = zoneLabel(zone)
  const province = person.provinceCode ? (provinceByCode(person.provinceCode)?.name ?? person.provinceCode) : undefined
  const details = [province, person.regency, person.professionGroup, person.institution].filter(Boolean).join(' · ')
  const chats = linkedChatCount(db, person.id)
  out(
    `${person.fullName}${details ? `  (${details})` : ''}\n` +
      `  ${chats > 0 ? `terhubung ke ${chats} chat` : 'belum terhubung ke chat'} · tanggal dalam ${label}\n\n`,
  )
  const history = stageHistory(db, person.id)
  if (history.length === 0) {
    out('Belum ada tahap sertifikasi.\n')
    return 0
  }
  for (const stage of history) {
    const due = stage.dueAt ? `  batas ${localDay(stage.dueAt, zone)}` : ''
    const note = stage.note ? `\n      ${stage.note.replace(/\n+/g, ' / ')}` : ''
    out(`  ${localDay(stage.reachedAt, zone)}  ${STAGE_LABEL[stage.stage].id}${due}${note}\n`)
  }
  const current = history.at(-1)
  if (current) out(`\nTahap sekarang: ${STAGE_LABEL[current.stage].id}.\n`)
  return 0
}
