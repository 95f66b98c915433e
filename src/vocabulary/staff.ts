/** The secretariat's staff accounts: who they are to the console (the roles of docs/console.md). */

/** `admin`: the centre, every region; `regional`: one BBPPKS region; `viewer`: lists without personal data. */
export const STAFF_ROLES = ['admin', 'regional', 'viewer'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

export const STAFF_STATUSES = ['active', 'disabled'] as const
export type StaffStatus = (typeof STAFF_STATUSES)[number]

/** The six BBPPKS regions a `regional` account belongs to (the codes of the regions table). */
export const REGION_CODES = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'] as const
export type RegionCode = (typeof REGION_CODES)[number]
