import type { Config } from '../config.js'
import { provinceByCode, zoneLabel } from '../core/regions.js'
import { importStatus } from '../core/status/import.js'
import { STAGE_LABEL } from '../core/status/stages.js'
import { formatIsoDay } from '../core/text/dates.js'
import { parseNik } from '../core/validators/nik.js'
import type { DataKeyring } from '../data-keys.js'
import type { Db } from '../db/client.js'
import { linkedChatCount } from '../db/queries/chat-links.js'
import { personByNikHash, stageHistory } from '../db/queries/people.js'
import { reminderSettingsOf } from '../settings.js'
import { importFile } from './io.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

export async function importStatusCommand(
  db: Db,
  args: string[],
  config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
): Promise<number> {
  const result = await importFile(args, 'npm run cli -- import status status-sertifikasi.csv', async (input, options) =>
    importStatus(db, input, {
      actor: 'cli',
      now: clock(),
      reminders: reminderSettingsOf(config),
      vault: (await keys()).vault,
      ...options,
    }),
  )
  if (typeof result === 'number') return result
  out(`${result.peopleAdded} orang, ${result.stagesAdded} tahap ditambahkan, ${result.stagesUpdated} diperbarui.\n`)
  if (result.peopleNotified > 0) {
    out(`${result.peopleNotified} orang yang tahapnya berubah akan diberi tahu lewat chat (${result.messagesQueued} pesan).\n`)
  }
  return 0
}

/** One person's record and stage history, found by NIK; the NIK is never printed. */
export async function statusShowCommand(
  db: Db,
  args: string[],
  _config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
): Promise<number> {
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
  const person = await personByNikHash(db, (await keys()).vault.hash(nik.value.nik))
  if (!person) {
    err('Tidak ada orang dengan NIK itu.\n')
    return 1
  }
  const zone = person.timeZone
  const label = zoneLabel(zone)
  const province = person.provinceCode ? (provinceByCode(person.provinceCode)?.name ?? person.provinceCode) : undefined
  const details = [province, person.regency, person.professionGroup, person.institution].filter(Boolean).join(' · ')
  const chats = await linkedChatCount(db, person.id, clock())
  out(
    `${person.fullName}${details ? `  (${details})` : ''}\n` +
      `  ${chats > 0 ? `terhubung ke ${chats} chat` : 'belum terhubung ke chat'} · tanggal dalam ${label}\n\n`,
  )
  const history = await stageHistory(db, person.id)
  if (history.length === 0) {
    out('Belum ada tahap sertifikasi.\n')
    return 0
  }
  for (const stage of history) {
    const due = stage.dueAt ? `  batas ${formatIsoDay(stage.dueAt, zone)}` : ''
    const note = stage.note ? `\n      ${stage.note.replace(/\n+/g, ' / ')}` : ''
    out(`  ${formatIsoDay(stage.reachedAt, zone)}  ${STAGE_LABEL[stage.stage].id}${due}${note}\n`)
  }
  const current = history.at(-1)
  if (current) out(`\nTahap sekarang: ${STAGE_LABEL[current.stage].id}.\n`)
  return 0
}
