import { describe, expect, it } from 'vitest'
import { CERTIFICATION_STAGES } from '../../src/db/schema.js'
import { AUDIENCE_EXAM_KINDS, AUDIENCE_STAGES } from '../../src/vocabulary/announcements.js'
import { EXAM_KINDS } from '../../src/vocabulary/events.js'

describe('announcement vocabulary', () => {
  // The console's stage choices and the CLI's --stage come from this copy: a stage added to the
  // schema but not here could not be chosen as an audience.
  it('lists exactly the certification stages of the schema, in order', () => {
    expect([...AUDIENCE_STAGES]).toEqual([...CERTIFICATION_STAGES])
  })
  it('lists exactly the exam kinds', () => {
    expect([...AUDIENCE_EXAM_KINDS]).toEqual([...EXAM_KINDS])
  })
})
