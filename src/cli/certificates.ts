/** `npm run cli -- import certificates FILE.csv | qr NUMBER [--out DIR]`: certificates for the secretariat. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import QRCode from 'qrcode'
import { type Config, DEV_CERT_SIGNING_KEY } from '../config.js'
import { importCertificates } from '../core/certificates/import.js'
import { normalizeNumber, qrFileName, signedLink } from '../core/certificates/verify.js'
import type { DataKeyring } from '../data-keys.js'
import type { Db } from '../db/client.js'
import { certificateByNumber } from '../db/queries/certificates.js'
import { importFile } from './io.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

export async function importCertificatesCommand(
  db: Db,
  args: string[],
  _config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
): Promise<number> {
  const result = await importFile(args, 'npm run cli -- import certificates sertifikat.csv', async (input, options) =>
    importCertificates(db, input, { actor: 'cli', now: clock(), vault: (await keys()).vault, ...options }),
  )
  if (typeof result === 'number') return result
  out(`${result.inserted} sertifikat ditambahkan, ${result.updated} diperbarui, ${result.unchanged} tidak berubah.\n`)
  if (result.linked > 0) out(`${result.linked} sertifikat terhubung ke orang yang tercatat dengan NIK yang sama.\n`)
  return 0
}

/**
 * Writes the signed verification link of one certificate as a QR code, NUMBER.png (print) and
 * NUMBER.svg (layout), into the working directory or `--out DIR`, and prints the paths and the link.
 */
export async function qrCommand(db: Db, args: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true })
  const typed = positionals.join(' ').trim()
  if (!typed) {
    err('Sebutkan nomor sertifikatnya, mis.: npm run cli -- qr LSPS-2025-00042 [--out folder]\n')
    return 2
  }
  if (!config.PUBLIC_BASE_URL) {
    err(
      'PUBLIC_BASE_URL belum diisi: kode QR berisi alamat publik halaman verifikasi (mis. https://sertifikasi.kemensos.go.id).\n',
    )
    return 2
  }
  // Outside production the configuration falls back to a public development key: links signed with it prove nothing.
  const signingKey = config.CERT_SIGNING_KEY
  if (!signingKey || signingKey === DEV_CERT_SIGNING_KEY) {
    err(
      'CERT_SIGNING_KEY belum diisi: kode QR ditandatangani dengan kunci ini (openssl rand -hex 32); gunakan kunci yang sama dengan server.\n',
    )
    return 2
  }
  const number = normalizeNumber(typed)
  if (!number) {
    err(`"${typed}" bukan nomor sertifikat (4–40 huruf dan angka, paling sedikit satu angka).\n`)
    return 2
  }
  const certificate = await certificateByNumber(db, number)
  if (!certificate) {
    err(`Sertifikat ${typed} tidak ada di database (impor dulu: npm run cli -- import certificates FILE.csv).\n`)
    return 1
  }
  const link = signedLink(config.PUBLIC_BASE_URL, certificate.number, signingKey)
  const dir = resolve(values.out ?? '.')
  mkdirSync(dir, { recursive: true })
  const base = join(dir, qrFileName(certificate.displayNumber))
  const options = { errorCorrectionLevel: 'M', margin: 2 } as const
  await QRCode.toFile(`${base}.png`, link, { ...options, type: 'png', width: 600 })
  writeFileSync(`${base}.svg`, await QRCode.toString(link, { ...options, type: 'svg' }))
  if (certificate.status !== 'active') {
    err(`Perhatian: sertifikat ini berstatus ${certificate.status}; halaman verifikasi akan menunjukkannya.\n`)
  }
  out(
    `Sertifikat ${certificate.displayNumber} (${certificate.holderName})\nTautan: ${link}\nPNG: ${base}.png\nSVG: ${base}.svg\n`,
  )
  return 0
}
