/**
 * A reading carried in a choice id (`u:sf:p=73;m=2027-01;d=daring`), so a button on an old message still does what it
 * said: Telegram's `callback_data` holds 1–64 bytes, so intents have short names and only codes travel.
 */
import type { ActionIntent, Slots } from './types.js'

const SHORT: Readonly<Record<ActionIntent, string>> = {
  'sessions.find': 'sf',
  'registration.start': 'rs',
  'registration.mine': 'rm',
  'registration.cancel': 'rc',
  'status.check': 'sc',
  'certificate.verify': 'cv',
  'reminders.stop': 'r0',
  'reminders.start': 'r1',
  'reminders.list': 'rl',
  handoff: 'ho',
  'data.mine': 'dm',
  'data.delete': 'dd',
}
const INTENT_OF = new Map(Object.entries(SHORT).map(([intent, short]) => [short, intent as ActionIntent]))

// Only the keys a handler needs; names are left out (the handler finds them again from the codes).
const KEYS = [
  ['p', 'provinceCode'],
  ['k', 'regencyCode'],
  ['r', 'region'],
  ['m', 'month'],
  ['d', 'mode'],
  ['n', 'number'],
  ['c', 'code'],
] as const
const VALUE = /^[A-Za-z0-9-]{1,20}$/

/** The choice id of an action with its slots: `u:<short>[:k=v;…]`, at most 64 bytes (slots dropped if longer). */
export function encodeChoice(intent: ActionIntent, slots: Slots = {}): string {
  const pairs = KEYS.flatMap(([key, name]) => {
    const value = slots[name]
    return value !== undefined && VALUE.test(value) ? [`${key}=${value}`] : []
  })
  const id = `u:${SHORT[intent]}${pairs.length ? `:${pairs.join(';')}` : ''}`
  return id.length <= 64 ? id : `u:${SHORT[intent]}`
}

/** The action and slots of a choice id made by `encodeChoice`, or undefined for anything else. */
export function decodeChoice(id: string): { intent: ActionIntent; slots: Slots } | undefined {
  const [prefix, short, rest] = id.split(':', 3)
  const intent = prefix === 'u' && short !== undefined ? INTENT_OF.get(short) : undefined
  if (!intent) return undefined
  const slots: Slots = {}
  for (const pair of rest ? rest.split(';') : []) {
    const [key, value] = pair.split('=')
    const name = KEYS.find(([k]) => k === key)?.[1]
    if (!name || value === undefined || !VALUE.test(value)) continue
    if (name === 'mode') {
      if (value === 'daring' || value === 'luring') slots.mode = value
    } else slots[name] = value
  }
  return { intent, slots }
}
