/**
 * The leader's WhatsApp state as the other instances receive it (JSON over the instance bus): read
 * back whole, its pairing QR included, so /admin/whatsapp shows it on any instance; anything else
 * is refused rather than shown.
 */
import { describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../src/bots/whatsapp/connection.js'
import { connectionStateOf } from '../../src/bots/whatsapp/connection-state.js'

describe('a WhatsApp state from another instance', () => {
  it('comes back whole from its JSON: status, dates, QR, pairing code, last disconnect', () => {
    const state: ConnectionState = {
      status: 'reconnecting',
      since: new Date('2026-12-07T03:00:00.000Z'),
      qr: '2@abc,def,ghi',
      pairingCode: 'ABCD-1234',
      retryAt: new Date('2026-12-07T03:00:05.000Z'),
      lastDisconnect: { code: 408, reason: 'timed out', at: new Date('2026-12-07T02:59:59.000Z') },
    }
    expect(connectionStateOf(JSON.parse(JSON.stringify(state)))).toEqual(state)
    const open: ConnectionState = { status: 'open', since: new Date('2026-12-07T03:00:00.000Z') }
    expect(connectionStateOf(JSON.parse(JSON.stringify(open)))).toEqual(open)
  })

  it('is refused when it is not a state', () => {
    for (const junk of [
      null,
      'open',
      {},
      { status: 'open' },
      { status: 'dancing', since: '2026-12-07T03:00:00Z' },
      { status: 'open', since: 'kemarin' },
    ]) {
      expect(connectionStateOf(junk)).toBeUndefined()
    }
  })
})
