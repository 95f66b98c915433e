/** The time zone the person in a chat reads times in. */
import { eq } from 'drizzle-orm'
import { personOfChat } from '../../db/queries/chat-links.js'
import { people } from '../../db/schema.js'
import type { TurnContext } from '../turn.js'

/** Their own (linked record), else `placeZone` (the zone of the place they asked about), if any. */
export function readerZone(ctx: TurnContext, placeZone?: string): string | undefined {
  const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
  if (personId !== undefined) {
    const person = ctx.db.select({ timeZone: people.timeZone }).from(people).where(eq(people.id, personId)).get()
    if (person) return person.timeZone
  }
  return placeZone
}
