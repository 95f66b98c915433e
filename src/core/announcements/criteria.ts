/**
 * The audience as staff give it (console form, CLI flags: the same flat raw input), read into
 * AudienceCriteria with every problem named, and described back in one Indonesian line.
 */
import type { Db } from '../../db/client.js'
import type { ConsoleScope } from '../../db/queries/console-scope.js'
import type { AudienceCriteria } from '../../vocabulary/announcements.js'
import type { Checked } from './problems.js'

export type RawAudience = {
  /** A session id or session code. */
  session?: string
  /** confirmed | waitlisted | all (default confirmed). */
  registrants?: string
  stages?: string[]
  regions?: string[]
  provinces?: string[]
  examDay?: string
  examKinds?: string[]
  portfolioFrom?: string
  portfolioTo?: string
}

export function readAudience(_db: Db, _raw: RawAudience, _scope: ConsoleScope): Checked<AudienceCriteria> {
  throw new Error('not built yet')
}

/** An Indonesian one-liner for lists and the CLI. */
export function describeAudience(_db: Db, _criteria: AudienceCriteria): string {
  throw new Error('not built yet')
}

/** Sorted JSON (keys and lists): the criteria column and part of the dedupe key. */
export function canonicalCriteria(_criteria: AudienceCriteria): string {
  throw new Error('not built yet')
}
