/**
 * Requests in the regional languages of issue 22 and in English, written for these tests (not copied from the
 * labelled sets). The rules read each one as the action asked for: they decide alone until the second opinion's
 * networks are ready (and with UNDERSTAND_EXAMPLES_DIR=none); with the networks, the product reads them so too.
 */
import { describe, expect, it } from 'vitest'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { ctx, matcher, read } from './support.js'

const rules = createUnderstanding({ matcher })

/** Requests whose regional verbs neither the rules nor the networks knew. */
const newWords: [string, string, string][] = [
  ['jawa', 'tulung busaken data pribadiku saka sistem', 'data.delete'],
  ['jawa', 'pengingat ujian kula dipunmandhegaken mawon', 'reminders.stop'],
  ['sunda', 'punten pupus akun abdi', 'data.delete'],
  ['bali', 'eda ngirimin tiang pengingat buin', 'reminders.stop'],
  ['minang', 'ingekan ambo sabalun wawancara', 'reminders.start'],
  ['minang', 'daftaan ambo ka bimtek di padang', 'registration.start'],
  ['banjar', 'ampihakan pesan pangingat gasan ulun', 'reminders.stop'],
  ['papua', 'pengingat ni kasi mati sudah', 'reminders.stop'],
]

/** Requests the networks already read right, but the rules did not. */
const rulesMissed: [string, string, string][] = [
  ['jawa', 'sertifikasi kula sampun dumugi pundi', 'status.check'],
  ['sunda', 'sambungkeun abdi ka petugas, abdi bingung', 'handoff'],
  ['sunda', 'tong dikintun pengingat deui ka abdi', 'reminders.stop'],
  ['bali', 'batalang pendaftaran bimtek tiange, tiang sing nyidang rauh', 'registration.cancel'],
  ['ambon', 'kasi ingat beta kalo wawancara su dekat', 'reminders.start'],
  ['english', 'take me off the waiting list please', 'registration.cancel'],
  ['english', 'please sign me up for the bimtek in medan', 'registration.start'],
]

describe('requests in regional languages and English', () => {
  it.each([...newWords, ...rulesMissed])('rules alone, %s: %s → %s', (_language, message, intent) => {
    expect(rules.understand(message, ctx)).toMatchObject({ intent, ask: false })
  })

  it.each(newWords)('with the second opinion, %s: %s → %s', (_language, message, intent) => {
    expect(read(message).intent).toBe(intent)
  })
})
