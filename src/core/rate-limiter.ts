/**
 * A rate limiter: a fixed window (one minute unless told otherwise) counted in memory, in a map
 * bounded to `maxClients` (the client seen least recently is dropped first), so a flood of clients
 * cannot grow it without end. One process, no shared store: enough for a single server, and
 * nothing to run beside it. Used per address by the verification page and API, per chat by the
 * chat's certificate check.
 */
export type RateLimiter = {
  /** Counts one request of `client`: 0 when allowed, else the whole seconds until it may try again. */
  take(client: string): number
  /** What `take` would answer once `client` has used its budget, without counting: 0 while some is left. */
  wait(client: string): number
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

  /** Starts a new window when the current one is over. */
  const roll = (time: number) => {
    if (time - windowStart < windowMs) return
    windowStart = time - (time % windowMs)
    counters.clear()
    newest = undefined
    oldest = undefined
  }
  const secondsLeft = (time: number) => Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000))

  return {
    wait(client) {
      const time = now()
      roll(time)
      return (counters.get(client)?.used ?? 0) < options.limit ? 0 : secondsLeft(time)
    },
    take(client) {
      const time = now()
      roll(time)
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
      return used <= options.limit ? 0 : secondsLeft(time)
    },
  }
}
