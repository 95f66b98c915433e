/**
 * Rate limiting of the public verification page and API per client: a fixed one-minute window
 * counted in memory, in a map bounded to `maxClients` (the client seen least recently is dropped
 * first), so a flood of addresses cannot grow it without end. One process, no shared store: enough
 * for a single server, and nothing to run beside it.
 */
import { isIPv4, isIPv6 } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

export type RateLimiter = {
  /** Counts one request of `client`: 0 when allowed, else the whole seconds until it may try again. */
  take(client: string): number
}

export type RateLimiterOptions = {
  /** Requests allowed per client and window. */
  limit: number
  windowMs?: number
  maxClients?: number
  now?: () => number
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000
  const maxClients = options.maxClients ?? 10_000
  const now = options.now ?? Date.now
  const counts = new Map<string, number>()
  let windowStart = Number.NEGATIVE_INFINITY
  return {
    take(client) {
      const time = now()
      if (time - windowStart >= windowMs) {
        windowStart = time - (time % windowMs)
        counts.clear()
      }
      const used = (counts.get(client) ?? 0) + 1
      // Re-inserting keeps the map in order of last use, so the first key is the one to drop.
      counts.delete(client)
      if (counts.size >= maxClients) {
        const oldest = counts.keys().next().value
        if (oldest !== undefined) counts.delete(oldest)
      }
      counts.set(client, used)
      return used <= options.limit ? 0 : Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000))
    },
  }
}

/** An IPv6 client controls a whole /64, so it is counted as one; IPv4-mapped addresses as IPv4. */
export function addressKey(address: string): string {
  const plain = address.trim().replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain)?.[1]
  if (mapped) return mapped
  if (isIPv4(plain) || !isIPv6(plain)) return plain
  const [head = '', tail] = plain.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

/**
 * The client's address: the socket's peer, or with `trustProxy` what the reverse proxy in front
 * reports (the last X-Forwarded-For entry, which that proxy appended, else X-Real-IP). Without
 * `trustProxy` those headers are ignored, since any client can send them.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const header = c.req.header('X-Forwarded-For')
    // Usually the last entry is there; else the last one that is not empty.
    const last = header?.slice(header.lastIndexOf(',') + 1).trim()
    const forwarded =
      last ||
      header
        ?.split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .at(-1)
    const reported = forwarded ?? c.req.header('X-Real-IP')?.trim()
    if (reported) return addressKey(reported)
  }
  let address: string | undefined
  try {
    address = getConnInfo(c).remote.address
  } catch {
    // Not served by @hono/node-server (e.g. app.request() in a test without a socket).
  }
  return address ? addressKey(address) : 'unknown'
}
