/**
 * What every entry point (the server, the terminal chat, the CLI) does first: open and migrate the
 * database, load reference and demo data, and build the conversation core.
 */

import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createAnnouncementChat } from './core/announcements/chat.js'
import { createCertificateCheck } from './core/certificates/chat.js'
import { createLookupAudit } from './core/certificates/lookup-audit.js'
import { type ChatBlocking, createChatBlocking } from './core/chat-blocking.js'
import { createEngine, type Engine, type Feature } from './core/engine.js'
import { createFaq } from './core/faq/feature.js'
import { FaqContentError, type KnowledgeBase, loadKnowledgeBase } from './core/faq/knowledge-base.js'
import { createMatcher } from './core/faq/matcher.js'
import type { FlowDefinition } from './core/flows/flow.js'
import { createHandoffFlow } from './core/flows/handoff.js'
import { createHandoffActions, type HandoffActions } from './core/handoff/actions.js'
import { createHandoffActivity, type HandoffActivity } from './core/handoff/activity.js'
import { createWorkingCalendar, type WorkingCalendar } from './core/handoff/hours.js'
import { createLiveHandoff, type LiveHandoff } from './core/handoff/live.js'
import type { HandoffSettings } from './core/handoff/settings.js'
import { createProof, type ProvenHandler } from './core/identity/proof.js'
import { MENU_PREFIX, type MenuItemId } from './core/menu.js'
import { type ByteBox, createByteBox, type DataKeys, HANDOFF_FILE_PURPOSE, type SecretBox } from './core/privacy/data-key.js'
import { createDataRights, dataSummary } from './core/privacy/data-rights.js'
import type { NikVault } from './core/privacy/nik-vault.js'
import { createRegistrationCommands } from './core/registration/commands.js'
import { findSessions } from './core/registration/find-sessions.js'
import { anySessionOpen, createRegistrationFlow, noSessionsReply } from './core/registration/flow.js'
import { createReminderChat } from './core/reminders/chat.js'
import { statusAnswer } from './core/status/answer.js'
import { createUnderstandingRoute } from './core/understanding/route.js'
import { secondOpinionFrom } from './core/understanding/second-opinion.js'
import { createUnderstanding } from './core/understanding/understand.js'
import { DataKeyError, openDataKeys } from './data-keys.js'
import { type Db, openStore, storeSettingsOf } from './db/client.js'
import { type DemoSummary, isDatabaseEmpty, loadDemoData } from './db/demo-data.js'
import { ensureReferenceData } from './db/reference-data.js'
import { transaction } from './db/store.js'
import { handoffSettingsOf, reminderSettingsOf } from './settings.js'

export type Core = {
  db: Db
  engine: Engine
  demo: DemoSummary | null
  vault: NikVault
  /** DATA_ENCRYPTION_KEY (and the previous key during a rotation), checked against the database's. */
  keys: DataKeys
  /** Seals the WhatsApp session in the database (a subkey of DATA_ENCRYPTION_KEY). */
  authBox: SecretBox
  /** What a channel calls when a person blocks or unblocks the assistant. */
  blocking: ChatBlocking
  /** Conversations with staff: their actions (console, staff group, CLI), the chat side, what wakes live views. */
  /** Makes the understanding step's second opinion now rather than on the first free message (seconds, once). */
  prepareUnderstanding: () => void
  /**
   * The same in a worker thread (`worker`: the file of second-opinion-worker), which keeps the memory of loading out of
   * the server; until it is ready, sentences are read by the rules alone.
   */
  prepareUnderstandingInBackground: (worker: URL) => Promise<void>
  /** The FAQ knowledge base (its answers are staff's quick replies). */
  kb: KnowledgeBase
  handoffs: {
    actions: HandoffActions
    live: LiveHandoff
    activity: HandoffActivity
    calendar: WorkingCalendar
    settings: HandoffSettings
    /** Seals and opens the files people send to staff. */
    files: ByteBox
  }
}

/** Whether this start may load the demo dataset into an empty database. */
export function demoAllowed(config: Pick<Config, 'DEMO_DATA' | 'NODE_ENV'>): boolean {
  if (config.DEMO_DATA === 'auto') return config.NODE_ENV !== 'production'
  return config.DEMO_DATA === 'true'
}

export type CoreOptions = {
  /**
   * Whether a one-time code can go out over WhatsApp now (the server: its WhatsApp channel is
   * connected). Default: never, so proof by code is not offered.
   */
  codeChannelReady?: () => boolean
}

/** The core as `config` sets it up, on `clock`: the time every message, plan and record is stamped with. */
export async function openCore(config: Config, logger: Logger, clock: () => Date, options: CoreOptions = {}): Promise<Core> {
  // Content first: a broken knowledge base stops start-up before anything is created.
  const kb = loadKnowledgeBase(config.FAQ_PATH, config.FAQ_QUESTIONS_PATH)
  const db = await openStore(storeSettingsOf(config, logger))
  const { vault, keys, authBox } = await openDataKeys(config, logger, db, clock())
  // One write-locked transaction, so processes starting together seed an empty database once.
  const demo = await transaction(db, async (tx) => {
    await ensureReferenceData(tx)
    return demoAllowed(config) && (await isDatabaseEmpty(tx)) ? await loadDemoData(tx, clock(), vault) : null
  })
  // Every plan made from the chat (registrations, chats linked, reminders turned on) uses the configured times.
  const reminderSettings = reminderSettingsOf(config)
  const offerHours = config.REGISTRATION_OFFER_HOURS
  const linkDays = config.IDENTITY_LINK_DAYS
  const activity = createHandoffActivity()
  const handoffSettings = handoffSettingsOf(config)
  const calendar = createWorkingCalendar(handoffSettings)
  const files = createByteBox(keys, HANDOFF_FILE_PURPOSE)
  const live = createLiveHandoff({ calendar, files, activity })
  const handoffActions = createHandoffActions({ db, clock, settings: handoffSettings, activity })
  const handoff = createHandoffFlow({ contact: config.SECRETARIAT_CONTACT, calendar })
  const proof = createProof({
    vault,
    reminders: reminderSettings,
    linkDays,
    codeChannelReady: options.codeChannelReady ?? (() => false),
    handoff,
  })
  /** A menu entry that shows personal data: only after proof of identity (or to a linked chat). */
  const provenFeature = (id: string, onProven: ProvenHandler, also: FlowDefinition[] = []): Feature => {
    const flows = proof.proofFlows(id, onProven)
    return { flow: flows.claim, also: [flows.phone, ...also], before: (ctx) => proof.gate(ctx, flows) }
  }
  const registration = createRegistrationCommands({ offerHours, reminders: reminderSettings, proof })
  const reminders = createReminderChat({ contact: config.SECRETARIAT_CONTACT, reminders: reminderSettings, proof })
  // Chat lookups go to the lookup audit at once, inside the message's own transaction: no buffer to
  // lose when the terminal chat exits, and no write of its own.
  const lookupAudit = createLookupAudit(db, { flushMs: 60_000, maxBatch: 1_000, now: clock })
  const certificateCheck = createCertificateCheck({
    baseUrl: config.PUBLIC_BASE_URL,
    clock,
    audit: {
      record: (tx, entry) => lookupAudit.writeNow(tx, entry),
    },
  })
  const dataRightsDeps = { vault, offerHours, reminders: reminderSettings, proof, files }
  const dataRights = createDataRights(dataRightsDeps)
  const registrationFlow = createRegistrationFlow({ vault, offerHours, reminders: reminderSettings, proof, linkDays })
  const features: Partial<Record<MenuItemId, Feature>> = {
    daftar: {
      flow: registrationFlow.flow,
      also: registrationFlow.also,
      // Ask for nothing when there is nothing to register for.
      before: async (ctx) => ((await anySessionOpen(ctx)) ? undefined : { replies: [noSessionsReply(ctx.lang)], next: null }),
    },
    status: provenFeature('status', async (ctx, person) => [await statusAnswer(ctx, person, config.PUBLIC_BASE_URL)]),
    'data-saya': provenFeature('data-saya', (ctx, person) => dataSummary(ctx, person, dataRightsDeps), dataRights.flows),
    verifikasi: certificateCheck.feature,
    pengingat: reminders.feature,
    petugas: { flow: handoff },
  }
  const matcher = createMatcher(kb, { dir: config.FAQ_CACHE_DIR, now: clock })
  const isAvailable = (choiceId: string) => choiceId.slice(MENU_PREFIX.length) in features
  const faq = createFaq({ kb, matcher, contact: config.SECRETARIAT_CONTACT, isAvailable })
  features.faq = faq.menu
  // "stop info" / "mulai info" first: "stop …" must never reach the reminders' switch or understanding.
  const commands = [
    ...createAnnouncementChat().commands,
    ...reminders.commands,
    ...registration.commands,
    ...dataRights.commands,
    certificateCheck.command,
  ]
  // Its examples are checked now; its networks are made on first use or when the server calls prepareUnderstanding.
  const secondOpinion = secondOpinionFrom(config.UNDERSTAND_EXAMPLES_DIR, config.FAQ_QUESTIONS_PATH, {
    dir: config.FAQ_CACHE_DIR,
    now: clock,
  })
  const understood = createUnderstandingRoute({
    understanding: createUnderstanding({ matcher, ...(secondOpinion && { secondOpinion }) }),
    faq,
    isAvailable,
    logger,
    handlers: {
      'sessions.find': (ctx, slots) => findSessions(ctx, slots),
      'registration.start': (ctx, slots) => registrationFlow.startWith(ctx, slots),
      'registration.mine': (ctx) => registration.mine(ctx),
      'registration.cancel': (ctx, slots) => registration.cancel(ctx, slots.code),
      'status.check': (_ctx, _slots, tools) => tools.startFeature('status'),
      'certificate.verify': (ctx, slots) => certificateCheck.verify(ctx, slots.number),
      'reminders.stop': (ctx) => reminders.askStop(ctx),
      'reminders.start': (ctx) => reminders.start(ctx),
      'reminders.list': (ctx) => reminders.list(ctx),
      handoff: (_ctx, _slots, tools) => tools.startFeature('petugas'),
      'data.mine': (_ctx, _slots, tools) => tools.startFeature('data-saya'),
      'data.delete': (ctx) => dataRights.askToDelete(ctx),
    },
  })
  const engine = createEngine({
    db,
    logger,
    clock,
    timeoutMinutes: config.CONVERSATION_TIMEOUT_MINUTES,
    contact: config.SECRETARIAT_CONTACT,
    features,
    fallback: understood.fallback,
    actions: [
      ...faq.actions,
      ...registration.actions,
      ...registrationFlow.actions,
      ...dataRights.actions,
      ...reminders.actions,
      understood.action,
    ],
    commands,
    cancelOutsideFlow: reminders.cancelOutsideFlow,
    onLanguageChange: reminders.languageChanged,
    flows: [...registration.flows, ...reminders.flows],
    intercept: live.intercept,
    onCommitted: live.committed,
  })
  return {
    db,
    engine,
    demo,
    vault,
    keys,
    authBox,
    blocking: createChatBlocking({ db, reminders: reminderSettings }),
    kb,
    handoffs: { actions: handoffActions, live, activity, calendar, settings: handoffSettings, files },
    prepareUnderstanding: () => secondOpinion?.prepare(),
    prepareUnderstandingInBackground: (worker: URL) => secondOpinion?.prepareInBackground(worker) ?? Promise.resolve(),
  }
}

/**
 * For entry points: the core, or one line (the broken content entry, or a data key that is not the
 * database's) and exit code 1.
 */
export async function openCoreOrExit(
  config: Config,
  logger: Logger,
  clock: () => Date,
  options: CoreOptions = {},
): Promise<Core> {
  try {
    return await openCore(config, logger, clock, options)
  } catch (error) {
    if (error instanceof FaqContentError) process.stderr.write(`Content error: ${error.message}\n`)
    else if (error instanceof DataKeyError) process.stderr.write(`Key error: ${error.message}\n`)
    else throw error
    process.exit(1)
  }
}
