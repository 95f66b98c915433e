/**
 * Who a client of the public verification page and API is, for its rate limit (the limiter itself
 * is src/core/rate-limiter.ts): the socket's peer, or the address a trusted proxy reports.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

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
