/**
 * What every entry point (the server, the terminal chat, the CLI) does first: open and migrate the
 * database, load reference and demo data, and build the conversation core.
 */
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createEngine, type Engine } from './core/engine.js'
import { createHandoffFlow } from './core/flows/handoff.js'
import { type Db, openDatabase } from './db/client.js'
import { type DemoSummary, isDatabaseEmpty, loadDemoData } from './db/demo-data.js'
import { ensureReferenceData } from './db/reference-data.js'

export type Core = { db: Db; engine: Engine; demo: DemoSummary | null }

/** Whether this start may load the demo dataset into an empty database. */
export function demoAllowed(config: Pick<Config, 'DEMO_DATA' | 'NODE_ENV'>): boolean {
  if (config.DEMO_DATA === 'auto') return config.NODE_ENV !== 'production'
  return config.DEMO_DATA === 'true'
}

export function openCore(config: Config, logger: Logger, options: { clock?: () => Date } = {}): Core {
  const db = openDatabase(config.DATABASE_PATH)
  // One write-locked transaction, so processes starting together seed an empty database once.
  const demo = db.transaction(
    () => {
      ensureReferenceData(db)
      return demoAllowed(config) && isDatabaseEmpty(db) ? loadDemoData(db) : null
    },
    { behavior: 'immediate' },
  )
  const engine = createEngine({
    db,
    logger,
    ...(options.clock && { clock: options.clock }),
    timeoutMinutes: config.CONVERSATION_TIMEOUT_MINUTES,
    contact: config.SECRETARIAT_CONTACT,
    features: { petugas: { flow: createHandoffFlow({ contact: config.SECRETARIAT_CONTACT }) } },
  })
  return { db, engine, demo }
}
