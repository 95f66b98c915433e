/**
 * What every entry point (the server, the terminal chat, the CLI) does first: open and migrate the
 * database, load reference and demo data, and build the conversation core.
 */
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createEngine, type Engine, type Feature } from './core/engine.js'
import { createFaq } from './core/faq/feature.js'
import { FaqContentError, loadKnowledgeBase } from './core/faq/knowledge-base.js'
import { createMatcher } from './core/faq/matcher.js'
import { createHandoffFlow } from './core/flows/handoff.js'
import { MENU_PREFIX, type MenuItemId } from './core/menu.js'
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
  // Content first: a broken knowledge base stops start-up before anything is created.
  const kb = loadKnowledgeBase(config.FAQ_PATH)
  const db = openDatabase(config.DATABASE_PATH)
  // One write-locked transaction, so processes starting together seed an empty database once.
  const demo = db.transaction(
    () => {
      ensureReferenceData(db)
      return demoAllowed(config) && isDatabaseEmpty(db) ? loadDemoData(db) : null
    },
    { behavior: 'immediate' },
  )
  const features: Partial<Record<MenuItemId, Feature>> = {
    petugas: { flow: createHandoffFlow({ contact: config.SECRETARIAT_CONTACT }) },
  }
  const faq = createFaq({
    kb,
    matcher: createMatcher(kb),
    contact: config.SECRETARIAT_CONTACT,
    isAvailable: (choiceId) => choiceId.slice(MENU_PREFIX.length) in features,
  })
  features.faq = faq.menu
  const engine = createEngine({
    db,
    logger,
    ...(options.clock && { clock: options.clock }),
    timeoutMinutes: config.CONVERSATION_TIMEOUT_MINUTES,
    contact: config.SECRETARIAT_CONTACT,
    features,
    fallback: faq.ask,
    actions: faq.actions,
  })
  return { db, engine, demo }
}

/** For entry points: the core, or one line naming the broken content entry and exit code 1. */
export function openCoreOrExit(config: Config, logger: Logger): Core {
  try {
    return openCore(config, logger)
  } catch (error) {
    if (!(error instanceof FaqContentError)) throw error
    process.stderr.write(`Content error: ${error.message}\n`)
    process.exit(1)
  }
}
