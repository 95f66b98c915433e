/**
 * Short notes between the instances sharing one PostgreSQL database (issue 24), over LISTEN/NOTIFY
 * on one channel: "something was queued for the outbox, send it now" (a staff reply written on an
 * instance that has no WhatsApp socket goes out within a second from the leader, not at the next
 * scheduled run), and the leader's WhatsApp state (so that every instance knows whether one-time
 * codes can go out, /healthz tells the truth on each of them, and /admin/whatsapp shows the pairing
 * QR whichever instance the secretariat's browser reaches).
 *
 * The notes only wake or inform: the database stays the source of truth, and a lost note costs at
 * most the wait until the next scheduled run. The bus listens on a dedicated connection of its own
 * (LISTEN needs a session; a pooled connection would be handed to other work) and opens a new one
 * when that is lost. An instance does not hear its own notes.
 */
import type { Client } from 'pg'

/** `state`: the leader's WhatsApp connection state as JSON (its pairing QR included, for /admin/whatsapp anywhere). */
export type BusNote = { topic: 'outbox' } | { topic: 'whatsapp'; state: unknown }

export type BusLog = {
  warn(fields: object, message: string): void
}

export type InstanceBus = {
  /** Sends a note to the other instances; never throws (a note that cannot go is logged and dropped). */
  publish(note: BusNote): void
  close(): Promise<void>
}

/** The NOTIFY channel; a deployment's databases are its own, so one fixed name is enough. */
export const BUS_CHANNEL = 'kesos_instances'
const RECONNECT_MS = 2_000

export function openInstanceBus(options: {
  url: string
  /** This instance's id: its own notes are not handed back to it. */
  instance: string
  onNote(note: BusNote): void
  log: BusLog
}): InstanceBus {
  let client: Client | undefined
  let closed = false
  let timer: NodeJS.Timeout | undefined

  const connect = async () => {
    if (closed) return
    const { default: pg } = await import('pg')
    const next = new pg.Client({
      connectionString: options.url,
      application_name: `kesos-assistant bus ${process.pid}`,
      keepAlive: true,
    })
    const lost = (reason: string) => {
      if (client !== next) return
      client = undefined
      next.removeAllListeners('error')
      next.on('error', () => {})
      next.end().catch(() => {})
      if (!closed) {
        options.log.warn({ reason }, 'instance bus: connection lost, listening again shortly')
        timer = setTimeout(() => void connect().catch(retry), RECONNECT_MS)
      }
    }
    next.on('error', (error) => lost(error.message))
    next.on('end', () => lost('connection ended'))
    next.on('notification', (message) => {
      if (message.channel !== BUS_CHANNEL || !message.payload) return
      try {
        const { from, note } = JSON.parse(message.payload) as { from: string; note: BusNote }
        if (from !== options.instance) options.onNote(note)
      } catch {
        // Not one of ours: ignored.
      }
    })
    client = next
    await next.connect()
    await next.query(`LISTEN ${BUS_CHANNEL}`)
  }
  const retry = (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error)
    if (client) client.emit('error', new Error(reason))
    else if (!closed) timer = setTimeout(() => void connect().catch(retry), RECONNECT_MS)
  }
  void connect().catch(retry)

  return {
    publish(note) {
      const current = client
      if (!current) return
      current
        .query('SELECT pg_notify($1, $2)', [BUS_CHANNEL, JSON.stringify({ from: options.instance, note })])
        .catch((error: Error) => options.log.warn({ err: error.message, topic: note.topic }, 'instance bus: note not sent'))
    },
    async close() {
      closed = true
      clearTimeout(timer)
      const current = client
      client = undefined
      await current?.end().catch(() => {})
    },
  }
}
