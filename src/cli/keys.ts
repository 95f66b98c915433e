/** `npm run cli -- keys rotate`: after DATA_ENCRYPTION_KEY was changed, everything re-encrypted under the new key. */
import type { Config } from '../config.js'
import { RotationError, rotateDataKeys } from '../core/privacy/key-rotation.js'
import type { DataKeyring } from '../data-keys.js'
import type { Db } from '../db/client.js'

export async function rotateKeysCommand(
  db: Db,
  _args: string[],
  _config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
): Promise<number> {
  const keyring = await keys()
  let result: Awaited<ReturnType<typeof rotateDataKeys>>
  try {
    result = await rotateDataKeys(db, keyring.keys, clock())
  } catch (error) {
    if (!(error instanceof RotationError)) throw error
    process.stderr.write(`${error.message}: tidak ada yang diubah. Periksa kedua kunci itu.\n`)
    return 1
  }
  const { people, certificates, certificatesUnlinked, whatsapp, staffTotp, files } = result
  if (people + certificates + certificatesUnlinked + whatsapp + staffTotp + files === 0) {
    process.stdout.write('Tidak ada yang perlu diubah: semua data sudah dienkripsi dengan DATA_ENCRYPTION_KEY.\n')
  } else {
    process.stdout.write(
      'Semua data kini dienkripsi dengan DATA_ENCRYPTION_KEY:\n' +
        `  ${people} NIK orang dienkripsi ulang\n` +
        `  ${certificates} sertifikat: kunci pencarian NIK dibuat ulang\n` +
        `  ${whatsapp} nilai sesi WhatsApp dienkripsi ulang\n` +
        `  ${staffTotp} kunci verifikasi dua langkah staf dienkripsi ulang\n` +
        `  ${files} berkas percakapan dengan petugas dienkripsi ulang\n`,
    )
    if (certificatesUnlinked > 0) {
      process.stdout.write(
        `  ${certificatesUnlinked} sertifikat belum tertaut ke orang yang tercatat: kunci pencarian NIK lamanya dihapus ` +
          '(tidak dapat dibuat ulang tanpa NIK); impor ulang file sertifikatnya agar tertaut nanti\n',
      )
    }
  }
  if (keyring.keys.previous) {
    process.stdout.write('DATA_ENCRYPTION_KEY_PREVIOUS tidak diperlukan lagi: hapus, lalu mulai ulang server.\n')
  }
  return 0
}
