/** The service's logger. Personal data (NIK, phone, birth date, message text) is redacted by key. */
import { createRequire } from 'node:module'
import { isatty } from 'node:tty'
import pino, { type DestinationStream, type Logger } from 'pino'
import type { PrettyOptions } from 'pino-pretty'

// chatId and userId are phone numbers on WhatsApp; question and text are what people typed.
const KEYS = ['nik', 'phone', 'phoneE164', 'birthDate', 'text', 'question', 'token', 'name', 'fullName', 'chatId', 'userId']
const REDACT = [...KEYS, ...KEYS.map((key) => `*.${key}`), ...KEYS.map((key) => `*.*.${key}`)]

export type LoggerOptions = {
  level: string
  /** Where lines go: stdout for the server, stderr when stdout carries a conversation or a command's output. */
  stream?: 'stdout' | 'stderr'
}

/**
 * JSON lines, one per entry, for whatever reads them (journald, a file, a log shipper); readable
 * lines when a person watches the terminal they go to.
 */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.stream === 'stderr' ? 2 : 1
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' } }
  const destination = pino.destination({ fd, sync: true })
  return pino(base, isatty(fd) ? prettyLines(destination) : destination)
}

/**
 * pino-pretty as a plain function on each line, written synchronously: no worker thread (pino's
 * `transport` starts one, with its own heap), and nothing is lost when the process exits right
 * after a line. Loaded only for a terminal, so a service writing JSON never loads it.
 */
function prettyLines(destination: DestinationStream): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty')
  const options: PrettyOptions = { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }
  const pretty = prettyFactory(options)
  return { write: (line: string) => destination.write(pretty(line)) }
}

export type { Logger }
