/**
 * The WhatsApp connection's state as another instance sent it over the instance bus (issue 24):
 * kept apart from connection.ts, which loads Baileys, so that an instance without the socket never
 * loads it.
 */
import type { ConnectionState, ConnectionStatus } from './connection.js'

const STATUSES: ReadonlySet<string> = new Set<ConnectionStatus>([
  'stopped',
  'connecting',
  'pairing',
  'open',
  'reconnecting',
  'replaced',
  'failed',
])

/**
 * A state as another instance sent it (JSON: dates as strings), checked and with its dates back;
 * undefined when it is not one.
 */
export function connectionStateOf(value: unknown): ConnectionState | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const raw = value as Record<string, unknown>
  const date = (field: unknown) => (typeof field === 'string' && !Number.isNaN(Date.parse(field)) ? new Date(field) : undefined)
  const since = date(raw.since)
  if (typeof raw.status !== 'string' || !STATUSES.has(raw.status) || !since) return undefined
  const state: ConnectionState = { status: raw.status as ConnectionStatus, since }
  if (typeof raw.qr === 'string') state.qr = raw.qr
  if (typeof raw.pairingCode === 'string') state.pairingCode = raw.pairingCode
  const retryAt = date(raw.retryAt)
  if (retryAt) state.retryAt = retryAt
  const last = raw.lastDisconnect as Record<string, unknown> | undefined
  const lastAt = date(last?.at)
  if (last && lastAt && typeof last.reason === 'string') {
    state.lastDisconnect = { code: typeof last.code === 'number' ? last.code : undefined, reason: last.reason, at: lastAt }
  }
  return state
}
