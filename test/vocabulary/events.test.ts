/** The event catalogue: a key built for an event reads back as that event; nothing else is a key. */
import { describe, expect, it } from 'vitest'
import { EVENT_SOURCES, eventKey, kindOfEvent, parseEventKey } from '../../src/vocabulary/events.js'

describe('event keys', () => {
  it('a key built for a registration, an exam or a portfolio stage reads back as the same record', () => {
    for (const source of EVENT_SOURCES) {
      for (const id of [1, 42, 999_999_999_999_999]) expect(parseEventKey(eventKey(source, id))).toEqual({ source, id })
    }
    expect(eventKey('registration', 12)).toBe('registration:12')
  })

  it('what is not a key (a forged button, a typo, another outbox kind) reads as nothing', () => {
    for (const text of [
      '',
      'exam:',
      'exam:abc',
      'exam:0',
      'exam:07',
      'exam:1:2',
      ' exam:1',
      'Exam:1',
      'offer:1',
      'portofolio:3',
    ]) {
      expect(parseEventKey(text), text).toBeUndefined()
    }
  })

  it('the kind follows from the record, an exam from its own kind', () => {
    expect(kindOfEvent('registration', undefined)).toBe('bimtek')
    expect(kindOfEvent('portfolio', undefined)).toBe('portofolio')
    expect(kindOfEvent('exam', 'wawancara')).toBe('wawancara')
    expect(kindOfEvent('exam', 'ujian_kognitif')).toBe('ujian_kognitif')
    expect(kindOfEvent('exam', undefined)).toBeUndefined()
  })
})
