/**
 * What the WhatsApp connection does after each kind of close, as the operator sees it: which
 * closes reconnect (and how soon), which ask for a new pairing, and which stop the bot with a
 * reason saying what to fix. Codes are Baileys 7's DisconnectReason values.
 */
import { DisconnectReason } from '@whiskeysockets/baileys'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Backoff, DEFAULT_BACKOFF, decide } from '../../src/bots/whatsapp/connection-policy.js'

/** The delay of a reconnect decision; fails the test if `decide` chose anything else. */
function delayOf(statusCode: number | undefined, attempt: number, random: number, backoff?: Backoff): number {
  const decision = decide(statusCode, attempt, random, backoff)
  if (decision.action !== 'reconnect') throw new Error(`expected a reconnect for ${statusCode}, got ${decision.action}`)
  return decision.delayMs
}

/** Closes that are the network's or the server's passing trouble, plus an error with no code. */
const TRANSIENT: [string, number | undefined][] = [
  ['connection lost / timed out (408)', DisconnectReason.connectionLost],
  ['connection closed (428)', DisconnectReason.connectionClosed],
  ['service unavailable (503)', DisconnectReason.unavailableService],
  ['an unknown error without a code', undefined],
]

describe('decide', () => {
  it('uses the disconnect codes Baileys 7 actually sends', () => {
    // The policy is keyed on these numbers; if Baileys renumbered them, every branch would silently change.
    expect({ ...DisconnectReason }).toMatchObject({
      restartRequired: 515,
      loggedOut: 401,
      connectionReplaced: 440,
      badSession: 500,
      forbidden: 403,
      multideviceMismatch: 411,
      connectionClosed: 428,
      connectionLost: 408,
      timedOut: 408,
      unavailableService: 503,
    })
  })

  it('reconnects at once when WhatsApp asks for a restart (515)', () => {
    // 515 follows every successful pairing: waiting here would only delay the first "open".
    for (const attempt of [0, 1, 2]) {
      expect(decide(515, attempt, 0.9)).toEqual({ action: 'reconnect', delayMs: 0, reason: 'restart required' })
    }
  })

  it('backs off when the server keeps asking for restarts without the connection ever opening', () => {
    const delays = [3, 4, 5].map((attempt) => decide(515, attempt, 0.5))
    expect(delays.every((d) => d.action === 'reconnect' && d.delayMs > 0)).toBe(true)
    const ms = delays.map((d) => (d.action === 'reconnect' ? d.delayMs : 0))
    expect(ms[1]).toBeGreaterThan(ms[0] ?? 0)
    expect(ms[2]).toBeGreaterThan(ms[1] ?? 0)
  })

  it('asks to pair again when the number was logged out (401)', () => {
    const decision = decide(401, 3, 0.5)
    expect(decision.action).toBe('pair-again')
    expect(decision.reason).toMatch(/logged out/)
  })

  it("stops as 'replaced' when another client took the session over (440), instead of fighting for it", () => {
    const decision = decide(440, 0, 0.5)
    expect(decision).toMatchObject({ action: 'stop', status: 'replaced' })
    expect(decision.reason).toMatch(/opened elsewhere/)
  })

  it.each([
    ['a bad session (500)', 500, /bad session.*pair again/],
    ['a forbidden number (403)', 403, /forbidden.*banned/],
    ['a multi-device mismatch (411)', 411, /multi-device mismatch.*pair again/],
  ])("stops as 'failed' on %s, with a reason that says what to do", (_name, code, reason) => {
    const decision = decide(code, 0, 0.5)
    expect(decision).toMatchObject({ action: 'stop', status: 'failed' })
    expect(decision.reason).toMatch(reason)
  })

  describe.each(TRANSIENT)('after %s', (_name, code) => {
    it('reconnects, naming the cause in the reason for the logs', () => {
      const decision = decide(code, 0, 0.5)
      expect(decision.action).toBe('reconnect')
      const name = code === undefined ? 'unknown' : DisconnectReason[code]
      expect(decision.reason).toBe(`connection lost (${name})`)
    })

    it('waits longer after each failed attempt: about 1 s, 2 s, 4 s, 8 s with the default backoff', () => {
      expect([0, 1, 2, 3].map((attempt) => delayOf(code, attempt, 0.5))).toEqual([750, 1_500, 3_000, 6_000])
    })

    it('never waits more than the 5 minute maximum, however many attempts failed', () => {
      for (const attempt of [9, 10, 30, 31, 1_000]) {
        const delay = delayOf(code, attempt, 0.999_999)
        expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs)
        expect(delay).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.maxMs / 2)
      }
    })

    it('spreads the delay by the random number, so many bots restarting together do not reconnect in step', () => {
      expect(delayOf(code, 3, 0)).toBe(4_000)
      expect(delayOf(code, 3, 0.999)).toBe(7_996)
      expect(delayOf(code, 3, 0.25)).not.toBe(delayOf(code, 3, 0.75))
    })
  })

  it('keeps every backoff delay within [cap/2, cap] and under maxMs, never shorter than for an earlier attempt', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRANSIENT.map(([, code]) => code)),
        fc.nat({ max: 64 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        (code, attempt, random, baseMs, factor) => {
          const backoff = { baseMs, maxMs: baseMs * factor }
          const cap = Math.min(backoff.maxMs, baseMs * 2 ** attempt)
          const delay = delayOf(code, attempt, random, backoff)
          expect(delay).toBeGreaterThanOrEqual(cap / 2)
          expect(delay).toBeLessThanOrEqual(cap)
          expect(delay).toBeLessThanOrEqual(backoff.maxMs)
          expect(delay).toBeGreaterThanOrEqual(delayOf(code, Math.max(0, attempt - 1), random, backoff))
        },
      ),
    )
  })
})
