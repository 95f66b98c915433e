/**
 * Rate limiting of the public verification page and API per client: a fixed one-minute window
 * counted in memory, in a map bounded to `maxClients` (the client seen least recently is dropped
 * first), so a flood of addresses cannot grow it without end. One process, no shared store: enough
 * for a single server, and nothing to run beside it.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net'
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
  /** Milliseconds since the epoch, from the caller's clock. */
  now: () => number
}

/** One client's count in the window, in a list from the client seen most recently to the least. */
type Counter = { client: string; used: number; newer: Counter | undefined; older: Counter | undefined }

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000
  const maxClients = options.maxClients ?? 10_000
  const { now } = options
  const counters = new Map<string, Counter>()
  // The ends of the list: a client asking again moves to the front, the one at the back is dropped
  // first. Nothing is made or removed per request but for a new client.
  let newest: Counter | undefined
  let oldest: Counter | undefined
  let windowStart = Number.NEGATIVE_INFINITY

  const unlink = (counter: Counter) => {
    if (counter.newer) counter.newer.older = counter.older
    else newest = counter.older
    if (counter.older) counter.older.newer = counter.newer
    else oldest = counter.newer
  }
  const pushNewest = (counter: Counter) => {
    counter.newer = undefined
    counter.older = newest
    if (newest) newest.newer = counter
    else oldest = counter
    newest = counter
  }

  return {
    take(client) {
      const time = now()
      if (time - windowStart >= windowMs) {
        windowStart = time - (time % windowMs)
        counters.clear()
        newest = undefined
        oldest = undefined
      }
      let counter = counters.get(client)
      if (counter) {
        counter.used += 1
        if (counter !== newest) {
          unlink(counter)
          pushNewest(counter)
        }
      } else {
        if (counters.size >= maxClients && oldest) {
          counters.delete(oldest.client)
          unlink(oldest)
        }
        counter = { client, used: 1, newer: undefined, older: undefined }
        counters.set(client, counter)
        pushNewest(counter)
      }
      const used = counter.used
      return used <= options.limit ? 0 : Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000))
    },
  }
}

/** An IPv6 client controls a whole /64, so it is counted as one; IPv4-mapped addresses as IPv4. */
export function addressKey(address: string): string {
  // An IPv4 address as proxies write it: nothing to change (no zone, no colon, nothing to trim).
  if (plainAddress(address)) return address
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

/** Whether `address` is printable ASCII without a colon, a percent sign or space at either end. */
function plainAddress(address: string): boolean {
  const last = address.length - 1
  if (last < 0 || address.charCodeAt(0) <= 32 || address.charCodeAt(last) <= 32) return false
  for (let i = 0; i <= last; i++) {
    const code = address.charCodeAt(i)
    if (code === 58 || code === 37 || code < 32 || code > 126) return false
  }
  return true
}

/**
 * Which header the reverse proxy in front writes the client's address into (TRUST_PROXY_HEADER):
 * `x-real-ip`, which the proxy sets (overwriting what a client sent), or `x-forwarded-for`, to
 * which each of `hops` trusted proxies (TRUST_PROXY_HOPS) appends the address it was connected
 * from, so the client is the `hops`-th entry from the right and anything left of it is the
 * client's own invention.
 */
export type TrustedProxy = { header: 'x-real-ip' } | { header: 'x-forwarded-for'; hops: number }

/**
 * The client's address: the socket's peer, or with `proxy` the address the trusted proxy reports
 * in the one header it writes. The other header is ignored, since any client can send it; so is a
 * header the proxy did not fill in (too few X-Forwarded-For entries, not an address): the socket's
 * peer (the proxy itself) is counted then, which keeps such requests inside one budget.
 */
export function clientAddress(c: Context, proxy: TrustedProxy | undefined): string {
  if (proxy) {
    // Names in lower case, as the headers are stored: looked up without converting them.
    const header = c.req.header(proxy.header)
    const reported = header && (proxy.header === 'x-real-ip' ? header.trim() : fromRight(header, proxy.hops))
    if (reported && isIP(reported) !== 0) return addressKey(reported)
  }
  let address: string | undefined
  try {
    address = getConnInfo(c).remote.address
  } catch {
    // Not served by @hono/node-server (e.g. app.request() in a test without a socket).
  }
  return address ? addressKey(address) : 'unknown'
}

/** The `hops`-th entry of an X-Forwarded-For list from the right, or undefined when it has fewer. */
function fromRight(header: string, hops: number): string | undefined {
  let end = header.length
  for (let hop = 1; ; hop++) {
    const comma = header.lastIndexOf(',', end - 1)
    if (hop === hops) return header.slice(comma + 1, end).trim()
    if (comma < 0) return undefined
    end = comma
  }
}
