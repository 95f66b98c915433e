/** Periodic clean-up that keeps the promises made to users about how long data is kept. */
import type { Db } from '../db/client.js'
import { createConversationQueries } from '../db/queries/conversations.js'
import { purgeHandoffs } from '../db/queries/handoff.js'
import { transaction } from '../db/store.js'
import { HANDOFF_RETENTION_DAYS } from './flows/handoff.js'

const DAY = 86_400_000
/** Platforms redeliver within hours (WhatsApp may replay after a long reconnect): keep ids 14 days. */
const PROCESSED_ID_DAYS = 14

export type HousekeepingResult = { expiredFlows: number; prunedMessageIds: number; purgedHandoffs: number }

export async function runHousekeeping(db: Db, now: Date, timeoutMinutes: number): Promise<HousekeepingResult> {
  return await transaction(db, async (tx) => {
    const conversations = createConversationQueries(tx)
    return {
      expiredFlows: await conversations.clearExpiredFlows(new Date(now.getTime() - timeoutMinutes * 60_000)),
      prunedMessageIds: await conversations.pruneProcessed(new Date(now.getTime() - PROCESSED_ID_DAYS * DAY)),
      purgedHandoffs: await purgeHandoffs(tx, new Date(now.getTime() - HANDOFF_RETENTION_DAYS * DAY), now),
    }
  })
}
