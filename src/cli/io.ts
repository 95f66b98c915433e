/** What the import commands share: reading the file, and a progress bar for a person watching. */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { formatImportError, type ImportError } from '../core/import/csv.js'

/** The file's bytes, or (after one line on stderr saying why it cannot be read) undefined. */
function readInput(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'file tidak ditemukan' : code === 'EISDIR' ? 'ini folder, bukan file' : `tidak dapat dibaca (${code})`
    process.stderr.write(`${path}: ${reason}\n`)
    return undefined
  }
}

export type Progress = {
  /** Absent when stderr is not a terminal: nothing is drawn into logs or pipes. */
  onProgress?: (done: number, total: number, phase?: string) => void
  stop(): void
}

/** What a phase reported by an import is called on the bar. */
const PHASES: Record<string, string> = { check: 'diperiksa', write: 'disimpan' }

/** A progress bar on stderr, only for a person watching a terminal (never in logs or pipes). */
function progressBar(): Progress {
  if (!process.stderr.isTTY) return { stop: () => {} }
  const bar = new cliProgress.SingleBar({
    format: 'Mengimpor [{bar}] {value}/{total} baris{phase}',
    clearOnComplete: true,
    hideCursor: true,
  })
  let started = false
  return {
    onProgress: (done, total, phase) => {
      const payload = { phase: phase ? ` ${PHASES[phase] ?? phase}` : '' }
      if (!started) bar.start(total, 0, payload)
      started = true
      bar.update(done, payload)
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}

type ImportRun<R> = (input: Uint8Array, options: { onProgress?: Progress['onProgress']; dryRun?: boolean }) => R | Promise<R>

/**
 * An import from the command line: the file named in `args` (else the usage line and exit code 2),
 * a progress bar, and every bad row on stderr (exit code 1). Returns the result of a good file, for
 * the command to tell what was stored; otherwise the exit code. With `--dry-run` the file is checked
 * and the import computed against stored data, then nothing is kept: the command tells what it
 * would store, after a first line saying so.
 */
export async function importFile<R extends { ok: true } | { ok: false; errors: ImportError[] }>(
  args: string[],
  usage: string,
  run: ImportRun<R>,
): Promise<Extract<R, { ok: true }> | number> {
  const { values, positionals } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true })
  const dryRun = values['dry-run'] === true
  const path = positionals[0]
  if (!path) {
    process.stderr.write(`Sebutkan filenya, mis.: ${usage}\n`)
    return 2
  }
  const input = readInput(path)
  if (!input) return 2
  const progress = progressBar()
  let result: R
  try {
    result = await run(input, { ...(progress.onProgress && { onProgress: progress.onProgress }), ...(dryRun && { dryRun }) })
  } finally {
    progress.stop()
  }
  if (!result.ok) {
    for (const error of result.errors) process.stderr.write(`${formatImportError(error)}\n`)
    process.stderr.write(`${new Set(result.errors.map((e) => e.line)).size} baris ditolak; tidak ada yang disimpan.\n`)
    return 1
  }
  if (dryRun) process.stdout.write('Uji coba (--dry-run): tidak ada yang disimpan. Bila diimpor:\n')
  return result as Extract<R, { ok: true }>
}
