/** The pairing QR: drawn on a terminal; with JSON logs on stdout, one log entry per wait instead. */
import { describe, expect, it } from 'vitest'
import { pairingQrShower } from '../../src/bots/whatsapp/pairing-qr.js'

function shower(terminal: boolean) {
  const written: string[] = []
  const logged: string[] = []
  const show = pairingQrShower({
    terminal,
    write: (text) => written.push(text),
    logger: { info: (message: string) => void logged.push(message) },
  })
  return { show, written, logged }
}

describe('pairingQrShower', () => {
  it('draws each new QR on a terminal, once, and logs nothing', async () => {
    const { show, written, logged } = shower(true)
    await show('qr-1')
    await show('qr-1')
    await show('qr-2')
    expect(written).toHaveLength(2)
    expect(written[0]).toContain('Tautkan perangkat')
    expect(written[0]).toMatch(/[█▀▄]/)
    expect(logged).toEqual([])
  })

  it('writes nothing to stdout when it is not a terminal: one log entry per wait for pairing says where to scan', async () => {
    const { show, written, logged } = shower(false)
    await show('qr-1')
    await show('qr-2')
    expect(written).toEqual([])
    expect(logged).toEqual(['WhatsApp: waiting to be paired; scan the QR at /admin/whatsapp (the console, as an admin)'])
    // Connected, then unpaired again: a new wait, a new entry.
    await show(undefined)
    await show('qr-3')
    expect(logged).toHaveLength(2)
  })
})
