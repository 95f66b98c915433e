/**
 * The personal requests of issue 20 (registrations, cancelling, reminders, certificates, deleting
 * data) wired into an engine the way the lead's dispatch calls them: each understood sentence of the
 * issue maps to its handler, the proof flows they start are known to the engine, and the typed
 * commands and choice actions are the real ones. The database, the NIK vault and the settings are
 * the test core's (in-memory SQLite, real migrations) on a fake clock.
 */
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { defaultFaqCacheDir, loadConfig } from '../../src/config.js'
import { createCertificateCheck } from '../../src/core/certificates/chat.js'
import type { LookupEntry } from '../../src/core/certificates/lookup-audit.js'
import { createEngine } from '../../src/core/engine.js'
import { createHandoffFlow } from '../../src/core/flows/handoff.js'
import { createWorkingCalendar } from '../../src/core/handoff/hours.js'
import { createProof } from '../../src/core/identity/proof.js'
import { createDataRights } from '../../src/core/privacy/data-rights.js'
import { createRegistrationCommands } from '../../src/core/registration/commands.js'
import { createReminderChat } from '../../src/core/reminders/chat.js'
import { normalizeInput } from '../../src/core/text/normalize.js'
import type { Outcome, TurnContext } from '../../src/core/turn.js'
import type { Db } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { handoffSettingsOf, reminderSettingsOf } from '../../src/settings.js'
import type { Channel } from '../../src/vocabulary/message.js'

/** The sentences of the issue, as the lead's dispatch reads them, and the call each becomes. */
type Understood = Record<string, (ctx: TurnContext) => Outcome>

export function personalEngine(clock: () => Date) {
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    DEMO_DATA: 'false',
    NODE_ENV: 'test',
    FAQ_CACHE_DIR: defaultFaqCacheDir(process.env),
    CERT_SIGNING_KEY: 'test-core-signing-key-0123456789abcdef',
  })
  const core = openCore(config, pino({ level: 'silent' }), clock, { codeChannelReady: () => true })
  const reminderSettings = reminderSettingsOf(config)
  const contact = config.SECRETARIAT_CONTACT
  const proof = createProof({
    vault: core.vault,
    reminders: reminderSettings,
    linkDays: config.IDENTITY_LINK_DAYS,
    codeChannelReady: () => true,
    handoff: createHandoffFlow({ contact, calendar: createWorkingCalendar(handoffSettingsOf(config)) }),
  })
  const registration = createRegistrationCommands({ offerHours: 12, reminders: reminderSettings, proof })
  const reminders = createReminderChat({ contact, reminders: reminderSettings, proof })
  const lookups: LookupEntry[] = []
  const certificates = createCertificateCheck({ clock, audit: { record: (entry) => lookups.push(entry) } })
  const dataRights = createDataRights({
    vault: core.vault,
    offerHours: 12,
    reminders: reminderSettings,
    proof,
    files: core.handoffs.files,
  })
  const understood: Understood = {
    'kode pendaftaran sy apa ya': registration.mine,
    'batalin pendaftaran sy dong': (ctx) => registration.cancel(ctx),
    'tolong batalkan bmt paul22 ya': (ctx) => registration.cancel(ctx, 'BMT-PAUL22'),
    'jangan kirim pengingat lagi': reminders.askStop,
    'nyalain pengingat lagi dong': reminders.start,
    'kapan ujian sy': reminders.list,
    'sertifikat lsps 2024 00123 asli gak': (ctx) => certificates.verify(ctx, 'LSPS202400123'),
    'sertifikat ini asli gak': (ctx) => certificates.verify(ctx),
    'hapus data saya dong': dataRights.askToDelete,
  }
  const engine = createEngine({
    db: core.db,
    logger: pino({ level: 'silent' }),
    clock,
    flows: [...registration.flows, ...reminders.flows, ...dataRights.flows, ...verifyFlowOf(certificates.feature)],
    actions: [...registration.actions, ...dataRights.actions, ...reminders.actions],
    commands: [...reminders.commands, ...registration.commands, ...dataRights.commands, certificates.command],
    cancelOutsideFlow: reminders.cancelOutsideFlow,
    fallback: (ctx, input) =>
      understood[normalizeInput(input.text)]?.(ctx) ?? { replies: [{ text: 'NOT UNDERSTOOD' }], next: null },
  })
  return { db: core.db, vault: core.vault, engine, lookups, reminderSettings }
}

/** The verify flow (what `verify` without a number starts). */
const verifyFlowOf = (feature: ReturnType<typeof createCertificateCheck>['feature']) => ('flow' in feature ? [feature.flow] : [])

/** Links a chat to a person as a proof an hour ago would have (not fresh for export or deletion). */
export function linkTo(db: Db, chat: { channel: Channel; id: string }, personId: number, now: Date): void {
  linkChat(db, {
    channel: chat.channel,
    userId: chat.id,
    chatId: chat.id,
    personId,
    language: 'id',
    now: new Date(now.getTime() - 3_600_000),
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    proved: true,
  })
}
