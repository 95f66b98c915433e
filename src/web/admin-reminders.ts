/**
 * /api/v1/admin/reminders: the delivery status of the reminders, for the secretariat. Mounted by
 * admin-api.ts, behind the same guard (admin-auth.ts). A `regional` caller sees the reminders, and
 * the outbox counts, of the people of its region only.
 *
 *   GET /reminders?status=&channel=&kind=&event=&person=&limit=&cursor=
 *       soonest due first (then by id); `next` is the cursor of the following page, null at the end
 *   GET /reminders/summary
 *       outbox rows per status (all kinds, and reminders only) and the earliest pending due time
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { reminderView } from '../core/reminders/listing.js'
import type { Db } from '../db/client.js'
import { listReminders, nextPendingDue, statusCounts } from '../db/queries/reminders.js'
import { OUTBOX_STATUSES } from '../db/schema.js'
import { EVENT_KINDS, parseEventKey } from '../vocabulary/events.js'
import { CHANNELS } from '../vocabulary/message.js'
import type { AdminEnv } from './admin-auth.js'
import { staffScope } from './console/scope.js'

export const DEFAULT_REMINDER_PAGE = 100
export const MAX_REMINDER_PAGE = 500

const invalidQuery = (message: string) => ({ error: { code: 'INVALID_QUERY', message } })

/** The position after a row: its due time and id, opaque to clients. */
const encodeCursor = (row: { dueAt: Date; id: number }) => Buffer.from(`${row.dueAt.getTime()}:${row.id}`).toString('base64url')

const wholeNumber = /^[1-9]\d{0,14}$/

const query = z.strictObject({
  status: z.enum(OUTBOX_STATUSES, { error: `must be one of ${OUTBOX_STATUSES.join(', ')}` }).optional(),
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
  kind: z.enum(EVENT_KINDS, { error: `must be one of ${EVENT_KINDS.join(', ')}` }).optional(),
  event: z
    .string()
    .refine((key) => parseEventKey(key) !== undefined, 'must be an event key like registration:12, exam:5 or portfolio:7')
    .optional(),
  person: z.string().regex(wholeNumber, 'must be a person id (a positive whole number)').transform(Number).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_REMINDER_PAGE}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_REMINDER_PAGE, `must be a whole number from 1 to ${MAX_REMINDER_PAGE}`)
    .optional(),
  cursor: z
    .string()
    .transform((text, ctx) => {
      const match = /^(\d{1,15}):([1-9]\d{0,14})$/.exec(Buffer.from(text, 'base64url').toString('latin1'))
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'is not a cursor from an earlier page (use `next` as given)' })
        return z.NEVER
      }
      return { dueAt: Number(match[1]), id: Number(match[2]) }
    })
    .optional(),
})

export function adminReminders(deps: { db: Db }) {
  const api = new Hono<AdminEnv>()

  api.get('/', async (c) => {
    const given = c.req.queries()
    const repeated = Object.keys(given).find((key) => (given[key]?.length ?? 0) > 1)
    if (repeated) return c.json(invalidQuery(`${repeated} is given more than once`), 400)
    const parsed = query.safeParse(c.req.query())
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const message =
        issue?.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.join(', ')} (known: ${Object.keys(query.shape).join(', ')})`
          : `${issue?.path.join('.')} ${issue?.message ?? 'is not valid'}`
      return c.json(invalidQuery(message), 400)
    }
    const { status, channel, kind, event, person, limit = DEFAULT_REMINDER_PAGE, cursor } = parsed.data
    const scope = await staffScope(deps.db, c.get('caller'))
    // One row more than asked tells whether there is a next page.
    const rows = await listReminders(
      deps.db,
      { status, channel, kind, eventKey: event, personId: person, ...(scope && { provinces: scope.provinces }) },
      { limit: limit + 1, after: cursor },
    )
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return c.json({ reminders: page.map(reminderView), next: rows.length > limit && last ? encodeCursor(last) : null })
  })

  api.get('/summary', async (c) => {
    const iso = (at: Date | null) => at?.toISOString() ?? null
    const provinces = (await staffScope(deps.db, c.get('caller')))?.provinces
    return c.json({
      counts: {
        all: await statusCounts(deps.db, undefined, provinces),
        reminders: await statusCounts(deps.db, 'reminder', provinces),
      },
      nextDueAt: {
        all: iso(await nextPendingDue(deps.db, undefined, provinces)),
        reminders: iso(await nextPendingDue(deps.db, 'reminder', provinces)),
      },
    })
  })

  return api
}
