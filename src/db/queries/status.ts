/**
 * Certification status as the status import writes it: people found by NIK hash, their stage
 * histories, and who has a chat to be told about a new stage. Plain prepared statements on the
 * connection (no query builder per row), because one import may hold 100,000 rows; every call runs
 * inside the import's transaction.
 */
import { type Db, statement } from '../client.js'
import type { CertificationStage } from '../schema.js'

/** A person as stored, with the fields an import may fill in or change. */
export type StoredPerson = {
  id: number
  fullName: string
  birthDate: string | null
  nikCiphertext: string | null
  phoneE164: string | null
  provinceCode: string | null
  regency: string | null
  professionGroup: string | null
  institution: string | null
  timeZone: string
}

/** One stage of a person's history; times in UTC milliseconds. */
export type StoredStage = { id: number; stage: CertificationStage; reachedAt: number; dueAt: number | null; note: string | null }

/** The person fields an import writes (all of them: unchanged ones carry the stored value). */
export type PersonFields = Omit<StoredPerson, 'id' | 'birthDate' | 'nikCiphertext'> & {
  birthDate: string
  nikCiphertext: string
}

const PERSON_COLUMNS = `id, full_name as fullName, birth_date as birthDate, nik_ciphertext as nikCiphertext,
  phone_e164 as phoneE164, province_code as provinceCode, regency, profession_group as professionGroup,
  institution, time_zone as timeZone`

/** The statements of one import, on the connection of `db` (the database or the import's transaction): each prepared once per connection. */
export function statusWrites(db: Db) {
  const personByHash = statement(db, `select ${PERSON_COLUMNS} from people where nik_hash = ?`)
  const stagesOf = statement(
    db,
    'select id, stage, reached_at as reachedAt, due_at as dueAt, note from certification_stages where person_id = ? order by id',
  )
  const insertPerson = statement(
    db,
    `insert into people (full_name, nik_hash, nik_ciphertext, birth_date, phone_e164, province_code, regency,
       profession_group, institution, time_zone, created_at, updated_at)
     values (@fullName, @nikHash, @nikCiphertext, @birthDate, @phoneE164, @provinceCode, @regency,
       @professionGroup, @institution, @timeZone, @at, @at)
     returning id`,
  )
  const updatePerson = statement(
    db,
    `update people set full_name = @fullName, nik_ciphertext = @nikCiphertext, birth_date = @birthDate,
       phone_e164 = @phoneE164, province_code = @provinceCode, regency = @regency, profession_group = @professionGroup,
       institution = @institution, time_zone = @timeZone, updated_at = @at
     where id = @id`,
  )
  const insertStage = statement(
    db,
    'insert into certification_stages (person_id, stage, reached_at, due_at, note, created_at) values (?, ?, ?, ?, ?, ?) returning id',
  )
  const updateStage = statement(db, 'update certification_stages set reached_at = ?, due_at = ?, note = ? where id = ?')
  const linked = statement(
    db,
    'select distinct person_id as id from channel_identities where person_id is not null and blocked_at is null and link_expires_at > ?',
  )
  const id = (row: unknown) => (row as { id: number }).id
  return {
    personByHash: async (nikHash: string) => (await personByHash.get(nikHash)) as StoredPerson | undefined,
    stagesOf: async (personId: number) => (await stagesOf.all(personId)) as StoredStage[],
    insertPerson: async (fields: PersonFields, nikHash: string, at: Date): Promise<number> =>
      id(await insertPerson.get({ ...fields, nikHash, at: at.getTime() })),
    updatePerson: async (personId: number, fields: PersonFields, at: Date): Promise<void> => {
      await updatePerson.run({ ...fields, id: personId, at: at.getTime() })
    },
    insertStage: async (personId: number, stage: Omit<StoredStage, 'id'>, at: Date): Promise<number> =>
      id(await insertStage.get(personId, stage.stage, stage.reachedAt, stage.dueAt, stage.note, at.getTime())),
    updateStage: async (stage: StoredStage): Promise<void> => {
      await updateStage.run(stage.reachedAt, stage.dueAt, stage.note, stage.id)
    },
    /** People with at least one chat that can still be reached at `now` (linked, link not ended, not blocked). */
    linkedPeople: async (now: Date): Promise<Set<number>> =>
      new Set(((await linked.all(now.getTime())) as { id: number }[]).map((row) => row.id)),
  }
}

export type StatusWrites = ReturnType<typeof statusWrites>

/** The current stage of a history: the latest reached, the later written on a tie. */
export function currentStage<S extends Pick<StoredStage, 'id' | 'reachedAt'>>(stages: readonly S[]): S | undefined {
  let current: S | undefined
  for (const stage of stages) {
    if (!current || stage.reachedAt > current.reachedAt || (stage.reachedAt === current.reachedAt && stage.id > current.id)) {
      current = stage
    }
  }
  return current
}
