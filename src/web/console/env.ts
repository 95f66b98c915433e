/**
 * What a signed-in console request carries (Hono `Variables`): the staff member, and the CSRF token
 * of their session that every form of the console posts back (field `_csrf`).
 */
import type { StaffRole } from '../../vocabulary/staff.js'

/** The signed-in staff member. `region` is the BBPPKS region code ('R1'…'R6') for `regional`, null otherwise. */
export type Staff = { id: number; name: string; email: string; role: StaffRole; region: string | null }

export type ConsoleEnv = {
  Variables: {
    staff: Staff
    /** The session's CSRF token: put it in every form as `<input type="hidden" name="_csrf">` (see csrfField). */
    csrf: string
    /** Handoffs waiting for staff in the staff member's scope (the menu's badge). */
    waitingHandoffs?: number
  }
}
