/** A chat account talking to the engine directly, with the full replies (attachments too), not through a driver. */
import type { Engine } from '../../src/core/engine.js'
import type { Inbound, Reply } from '../../src/core/types.js'

let messageCounter = 0

/** The chat `id` on the terminal channel unless `over` says otherwise (e.g. a WhatsApp sender's phone). */
export function chat(engine: Engine, id: string, over: Partial<Inbound> = {}) {
  const send = (input: Pick<Inbound, 'text' | 'choice'>) => {
    messageCounter += 1
    return engine.handle({
      channel: 'console',
      chatId: id,
      userId: id,
      messageId: `${id}-${messageCounter}`,
      receivedAt: new Date(),
      ...over,
      ...input,
    })
  }
  return { id, say: (text: string) => send({ text }), choose: (choice: string) => send({ choice }) }
}
export type Chat = Awaited<ReturnType<typeof chat>>

/** All the replies' texts, one after the other. */
export const textOf = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n---\n')

/** The ids of every choice offered in the replies, in order. */
export const choiceIds = (replies: Reply[]) => replies.flatMap((reply) => reply.choices?.map((choice) => choice.id) ?? [])
