/**
 * One turn at a time per chat, across every instance sharing the database (issue 24). A turn is an
 * update's handling and its answer; the Telegram adapter already keeps a chat's turns in order within
 * one process, but with the webhook on several instances behind a load balancer two messages of one
 * chat can reach two instances at once. Then the second waits for the first, wherever it runs, so
 * its answer is read against the state the first left and goes out after the first's answer.
 *
 * SQLite: one process, nothing to do. PostgreSQL: a session advisory lock per chat (namespace 4,
 * `hashtext` of the key), held on a connection of a small pool of its own: the turn's queries use
 * the main pool, so turns waiting for a lock can never starve the turns holding one.
 */
import { type Db, postgresOf } from './client.js'

export type ChatTurns = {
  /** Runs `work` as the chat `key`'s only turn on any instance; the next one waits for it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** How many chats' turns may hold or wait for their lock at once, per instance. */
export const CHAT_TURN_CONNECTIONS = 4

export async function openChatTurns(db: Db, connections = CHAT_TURN_CONNECTIONS): Promise<ChatTurns> {
  const side = postgresOf(db)
  if (!side) return { run: (_key, work) => work(), close: async () => {} }
  const { default: pg } = await import('pg')
  const locks = new pg.Pool({
    ...side.pool.options,
    max: connections,
    application_name: `kesos-assistant chat turns ${process.pid}`,
  })
  // An idle connection the server ended: the pool replaces it; without a listener it would crash the process.
  locks.on('error', () => {})
  return {
    async run(key, work) {
      const client = await locks.connect()
      let broken = false
      try {
        await client.query('SELECT pg_advisory_lock(4, hashtext($1))', [key])
        try {
          return await work()
        } finally {
          await client.query('SELECT pg_advisory_unlock(4, hashtext($1))', [key]).catch(() => {
            // Not released: the connection is dropped, which releases it.
            broken = true
          })
        }
      } finally {
        client.release(broken)
      }
    },
    close: () => locks.end(),
  }
}
