/**
 * Operations for the secretariat: `npm run cli -- <command>`. Uses the same configuration and
 * database as the server; safe to run while the server is up (SQLite WAL).
 */
import { Api, GrammyError } from 'grammy'
import { ALLOWED_UPDATES } from './bots/telegram/bot.js'
import { checkStaffGroups, describeCheck } from './bots/telegram/staff-setup.js'
import { announceCancelCommand, announcePreviewCommand, announceSendCommand, announceStatusCommand } from './cli/announce.js'
import { importCertificatesCommand, qrCommand } from './cli/certificates.js'
import { copyToPostgresCommand } from './cli/db-copy.js'
import { importExamsCommand } from './cli/exams.js'
import { closeHandoffCommand, listHandoffsCommand, replyHandoffCommand, showHandoffCommand } from './cli/handoff.js'
import { rotateKeysCommand } from './cli/keys.js'
import { dueRemindersCommand, planRemindersCommand, sendRemindersCommand } from './cli/reminders.js'
import { retentionRunCommand } from './cli/retention.js'
import { importSessionsCommand, listSessionsCommand, sessionRegistrationsCommand } from './cli/sessions.js'
import {
  addStaffCommand,
  disableStaffCommand,
  enableStaffCommand,
  listStaffCommand,
  resetStaffCommand,
  roleStaffCommand,
} from './cli/staff.js'
import { addTokenCommand, listTokensCommand, revokeTokenCommand } from './cli/staff-tokens.js'
import { importStatusCommand, statusShowCommand } from './cli/status.js'
import { type Config, loadConfigOrExit } from './config.js'
import { DataKeyError, type DataKeyring, openDataKeys, openExistingDataKeys } from './data-keys.js'
import { closeStore, type Db, openStore, storeSettingsOf } from './db/client.js'
import { ensureReferenceData } from './db/reference-data.js'
import { createLogger } from './logger.js'
import { handoffSettingsOf } from './settings.js'

const USAGE = `Pemakaian: npm run cli -- <perintah>

  import sessions FILE.csv          muat sesi Bimtek dari CSV (semua baris atau tidak sama sekali)
  import status FILE.csv            muat tahap sertifikasi per orang dari CSV (semua baris atau tidak sama sekali)
  import certificates FILE.csv      muat sertifikat dari CSV (semua baris atau tidak sama sekali)
  import exams FILE.csv             muat jadwal ujian kognitif dan wawancara dari CSV (semua baris atau tidak sama sekali)
  import … FILE.csv --dry-run       uji coba impor mana pun: periksa dan hitung hasilnya, tanpa menyimpan apa pun
  qr NOMOR [--out FOLDER]           kode QR (PNG dan SVG) berisi tautan verifikasi bertanda tangan satu sertifikat
  sessions list [--all] [--csv]     sesi yang belum selesai (--all: semua; --csv: sebagai CSV)
  sessions registrations ID|KODE [--csv]
                                    pendaftar satu sesi (terkonfirmasi, ditawari, daftar tunggu, batal)
  status show NIK                   nama dan riwayat tahap sertifikasi satu orang (NIK tidak ditampilkan)
  reminders plan [--all] [--dry-run]
                                    rencanakan ulang pengingat semua orang yang chatnya tertaut, lalu tampilkan
                                    rencananya (--all: semua yang menunggu, bukan 20 berikutnya; --dry-run: tanpa menyimpan)
  reminders due                     yang akan dilakukan putaran pengiriman sekarang, tanpa mengubah apa pun
  reminders send [--dry-run]        satu putaran pengiriman sekarang lewat Telegram (WhatsApp tetap dikirim oleh server;
                                    --dry-run: tampilkan pesan yang akan dikirim tanpa mengirim)
  announce preview OPSI-PENERIMA --text TEKS [--text-en TEKS] [--at "YYYY-MM-DD HH:MM"] [--urgent]
                                    pengumuman: jumlah penerima per kanal, yang tidak terjangkau dan alasannya, dan contoh
                                    pesan WhatsApp dan Telegram untuk satu penerima sungguhan; pengumumannya tidak disimpan
  announce send OPSI-PENERIMA --text TEKS [--text-en TEKS] [--at "YYYY-MM-DD HH:MM"] [--urgent] [--dry-run]
                                    kirim sekarang (server mengirimnya dalam satu menit) atau jadwalkan (--at: jam setempat
                                    tiap penerima; tidak pada jam tenang kecuali --urgent); --dry-run: hitung dan tampilkan
                                    tanpa menyimpan apa pun
  announce status KODE [--csv] [--as EMAIL]
                                    jumlah menunggu, terkirim, gagal, hasil tidak diketahui, dilewati; batas harian WhatsApp;
                                    --csv: daftar per orang
  announce cancel KODE [--as EMAIL] batalkan pengumuman; yang belum terkirim tidak dikirim
    OPSI-PENERIMA (digabung dengan DAN; nilai berulang atau dipisah koma digabung dengan ATAU):
      --session KODE|ID [--registrants confirmed|waitlisted|all]   pendaftar satu sesi (bawaan: terkonfirmasi)
      --stage TAHAP   --region R1…R6   --province KODE   --exam-day YYYY-MM-DD [--exam-kind ujian_kognitif|wawancara]
      --portfolio-from YYYY-MM-DD --portfolio-to YYYY-MM-DD     batas portofolio dalam rentang itu
      --text-file FILE / --text-en-file FILE: teks dari file; --as EMAIL: bertindak dengan wilayah akun itu
  retention run [--dry-run]         hapus sekarang data yang sudah melewati masa simpannya (lihat docs/privacy.md),
                                    dengan jumlah per jenis (--dry-run: hanya hitung, tanpa menghapus)
  handoff list [--status waiting|open|closed|all] [--region R1…R6]
                                    percakapan "Bicara dengan petugas" (bawaan: menunggu dan dibuka), terlama dulu
  handoff show KODE                 satu percakapan: data permintaan dan seluruh isinya (catatan internal ditandai)
  handoff reply KODE TEKS… [--as EMAIL]
                                    balas ke chat orangnya (ditandatangani nama akun --as, bila ada)
  handoff close KODE [--as EMAIL]   tutup percakapan; orangnya diberi tahu dan diminta menilai
  telegram set-webhook              daftarkan PUBLIC_BASE_URL/telegram/webhook ke Telegram (mode webhook)
  telegram delete-webhook           hapus webhook (untuk kembali ke long polling)
  telegram info                     identitas bot dan status webhook menurut Telegram; grup staf (STAFF_TELEGRAM_CHATS):
                                    mode topik atau balasan, dan hak admin yang masih kurang
  staff add EMAIL --name NAMA --role admin|regional|viewer [--region R1…R6] [--password-stdin]
                                    akun konsol sekretariat (/admin): mencetak tautan sekali pakai untuk menyetel
                                    kata sandi (berlaku 24 jam); --password-stdin: kata sandi dari stdin
  staff list                        akun konsol: peran, wilayah, status
  staff role EMAIL --role admin|regional|viewer [--region R1…R6]
                                    ubah peran (dan wilayah) akun; berlaku sejak halaman berikutnya
  staff disable EMAIL               nonaktifkan akun dan akhiri sesinya
  staff enable EMAIL                aktifkan lagi akun yang dinonaktifkan (kata sandinya tetap)
  staff reset EMAIL [--two-factor]  tautan baru untuk menyetel kata sandi; sesi akun diakhiri
                                    (--two-factor: matikan juga verifikasi dua langkah, bila aplikasinya hilang)
  staff token EMAIL --name NAMA [--expires YYYY-MM-DD]
                                    token API baru (/api/v1/admin) atas nama akun itu, dicetak sekali saja
  staff tokens EMAIL                token API akun: nomor, nama, dibuat, terakhir dipakai, berlaku sampai, status
  staff revoke-token NOMOR          cabut token API
  keys rotate                       setelah DATA_ENCRYPTION_KEY diganti (kunci lama di DATA_ENCRYPTION_KEY_PREVIOUS):
                                    enkripsi ulang semua data dengan kunci baru (sekaligus; aman diulang)
  db copy-to-postgres --to postgres://… [--replace] [--from FILE.db]
                                    salin seluruh database SQLite (DATABASE_PATH, atau --from) ke PostgreSQL dan periksa
                                    jumlah baris dan checksum tiap tabel; tabel tujuan harus kosong (--replace: dikosongkan dulu)
`

/**
 * A command gets the clock from main(), the one place the CLI reads the real one, and the data keys,
 * checked against the database's.
 */
type Command = (
  db: Db,
  args: string[],
  config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
) => number | Promise<number>

/** The Bot API for the configured token, or a message saying what is missing. */
function telegramApi(config: Config): Api | undefined {
  if (!config.TELEGRAM_BOT_TOKEN) {
    process.stderr.write('TELEGRAM_BOT_TOKEN belum diisi (token dari @BotFather).\n')
    return undefined
  }
  return new Api(config.TELEGRAM_BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT })
}

/** Runs one Bot API call and prints what Telegram answered; a refusal is one line, exit code 1. */
async function telegramCall(label: string, call: () => Promise<unknown>): Promise<number> {
  try {
    const answer = await call()
    process.stdout.write(`${label}: Telegram menjawab ${JSON.stringify(answer, null, 2)}\n`)
    return 0
  } catch (error) {
    const reason = error instanceof GrammyError ? `${error.error_code} ${error.description}` : (error as Error).message
    process.stderr.write(`${label}: ditolak: ${reason}\n`)
    return 1
  }
}

const commands: Record<string, Command> = {
  'import sessions': importSessionsCommand,
  'import status': importStatusCommand,
  'import certificates': importCertificatesCommand,
  'import exams': importExamsCommand,
  qr: qrCommand,
  'status show': statusShowCommand,
  'reminders plan': planRemindersCommand,
  'reminders due': dueRemindersCommand,
  'reminders send': sendRemindersCommand,
  'sessions list': listSessionsCommand,
  'sessions registrations': sessionRegistrationsCommand,
  'retention run': retentionRunCommand,
  'announce preview': announcePreviewCommand,
  'announce send': announceSendCommand,
  'announce status': announceStatusCommand,
  'announce cancel': announceCancelCommand,
  'keys rotate': rotateKeysCommand,
  'db copy-to-postgres': copyToPostgresCommand,
  'staff add': addStaffCommand,
  'staff list': listStaffCommand,
  'staff role': roleStaffCommand,
  'staff disable': disableStaffCommand,
  'staff enable': enableStaffCommand,
  'staff reset': resetStaffCommand,
  'staff token': addTokenCommand,
  'staff tokens': listTokensCommand,
  'staff revoke-token': revokeTokenCommand,
  'telegram set-webhook': async (_db, _args, config) => {
    const api = telegramApi(config)
    if (!api) return 2
    if (!config.PUBLIC_BASE_URL || !config.TELEGRAM_WEBHOOK_SECRET) {
      process.stderr.write('Isi PUBLIC_BASE_URL (alamat https layanan ini) dan TELEGRAM_WEBHOOK_SECRET dulu.\n')
      return 2
    }
    const url = new URL('/telegram/webhook', config.PUBLIC_BASE_URL).toString()
    const status = await telegramCall(`setWebhook ${url}`, () =>
      api.setWebhook(url, { secret_token: config.TELEGRAM_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] }),
    )
    if (status !== 0) return status
    return telegramCall('getWebhookInfo', () => api.getWebhookInfo())
  },
  'telegram delete-webhook': async (_db, _args, config) => {
    const api = telegramApi(config)
    return api ? await telegramCall('deleteWebhook', () => api.deleteWebhook()) : 2
  },
  'telegram info': async (_db, _args, config) => {
    const api = telegramApi(config)
    if (!api) return 2
    const status = await telegramCall('getMe', () => api.getMe())
    if (status !== 0) return status
    const webhook = await telegramCall('getWebhookInfo', () => api.getWebhookInfo())
    // The staff groups of STAFF_TELEGRAM_CHATS: mode (topics or replies) and what the bot may still lack there.
    const settings = handoffSettingsOf(config)
    if (settings.staffChats.length === 0) return webhook
    const checks = await checkStaffGroups(api, settings, (await api.getMe()).id)
    for (const check of checks) process.stdout.write(`${describeCheck(check)}\n`)
    return checks.some((check) => check.problems.length > 0) ? 1 : webhook
  },
  'handoff list': listHandoffsCommand,
  'handoff show': showHandoffCommand,
  'handoff reply': replyHandoffCommand,
  'handoff close': closeHandoffCommand,
}

async function main(argv: string[]): Promise<number> {
  // Commands are one word ("qr") or two ("import status").
  const two = argv.slice(0, 2).join(' ')
  const name = Object.hasOwn(commands, two) ? two : (argv[0] ?? '')
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (!command) {
    process.stderr.write(argv.length && argv[0] !== '--help' ? `Perintah tidak dikenal: ${argv.join(' ')}\n\n${USAGE}` : USAGE)
    return argv.length && argv[0] !== '--help' ? 2 : 0
  }
  const config = loadConfigOrExit()
  const clock = () => new Date()
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stream: 'stderr' })
  const db = await openStore(storeSettingsOf(config, logger))
  try {
    await ensureReferenceData(db)
    // A key this database already has is checked before any command; one is made only for a command that needs it.
    let keyring = await openExistingDataKeys(config, logger, db, clock())
    const keys = async () => {
      keyring ??= await openDataKeys(config, logger, db, clock())
      return keyring
    }
    return await command(db, argv.slice(name.split(' ').length), config, clock, keys)
  } catch (error) {
    if (error instanceof DataKeyError) {
      process.stderr.write(`Key error: ${error.message}\n`)
      return 1
    }
    // A mistyped option (node:util parseArgs) is the user's mistake, not a bug: say so, no stack trace.
    if (!(error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) throw error
    process.stderr.write(`${error.message}\n\n${USAGE}`)
    return 2
  } finally {
    await closeStore(db)
  }
}

// A reader that stops early (`npm run cli -- sessions list | head`) closes the pipe: stop quietly,
// as other command-line tools do, not with an EPIPE stack trace. Output is only written after a
// command's writes are committed, so nothing is left half done.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
})

process.exitCode = await main(process.argv.slice(2))
