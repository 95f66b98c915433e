/**
 * Which actions serve which FAQ topic (decision D4 of the plan, fixed before any run): a knowledge answer on that topic
 * gets the action as its first extra choice, and the evaluation counts the action as serving the topic.
 */
import type { ActionIntent } from './types.js'

export const SERVES: Readonly<Record<string, readonly ActionIntent[]>> = {
  'bimtek-jadwal': ['sessions.find'],
  'bimtek-daftar': ['registration.start'],
  'cek-status': ['status.check'],
  verifikasi: ['certificate.verify'],
  pengingat: ['reminders.stop', 'reminders.start', 'reminders.list'],
  'jadwal-ujian': ['reminders.list'],
  'data-pribadi': ['data.mine', 'data.delete'],
  kontak: ['handoff'],
}

/** Whether `intent` is an action that serves the FAQ topic `topic`. */
export function serves(topic: string, intent: ActionIntent): boolean {
  return SERVES[topic]?.includes(intent) ?? false
}
