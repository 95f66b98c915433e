/**
 * Wakes whatever shows or relays handoffs live (the console's thread stream, the staff-group relay)
 * when something was written; they then read the database, which stays the only source of truth
 * (another instance's writes are seen by their own short polls).
 */
export type HandoffActivity = {
  /** Something about a handoff was committed. */
  emit(): void
  /** Calls `listener` on each emit; returns the function that stops it. */
  subscribe(listener: () => void): () => void
}

export function createHandoffActivity(): HandoffActivity {
  const listeners = new Set<() => void>()
  return {
    emit() {
      for (const listener of [...listeners]) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
