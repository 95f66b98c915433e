/**
 * What a signed-in staff member may see (see src/db/queries/console-scope.ts): `admin` and `viewer`
 * every region, `regional` its own region only, whatever the address asks for. `viewer` sees no
 * personal data: pages show names through `shownName` and no NIK, phone or birth date at all.
 */
import { maskName } from '../../core/certificates/verify.js'
import type { Db } from '../../db/client.js'
import { type ConsoleRegion, type ConsoleScope, consoleRegions } from '../../db/queries/console-scope.js'
import type { Staff } from './env.js'

/**
 * The staff member's fixed scope: their region for `regional` (a region no longer on record is an
 * empty region, never all of them), null (every region) for the others.
 */
export async function staffScope(
  db: Db,
  staff: Pick<Staff, 'role' | 'region'>,
  known?: readonly ConsoleRegion[],
): Promise<ConsoleScope> {
  if (staff.role !== 'regional') return null
  const regions = known ?? (await consoleRegions(db))
  return (
    regions.find((r) => r.code === staff.region) ?? { id: -1, code: staff.region ?? '', name: staff.region ?? '', provinces: [] }
  )
}

/** Whether the staff member may see personal data (names in full, contact data, NIK hints). */
export const seesPersonalData = (staff: Staff): boolean => staff.role !== 'viewer'

/** A person's name as this staff member may see it: masked ("Sit* Rah***") for `viewer`. */
export const shownName = (staff: Staff, name: string): string => (seesPersonalData(staff) ? name : maskName(name))
