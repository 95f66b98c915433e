/**
 * The scoring of the bench group `understand` (bench/understand/evaluate.ts) on small synthetic lines with a scripted
 * reading: which lines the slot figure counts, the place and number conventions, the confusion between `faq` and the
 * actions, the FAQ questions read through the understanding step (decision D4), and the held lines left out as seen.
 */
import { describe, expect, it } from 'vitest'
import {
  canonicalSlots,
  normalisedText,
  type Prediction,
  scoreFaqViaUnderstanding,
  scoreLines,
  type UnderstandLine,
  withoutSeen,
} from '../../bench/understand/evaluate.js'

/** A reading scripted per message: what a step under test would have said. */
const scripted =
  (readings: Record<string, Prediction>) =>
  (message: string): Prediction => {
    const reading = readings[message]
    if (!reading) throw new Error(`no scripted reading for "${message}"`)
    return reading
  }

const line = (
  message: string,
  intent: UnderstandLine['intent'],
  slots: Record<string, string> = {},
  topic: string | null = null,
) => ({
  message,
  intent,
  slots,
  topic,
})

describe('slot exact match', () => {
  it('counts only lines where the label or the reading has a slot, so a spurious slot is an error and empty lines do not inflate it', () => {
    const lines = [
      line('a', 'sessions.find', { region: 'R5' }),
      line('b', 'sessions.find', { month: '2027-01' }),
      line('c', 'faq', {}, 'biaya'),
      line('d', 'faq', {}, 'syarat'),
      line('e', 'handoff'),
    ]
    const score = scoreLines(
      lines,
      scripted({
        a: { intent: 'sessions.find', slots: { region: 'R5' }, topic: null },
        b: { intent: 'sessions.find', slots: { month: '2027-02' }, topic: null },
        c: { intent: 'faq', slots: {}, topic: 'biaya' },
        d: { intent: 'faq', slots: {}, topic: 'syarat' },
        e: { intent: 'handoff', slots: { mode: 'daring' }, topic: null },
      }),
    )
    expect(score.slotLines).toBe(3)
    expect(score.slotHits).toBe(1)
    expect(score.slotExactMatch).toBeCloseTo(1 / 3)
    expect(score.slotExactMatchAllLines).toBeCloseTo(3 / 5)
    expect(score.perSlot.month).toMatchObject({ precision: 0, recall: 0, predicted: 1, labelled: 1 })
    expect(score.perSlot.mode).toMatchObject({ precision: 0, predicted: 1, labelled: 0 })
    expect(score.perSlot.region).toMatchObject({ precision: 1, recall: 1 })
  })

  it('needs the whole object: a missing slot or one extra key is a miss', () => {
    const lines = [
      line('a', 'sessions.find', { region: 'R5', province: 'Sulawesi Selatan' }),
      line('b', 'sessions.find', { region: 'R2' }),
    ]
    const score = scoreLines(
      lines,
      scripted({
        a: { intent: 'sessions.find', slots: { region: 'R5' }, topic: null },
        b: { intent: 'sessions.find', slots: { region: 'R2', mode: 'luring' }, topic: null },
      }),
    )
    expect(score.slotHits).toBe(0)
    expect(score.misses.map((miss) => miss.message)).toEqual(['a', 'b'])
  })

  it('reads place names through the gazetteer, numbers through normalizeNumber and codes in upper case', () => {
    const labelled = {
      province: 'Daerah Istimewa Yogyakarta',
      regency: 'KOTA YOGYAKARTA',
      region: 'R3',
      number: 'LSPS-2024-00123',
      code: 'BMT-7K2QX9',
    }
    const read = {
      province: 'DI Yogyakarta',
      regency: 'Kota Yogyakarta',
      region: 'R3',
      number: 'LSPS202400123',
      code: 'bmt-7k2qx9',
    }
    expect(canonicalSlots(read)).toEqual(canonicalSlots(labelled))
    expect(canonicalSlots({ regency: 'Kabupaten Bandung' })).not.toEqual(canonicalSlots({ regency: 'Kota Bandung' }))
    expect(canonicalSlots({ province: 'Jawa Barat' })).not.toEqual(canonicalSlots({ province: 'Jawa Tengah' }))
    const score = scoreLines(
      [line('x', 'certificate.verify', labelled)],
      scripted({ x: { intent: 'certificate.verify', slots: read, topic: null } }),
    )
    expect(score.slotExactMatch).toBe(1)
  })
})

describe('intents', () => {
  it('fills the confusion matrix and the faq ↔ action shares of their labelled class', () => {
    const lines = [
      line('f1', 'faq', {}, 'pengingat'),
      line('f2', 'faq', {}, 'biaya'),
      line('f3', 'faq', {}, 'syarat'),
      line('f4', 'faq'),
      line('a1', 'reminders.stop'),
      line('a2', 'handoff'),
      line('a3', 'data.delete'),
    ]
    const score = scoreLines(
      lines,
      scripted({
        f1: { intent: 'reminders.stop', slots: {}, topic: null },
        f2: { intent: 'faq', slots: {}, topic: 'biaya' },
        f3: { intent: 'faq', slots: {}, topic: 'biaya' },
        f4: { intent: 'faq', slots: {}, topic: null },
        a1: { intent: 'reminders.stop', slots: {}, topic: null },
        a2: { intent: 'faq', slots: {}, topic: 'kontak' },
        a3: { intent: 'data.mine', slots: {}, topic: null },
      }),
    )
    expect(score.intentHits).toBe(4)
    expect(score.intentAccuracy).toBeCloseTo(4 / 7)
    expect(score.confusion.faq['reminders.stop']).toBe(1)
    expect(score.confusion.faq.faq).toBe(3)
    expect(score.confusion.handoff.faq).toBe(1)
    expect(score.confusion['data.delete']['data.mine']).toBe(1)
    expect(score.faqToAction).toEqual({ count: 1, of: 4, share: 0.25 })
    expect(score.actionToFaq).toEqual({ count: 1, of: 3, share: 1 / 3 })
    // Topic accuracy: the faq lines with a topic (f1–f3); f3 got the wrong topic and f1 an action.
    expect({ lines: score.topicLines, hits: score.topicHits }).toEqual({ lines: 3, hits: 1 })
  })
})

describe('FAQ questions through the understanding step', () => {
  it('counts an action that serves the topic (SERVES) but not in the strict figure, and refuses only with faq and no topic', () => {
    const questions = [
      { q: 'q1', topic: 'bimtek-jadwal' },
      { q: 'q2', topic: 'bimtek-jadwal' },
      { q: 'q3', topic: 'biaya' },
      { q: 'q4', topic: 'pengingat' },
      { q: 'o1', topic: null },
      { q: 'o2', topic: null },
    ]
    const via = scoreFaqViaUnderstanding(
      questions,
      scripted({
        q1: { intent: 'faq', slots: {}, topic: 'bimtek-jadwal' },
        q2: { intent: 'sessions.find', slots: { region: 'R5' }, topic: null },
        q3: { intent: 'registration.start', slots: {}, topic: null },
        q4: { intent: 'handoff', slots: {}, topic: null },
        o1: { intent: 'faq', slots: {}, topic: null },
        o2: { intent: 'reminders.stop', slots: {}, topic: null },
      }),
    )
    expect(via).toEqual({ inScope: 4, outOfScope: 2, top1: 0.5, top1Strict: 0.25, refusal: 0.5, refusalStrict: 0.5 })
  })
})

describe('held lines seen elsewhere', () => {
  it('are counted and left out when their normalised text equals a known one', () => {
    const held = [
      line('Kapan BIMTEK di Makassar??', 'sessions.find'),
      line('stooop pengingat', 'reminders.stop'),
      line('hapus data sy', 'data.delete'),
    ]
    const { fresh, seen } = withoutSeen(held, ['Kapan bimtek di Makassar!', 'Stop pengingat.', 'hapus data saya'])
    expect(seen).toBe(2)
    expect(fresh.map((l) => l.message)).toEqual(['hapus data sy'])
    expect(normalisedText('  Halo,   KAK!! 😀 ')).toBe('halo kak')
  })
})
