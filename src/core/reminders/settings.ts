/**
 * The reminder settings (REMINDER_OFFSETS, REMINDER_PORTFOLIO_DAYS, REMINDER_QUIET_HOURS): their
 * shape, defaults and parsers. Each composition root reads them from its configuration and passes
 * them to every plan; nothing here holds the settings in use.
 */
export type ReminderSettings = {
  /** Before a Bimtek session or an exam: how long before its start each reminder is due. */
  offsets: { label: string; ms: number }[]
  /** Before a portfolio deadline: how many days before, at 09:00 in the person's zone. */
  portfolioDays: number[]
  /** Quiet hours in the person's zone, minutes after midnight: from `start` until `end`. */
  quiet: { start: number; end: number }
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  offsets: [
    { label: '7d', ms: 7 * 86_400_000 },
    { label: '1d', ms: 86_400_000 },
    { label: '2h', ms: 2 * 3_600_000 },
  ],
  portfolioDays: [7, 1],
  quiet: { start: 21 * 60, end: 6 * 60 },
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const
export type OffsetUnit = keyof typeof UNIT_MS

/**
 * An offset's label ("7d", "2h", "30m", as REMINDER_OFFSETS writes it and reminders store it) read
 * into its number and unit; undefined when it is not one. The one place that knows the grammar.
 */
export function readOffsetLabel(label: string): { amount: number; unit: OffsetUnit } | undefined {
  const match = /^(\d{1,3})([dhm])$/.exec(label)
  return match ? { amount: Number(match[1]), unit: match[2] as OffsetUnit } : undefined
}

/** "7d,1d,2h" → offsets; throws with a readable reason. Units: d (days), h (hours), m (minutes). */
export function parseOffsets(text: string): ReminderSettings['offsets'] {
  const offsets = text
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean)
    .map((part) => {
      const offset = readOffsetLabel(part)
      if (!offset) throw new Error(`"${part}" is not a duration like 7d, 1d, 2h or 30m`)
      const ms = offset.amount * UNIT_MS[offset.unit]
      if (ms <= 0 || ms > 60 * 86_400_000) throw new Error(`"${part}" must be more than 0 and at most 60 days`)
      return { label: `${offset.amount}${offset.unit}`, ms }
    })
  if (offsets.length === 0) throw new Error('at least one duration is needed, e.g. 7d,1d,2h')
  if (new Set(offsets.map((o) => o.ms)).size !== offsets.length) throw new Error('the same duration is given twice')
  return offsets.sort((a, b) => b.ms - a.ms)
}

/** "21:00-06:00" → minutes after midnight; throws with a readable reason. */
export function parseQuietHours(text: string): ReminderSettings['quiet'] {
  const match = /^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$/.exec(text.trim())
  const minutes = match ? [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])] : []
  const [start, end] = minutes
  if (
    start === undefined ||
    end === undefined ||
    start >= 24 * 60 ||
    end >= 24 * 60 ||
    Number(match?.[2]) > 59 ||
    Number(match?.[4]) > 59
  )
    throw new Error(`"${text}" is not a range like 21:00-06:00`)
  return { start, end }
}
