/**
 * A person blocks the assistant in a chat, or allows it again; the channel tells (Telegram's
 * my_chat_member update, a refused send) and calls these, so every channel follows one rule:
 * nothing more goes to a blocked chat (its reminders still waiting are cancelled), and a chat
 * allowed again takes the person's reminders again, planned from that moment.
 */
import type { Db } from '../db/client.js'
import { personOfChat } from '../db/queries/chat-links.js'
import { setBlocked } from '../db/queries/identities.js'
import { transaction } from '../db/store.js'
import type { Channel } from '../vocabulary/message.js'
import { planReminders } from './reminders/plan.js'
import type { ReminderSettings } from './reminders/settings.js'

/** A chat account as the channel knows it. */
export type ChatAccount = { channel: Channel; userId: string; chatId: string }

export type ChatBlocking = {
  /** The person blocked the assistant in this chat at `at`. */
  chatBlocked(chat: ChatAccount, at: Date): Promise<void>
  /** The person allows messages in this chat again at `at`. */
  chatUnblocked(chat: ChatAccount, at: Date): Promise<void>
}

export function createChatBlocking(deps: { db: Db; reminders: ReminderSettings }): ChatBlocking {
  const { db, reminders } = deps
  return {
    async chatBlocked(chat, at) {
      await transaction(db, (tx) => setBlocked(tx, chat.channel, chat.userId, chat.chatId, true, at))
    },
    async chatUnblocked(chat, at) {
      await transaction(db, async (tx) => {
        await setBlocked(tx, chat.channel, chat.userId, chat.chatId, false, at)
        const personId = await personOfChat(tx, chat.channel, chat.userId, at)
        if (personId !== undefined) await planReminders(tx, [personId], at, reminders)
      })
    },
  }
}
