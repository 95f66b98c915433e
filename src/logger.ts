/** The service's logger. Personal data (NIK, phone, birth date, message text) is redacted by key. */
import pino, { type Logger } from 'pino'

// chatId and userId are phone numbers on WhatsApp; question and text are what people typed.
const KEYS = ['nik', 'phone', 'phoneE164', 'birthDate', 'text', 'question', 'token', 'name', 'fullName', 'chatId', 'userId']
const REDACT = [...KEYS, ...KEYS.map((key) => `*.${key}`), ...KEYS.map((key) => `*.*.${key}`)]

export type LoggerOptions = {
  level: string
  /** Where lines go: stdout for the server, stderr when stdout carries a conversation. */
  stream?: 'stdout' | 'stderr'
  /** Human-readable lines instead of JSON (used when a person watches a terminal). */
  pretty?: boolean
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = options.stream === 'stderr' ? 2 : 1
  const base = { level: options.level, redact: { paths: REDACT, censor: '[redacted]' } }
  if (options.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } },
    })
  }
  return pino(base, pino.destination({ fd, sync: true }))
}

export type { Logger }
