/** What a signed-in console request carries: the staff member, set by the console's sign-in guard. */

/** A staff member as the console's pages see them (`region`: 'R1'…'R6' for `regional`, null otherwise). */
export type Staff = { id: number; name: string; email: string; role: 'admin' | 'regional' | 'viewer'; region: string | null }

/** The Hono environment of the console's routes: `c.get('staff')`. */
export type ConsoleEnv = { Variables: { staff: Staff } }
