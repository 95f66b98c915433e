/**
 * What to do when the WhatsApp connection closes, as a pure function of Baileys' disconnect
 * reason and how many reconnects in a row have failed. Kept apart from the socket so that every
 * reason is tested without one.
 */
import { DisconnectReason } from '@whiskeysockets/baileys'

export type Decision =
  /** Open a new socket after `delayMs` (0: at once). */
  | { action: 'reconnect'; delayMs: number; reason: string }
  /** WhatsApp ended the session: forget it and show a new QR / pairing code. */
  | { action: 'pair-again'; reason: string }
  /** Do not reconnect; an operator must act (`status` is what /healthz and the admin page show). */
  | { action: 'stop'; status: 'replaced' | 'failed'; reason: string }

export type Backoff = { baseMs: number; maxMs: number }

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 5 * 60_000 }

/**
 * `attempt`: reconnects already tried since the connection was last open (0 for the first).
 * `random`: a number in [0, 1), for the jitter.
 */
export function decide(
  statusCode: number | undefined,
  attempt: number,
  random: number,
  backoff: Backoff = DEFAULT_BACKOFF,
): Decision {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      // Normal right after pairing and now and then from the server: a new socket, same session,
      // at once; but a server that keeps asking without the connection ever opening gets backoff.
      if (attempt < RESTARTS_AT_ONCE) return { action: 'reconnect', delayMs: 0, reason: 'restart required' }
      return { action: 'reconnect', delayMs: backoffDelay(attempt, random, backoff), reason: 'restart required' }
    case DisconnectReason.loggedOut:
      return { action: 'pair-again', reason: 'logged out (unlinked from the phone, or the session expired)' }
    case DisconnectReason.connectionReplaced:
      // Another client opened this session; reconnecting would take it back and start a tug of war.
      return { action: 'stop', status: 'replaced', reason: 'connection replaced: this session was opened elsewhere' }
    case DisconnectReason.badSession:
      return { action: 'stop', status: 'failed', reason: 'bad session: the stored session is unreadable; pair again' }
    case DisconnectReason.forbidden:
      return { action: 'stop', status: 'failed', reason: 'forbidden: WhatsApp refused this number (possibly banned)' }
    case DisconnectReason.multideviceMismatch:
      return { action: 'stop', status: 'failed', reason: 'multi-device mismatch: update the linked-device setup and pair again' }
    default: {
      const name = statusCode === undefined ? 'unknown' : (DisconnectReason[statusCode] ?? String(statusCode))
      return { action: 'reconnect', delayMs: backoffDelay(attempt, random, backoff), reason: `connection lost (${name})` }
    }
  }
}

/** How many restarts in a row (without the connection opening) happen without waiting. */
const RESTARTS_AT_ONCE = 3

/** Exponential, capped, and half of it random, so restarts of many bots do not line up. */
function backoffDelay(attempt: number, random: number, backoff: Backoff): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(cap / 2 + (cap / 2) * random)
}
