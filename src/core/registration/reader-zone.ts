/** The time zone the person in a chat reads times in. */
import { personOfChat } from '../../db/queries/chat-links.js'
import { personZone } from '../../db/queries/people.js'
import type { TurnContext } from '../turn.js'

/** Their own (linked record), else `placeZone` (the zone of the place they asked about), if any. */
export async function readerZone(ctx: TurnContext, placeZone?: string): Promise<string | undefined> {
  const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
  return (personId === undefined ? undefined : await personZone(ctx.db, personId)) ?? placeZone
}
