/**
 * One server per PostgreSQL database, for now (issue 24, phase 4). The server runs what must run
 * once (the WhatsApp socket, the scheduled jobs, the outbox dispatcher), and until several
 * instances share that out (phase 5, src/db/pg/leader.ts), a second server on the same database
 * must not start. The first holds a session advisory lock, (2, 0), on a connection of its own for
 * as long as it runs; a second finds it taken and stops with one line.
 *
 * If that connection is lost, the lock is gone with it and another server could start: the holder
 * is told (`onLost`) and stops, and its supervisor starts it again.
 */
import type { Client } from 'pg'

export type ServerLock = { release(): Promise<void> }

const LOCK = '2, 0'

/** Takes the server lock on `url`: the lock, or undefined when another server holds it. */
export async function takeServerLock(url: string, onLost: (error: Error) => void): Promise<ServerLock | undefined> {
  const { default: pg } = await import('pg')
  const client: Client = new pg.Client({
    connectionString: url,
    application_name: `kesos-assistant server lock ${process.pid}`,
    keepAlive: true,
  })
  await client.connect()
  const { rows } = await client.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${LOCK}) AS got`)
  if (!rows[0]?.got) {
    await client.end()
    return undefined
  }
  let releasing = false
  const lost = (error: Error) => {
    if (!releasing) onLost(error)
  }
  client.on('error', lost)
  client.on('end', () => lost(new Error('the connection holding the server lock ended')))
  return {
    async release() {
      releasing = true
      // Ending the session frees the lock.
      await client.end().catch(() => {})
    },
  }
}
