/**
 * The events a person is reminded of (a Bimtek session, the two exams, the portfolio deadline):
 * what each kind is called, in one catalogue that the reminders, menu 5, the status answer, the
 * CLI and the admin API all read; and the event key that names one event in the outbox
 * (`registration:<id>`, `exam:<id>`, `portfolio:<stage row id>`), built and read only here.
 */
import type { Text } from './message.js'

export const EXAM_KINDS = ['ujian_kognitif', 'wawancara'] as const
export type ExamKind = (typeof EXAM_KINDS)[number]

export const EVENT_KINDS = ['bimtek', ...EXAM_KINDS, 'portofolio'] as const
export type EventKind = (typeof EVENT_KINDS)[number]

/** The record an event key points at: a Bimtek registration, an exam, or a person's portfolio stage. */
export const EVENT_SOURCES = ['registration', 'exam', 'portfolio'] as const
export type EventSource = (typeof EVENT_SOURCES)[number]

type EventKindEntry = {
  /** The record behind an event of this kind. */
  source: EventSource
  /** In a line of a list or a sentence: menu 5, the answer to HADIR, the status answer, the CLI. */
  short: Text
  /** The title of a reminder: the full name, and what it is for a reader of English. */
  long: Text
}

export const EVENT_KIND: Record<EventKind, EventKindEntry> = {
  bimtek: {
    source: 'registration',
    short: { id: 'Bimtek', en: 'Bimtek' },
    long: { id: 'Bimtek', en: 'Bimtek (technical guidance)' },
  },
  ujian_kognitif: {
    source: 'exam',
    short: { id: 'Ujian kognitif', en: 'Cognitive exam' },
    long: { id: 'Ujian kognitif', en: 'Cognitive exam' },
  },
  wawancara: {
    source: 'exam',
    short: { id: 'Wawancara', en: 'Interview' },
    long: { id: 'Wawancara (uji kompetensi)', en: 'Competency interview' },
  },
  portofolio: {
    source: 'portfolio',
    short: { id: 'Batas portofolio', en: 'Portfolio deadline' },
    long: { id: 'Batas pengumpulan portofolio', en: 'Portfolio deadline' },
  },
}

export type EventRef = { source: EventSource; id: number }

/** What every key of `source` starts with: "exam:". */
export const eventKeyPrefix = (source: EventSource): string => `${source}:`

/** The key of one event: "registration:12", "exam:5", "portfolio:7". */
export const eventKey = (source: EventSource, id: number): string => `${eventKeyPrefix(source)}${id}`

const KEY = new RegExp(`^(${EVENT_SOURCES.join('|')}):([1-9]\\d{0,14})$`)

/** The record an event key points at; undefined for anything that is not a key (a forged button, say). */
export function parseEventKey(key: string): EventRef | undefined {
  const match = KEY.exec(key)
  return match ? { source: match[1] as EventSource, id: Number(match[2]) } : undefined
}

/** The kind of an event from its source: fixed, except an exam's, which is its record's (`examKind`). */
export function kindOfEvent(source: EventSource, examKind: ExamKind | undefined): EventKind | undefined {
  if (source === 'exam') return examKind
  return EVENT_KINDS.find((kind) => EVENT_KIND[kind].source === source)
}
