/**
 * The pairing QR as the server shows it to its operator. On a terminal it is drawn on stdout. When
 * stdout is not a terminal it carries JSON log lines (journald, a file, a log shipper), where a
 * drawing would break the format: one log entry then says that a QR is waiting and where to scan it.
 */
export type PairingQrDeps = {
  /** Whether stdout is a terminal a person watches. */
  terminal: boolean
  /** Where a drawn QR goes (stdout). */
  write: (text: string) => void
  logger: { info(message: string): void }
}

/**
 * Call with the QR of each connection state (undefined when it has none). A terminal gets each new
 * QR drawn; a log gets one entry per wait for pairing, not one per QR (they change every 20 s).
 */
export function pairingQrShower(deps: PairingQrDeps): (qr: string | undefined) => Promise<void> {
  let shown: string | undefined
  return async (qr) => {
    if (qr === shown) return
    const waitStarts = shown === undefined
    shown = qr
    if (qr === undefined) return
    if (!deps.terminal) {
      if (waitStarts) {
        deps.logger.info('WhatsApp: waiting to be paired; scan the QR at /admin/whatsapp (the console, as an admin)')
      }
      return
    }
    try {
      // qrcode is loaded the first time a QR is drawn: most starts never pair.
      const { default: QRCode } = await import('qrcode')
      const art = await QRCode.toString(qr, { type: 'terminal', small: true })
      deps.write(`\nWhatsApp: Perangkat tertaut → Tautkan perangkat, lalu pindai:\n${art}\n`)
    } catch {
      // A QR that cannot be drawn: the admin page still shows it, and the next one comes soon.
    }
  }
}
