/**
 * Operations for the secretariat: `npm run cli -- <command>`. Uses the same configuration and
 * database as the server; safe to run while the server is up (SQLite WAL).
 */
import { parseArgs } from 'node:util'
import { loadConfigOrExit } from './config.js'
import { closeDatabase, type Db, openDatabase } from './db/client.js'
import { closeHandoff, listHandoffs } from './db/queries/handoff.js'
import { ensureReferenceData } from './db/reference-data.js'

const USAGE = `Pemakaian: npm run cli -- <perintah>

  handoff list [--all]     permintaan "Bicara dengan petugas" yang masih terbuka (--all: semua)
  handoff close KODE       tandai permintaan KODE sudah ditangani
`

type Command = (db: Db, args: string[]) => number

const jakarta = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' })

const commands: Record<string, Command> = {
  'handoff list': (db, args) => {
    const { values } = parseArgs({ args, options: { all: { type: 'boolean' } } })
    const requests = listHandoffs(db, values.all ? 'all' : 'open')
    if (requests.length === 0) {
      process.stdout.write(values.all ? 'Belum ada permintaan.\n' : 'Tidak ada permintaan yang terbuka.\n')
      return 0
    }
    for (const r of requests) {
      // Staff need the full number to call back; this output is for them, not for logs.
      process.stdout.write(
        `${r.code}  ${jakarta.format(r.createdAt)} WIB  [${r.status}]  ${r.channel}  topik: ${r.topic}\n` +
          `  ${r.name}  ${r.phoneE164 ?? '-'}\n  ${r.question}\n\n`,
      )
    }
    process.stdout.write(`${requests.length} permintaan.\n`)
    return 0
  },
  'handoff close': (db, args) => {
    const code = args[0]?.trim().toUpperCase()
    if (!code) {
      process.stderr.write('Sebutkan kodenya, mis.: npm run cli -- handoff close PTG-7K2QX9\n')
      return 2
    }
    if (!closeHandoff(db, code, new Date(), 'cli')) {
      process.stderr.write(`Tidak ada permintaan terbuka dengan kode ${code}.\n`)
      return 1
    }
    process.stdout.write(`Permintaan ${code} ditandai sudah ditangani.\n`)
    return 0
  },
}

function main(argv: string[]): number {
  const name = argv.slice(0, 2).join(' ')
  const command = commands[name]
  if (!command) {
    process.stderr.write(argv.length && argv[0] !== '--help' ? `Perintah tidak dikenal: ${argv.join(' ')}\n\n${USAGE}` : USAGE)
    return argv.length && argv[0] !== '--help' ? 2 : 0
  }
  const config = loadConfigOrExit()
  const db = openDatabase(config.DATABASE_PATH)
  try {
    ensureReferenceData(db)
    return command(db, argv.slice(2))
  } finally {
    closeDatabase(db)
  }
}

process.exitCode = main(process.argv.slice(2))
