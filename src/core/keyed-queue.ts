/**
 * Runs tasks one after another per key (a chat), concurrently across keys, so that two messages
 * of one chat are never handled in parallel.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>()
  return function enqueue<T>(key: string, task: () => T | Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    tails.set(key, tail)
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return result
  }
}
