/**
 * The pace of one channel's proactive messages: at most `perSecond` messages a second overall
 * (spaced evenly, plus a random jitter where the channel wants to look less like a machine) and
 * at least `perChatMs` between two messages to the same chat. Slots are handed out in call order,
 * so a chat's messages keep their order; the clock is injected so tests run in virtual time.
 */

export type Pace = {
  /** Most messages a second across all chats (Telegram: 25, below its limit of about 30). */
  perSecond: number
  /** Least time between two messages to one chat (Telegram: 1 s). */
  perChatMs: number
  /** Up to this much more between two messages, at random (WhatsApp). */
  jitterMs?: number
}

export type Clock = {
  /** Milliseconds since the epoch, from the clock the caller was given. */
  now(): number
  sleep(ms: number): Promise<void>
}

/** Waiting on a real timer (the time itself still comes from the caller's clock). */
export const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The average rate a pace achieves: the gap plus half the jitter, per message. */
export function averageRate(pace: Pace): number {
  return 1000 / (1000 / pace.perSecond + (pace.jitterMs ?? 0) / 2)
}

export type Pacer = {
  /** Waits for this message's turn; resolves at the moment it may be sent. */
  turn(chatId: string): Promise<void>
}

/**
 * `share`: how many senders share the pace (several instances each sending a channel whose limit
 * is per bot, not per process): the gap between messages grows that many times. Read at each turn.
 */
export function createPacer(pace: Pace, clock: Clock, random: () => number = Math.random, share: () => number = () => 1): Pacer {
  let next = Number.NEGATIVE_INFINITY
  const chatNext = new Map<string, number>()
  /** When each chat's last message actually went (a timer may fire late). */
  const chatLast = new Map<string, number>()
  return {
    async turn(chatId) {
      const now = clock.now()
      const slot = Math.max(now, next, chatNext.get(chatId) ?? Number.NEGATIVE_INFINITY)
      const gapMs = (1000 / pace.perSecond) * share()
      next = slot + gapMs + (pace.jitterMs ? random() * pace.jitterMs : 0)
      chatNext.set(chatId, slot + pace.perChatMs)
      // Forget chats whose wait is over, so the maps stay as small as the backlog.
      if (chatNext.size > 10_000) {
        for (const [chat, at] of chatNext) if (at <= now) chatNext.delete(chat)
        for (const [chat, at] of chatLast) if (at + pace.perChatMs <= now) chatLast.delete(chat)
      }
      if (slot > now) await clock.sleep(slot - now)
      // The slot was counted from when the chat's previous message was due to go; if that one went
      // late, wait the rest, so two messages to one chat are never closer than `perChatMs`.
      const last = chatLast.get(chatId)
      if (last !== undefined && clock.now() < last + pace.perChatMs) await clock.sleep(last + pace.perChatMs - clock.now())
      chatLast.set(chatId, clock.now())
    },
  }
}

/**
 * Orders messages so each chat's messages are spread evenly over the batch (a chat with k
 * messages gets them at about 1/2k, 3/2k, … of the way through; a chat with one keeps its place),
 * each chat's own order kept: a chat waiting for its per-chat gap then holds back no one, and no
 * chat's last messages are left bunched at the end where only the per-chat gap would pace them.
 */
export function interleaveByChat<T extends { chatId: string }>(items: readonly T[]): T[] {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item.chatId, (counts.get(item.chatId) ?? 0) + 1)
  const seen = new Map<string, number>()
  const placed = items.map((item, index) => {
    const k = counts.get(item.chatId) ?? 1
    const j = seen.get(item.chatId) ?? 0
    seen.set(item.chatId, j + 1)
    return { item, index, at: k === 1 ? index : ((j + 0.5) * items.length) / k }
  })
  return placed.sort((a, b) => a.at - b.at || a.index - b.index).map((entry) => entry.item)
}
