/** What the import commands share: reading the file, and a progress bar for a person watching. */
import { readFileSync } from 'node:fs'
import cliProgress from 'cli-progress'

/** The file's bytes, or (after one line on stderr saying why it cannot be read) undefined. */
export function readInput(path: string): Uint8Array | undefined {
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
export function progressBar(): Progress {
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
