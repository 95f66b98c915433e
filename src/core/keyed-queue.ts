/**
 * Runs tasks one after another per key (a chat), concurrently across keys, so that two messages
 * of one chat are never handled in parallel. A task may name several keys (one person known by two
 * ids): it waits for every earlier task under any of them, and later tasks under any of them wait
 * for it.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>()
  return function enqueue<T>(key: string | string[], task: () => T | Promise<T>): Promise<T> {
    const keys = typeof key === 'string' ? [key] : [...new Set(key)]
    const previous = keys.map((k) => tails.get(k)).filter((tail) => tail !== undefined)
    const result = (previous.length === 1 ? (previous[0] as Promise<unknown>) : Promise.all(previous)).then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    for (const k of keys) tails.set(k, tail)
    void tail.then(() => {
      for (const k of keys) if (tails.get(k) === tail) tails.delete(k)
    })
    return result
  }
}
