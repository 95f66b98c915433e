/**
 * The PostgreSQL mirror of src/db/schema.ts: the same tables, with the same property and column
 * names, indexes (partial ones with the same predicates), keys, foreign keys and checks. It exists
 * for drizzle-kit (`npm run db:generate` writes migrations/pg/ from it) and for the schema
 * equivalence test; the query code keeps using the SQLite tables, which drizzle renders for either
 * engine. src/db/schema.ts stays the source of truth: change a table there, then here, and
 * test/db/schema-equivalence.test.ts fails until both agree. (Drafted once by a script from the
 * SQLite tables, maintained by hand since; what each column means is said there, not repeated here.)
 *
 * Types mirror what SQLite stores rather than what PostgreSQL would suggest, so that the rows, the raw
 * SQL written against them (`live = 1`, `(due_at + 25200000) / 86400000`) and a row-by-row copy between
 * the engines need no translation: times are milliseconds since 1970 in a `bigint`, booleans 0/1 in an
 * `integer`, JSON stays `text`, blobs are `bytea`, and SQLite's AUTOINCREMENT is an identity column.
 */
import { sql } from 'drizzle-orm'
import { bigint, check, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { ANNOUNCEMENT_STATUSES, RECIPIENT_OUTCOMES, RECIPIENT_REACH } from '../../vocabulary/announcements.js'
import { EXAM_KINDS } from '../../vocabulary/events.js'
import { CHANNELS, LANGUAGES } from '../../vocabulary/message.js'
import { REGION_CODES, STAFF_ROLES, STAFF_STATUSES } from '../../vocabulary/staff.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../../vocabulary/stages.js'
import {
  CERTIFICATE_STATUSES,
  EXAM_STATUSES,
  HANDOFF_AUTHORS,
  HANDOFF_STATUSES,
  HANDOFF_VIA,
  IMPORT_KINDS,
  OUTBOX_STATUSES,
  REGISTRATION_STATUSES,
  SESSION_MODES,
} from '../schema.js'

/** A moment as milliseconds since 1970 (SQLite's `integer({ mode: 'timestamp_ms' })`): a `Date` in code. */
const msTimestamp = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
})
// drizzle-orm 0.45's pg-core has no bytea column: Buffers pass through node-postgres as they are.
const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })
/**
 * SQLite's `unixepoch('subsec') * 1000`, in whole milliseconds. SQLite reads the clock per statement;
 * clock_timestamp() is the nearest PostgreSQL has (now() would date every row of a transaction at its start).
 */
const PG_NOW = sql`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint`
const createdAt = () => msTimestamp('created_at').notNull().default(PG_NOW)
const updatedAt = () => msTimestamp('updated_at').notNull().default(PG_NOW)

export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
})

export const regions = pgTable('regions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  city: text('city').notNull(),
  timeZone: text('time_zone').notNull(),
  provinceCodes: text('province_codes').notNull().default(''),
  isDemo: integer('is_demo').notNull().default(0),
})

export const people = pgTable(
  'people',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fullName: text('full_name').notNull(),
    nikHash: text('nik_hash'),
    nikCiphertext: text('nik_ciphertext'),
    birthDate: text('birth_date'),
    phoneE164: text('phone_e164'),
    provinceCode: text('province_code'),
    regency: text('regency'),
    professionGroup: text('profession_group'),
    institution: text('institution'),
    timeZone: text('time_zone').notNull().default('Asia/Jakarta'),
    currentStage: text('current_stage').$type<CertificationStage>(),
    stagesReached: integer('stages_reached').notNull().default(0),
    isDemo: integer('is_demo').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('people_nik_hash_uq').on(t.nikHash),
    index('people_phone_idx').on(t.phoneE164),
    index('people_province_idx').on(t.provinceCode),
    index('people_province_stage_idx').on(t.provinceCode, t.currentStage, t.stagesReached),
  ],
)

export const channelIdentities = pgTable(
  'channel_identities',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    userId: text('user_id').notNull(),
    altUserId: text('alt_user_id'),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    remindersEnabled: integer('reminders_enabled').notNull().default(1),
    blockedAt: msTimestamp('blocked_at'),
    linkedAt: msTimestamp('linked_at'),
    linkExpiresAt: msTimestamp('link_expires_at'),
    provedAt: msTimestamp('proved_at'),
    announcementsOffAt: msTimestamp('announcements_off_at'),
    wroteAt: msTimestamp('wrote_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('channel_identities_user_uq').on(t.channel, t.userId),
    index('channel_identities_alt_idx').on(t.channel, t.altUserId),
    index('channel_identities_person_idx').on(t.personId),
    index('channel_identities_chat_idx').on(t.channel, t.chatId),
  ],
)

export const conversationStates = pgTable(
  'conversation_states',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    flow: text('flow'),
    step: text('step'),
    data: text('data').notNull().default('{}'),
    version: integer('version').notNull().default(0),
    updatedAt: msTimestamp('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.chatId] }),
    index('conversation_states_open_flow_idx').on(t.updatedAt).where(sql`${t.flow} is not null`),
  ],
)

export const processedMessages = pgTable(
  'processed_messages',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    receivedAt: msTimestamp('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId, t.messageId] }), index('processed_messages_received_idx').on(t.receivedAt)],
)

export const bimtekSessions = pgTable(
  'bimtek_sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    title: text('title').notNull(),
    targetGroup: text('target_group').notNull(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id),
    mode: text('mode', { enum: SESSION_MODES }).notNull(),
    venue: text('venue'),
    mapUrl: text('map_url'),
    meetingUrl: text('meeting_url'),
    provinceCode: text('province_code'),
    startsAt: msTimestamp('starts_at').notNull(),
    endsAt: msTimestamp('ends_at').notNull(),
    timeZone: text('time_zone').notNull(),
    capacity: integer('capacity').notNull(),
    registrationOpensAt: msTimestamp('registration_opens_at').notNull(),
    registrationClosesAt: msTimestamp('registration_closes_at').notNull(),
    isDemo: integer('is_demo').notNull().default(0),
    cancelledAt: msTimestamp('cancelled_at'),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('bimtek_sessions_starts_idx').on(t.startsAt),
    check('bimtek_sessions_capacity_ck', sql`${t.capacity} > 0`),
    check('bimtek_sessions_times_ck', sql`${t.endsAt} > ${t.startsAt}`),
  ],
)

export const registrations = pgTable(
  'registrations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => bimtekSessions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    status: text('status', { enum: REGISTRATION_STATUSES }).notNull(),
    waitlistedAt: msTimestamp('waitlisted_at'),
    offerExpiresAt: msTimestamp('offer_expires_at'),
    attendedAt: msTimestamp('attended_at'),
    attendanceConfirmedAt: msTimestamp('attendance_confirmed_at'),
    cancelledAt: msTimestamp('cancelled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('registrations_person_session_uq').on(t.sessionId, t.personId),
    index('registrations_session_status_idx').on(t.sessionId, t.status),
    index('registrations_created_idx').on(t.createdAt),
  ],
)

export const exams = pgTable(
  'exams',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code'),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: EXAM_KINDS }).notNull(),
    status: text('status', { enum: EXAM_STATUSES }).notNull().default('scheduled'),
    mode: text('mode', { enum: SESSION_MODES }).notNull(),
    venue: text('venue'),
    meetingUrl: text('meeting_url'),
    startsAt: msTimestamp('starts_at').notNull(),
    timeZone: text('time_zone').notNull(),
    notes: text('notes'),
    preparation: text('preparation'),
    attendanceConfirmedAt: msTimestamp('attendance_confirmed_at'),
    isDemo: integer('is_demo').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('exams_code_uq').on(t.code),
    index('exams_person_idx').on(t.personId),
    index('exams_starts_idx').on(t.startsAt),
  ],
)

export const certificationStages = pgTable(
  'certification_stages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    stage: text('stage', { enum: CERTIFICATION_STAGES }).notNull(),
    reachedAt: msTimestamp('reached_at').notNull(),
    dueAt: msTimestamp('due_at'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('certification_stages_person_idx').on(t.personId, t.reachedAt),
    index('certification_stages_stage_idx').on(t.stage, t.personId),
  ],
)

export const certificates = pgTable(
  'certificates',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull().unique(),
    displayNumber: text('display_number').notNull(),
    holderName: text('holder_name').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    nikHash: text('nik_hash'),
    scheme: text('scheme').notNull(),
    level: text('level'),
    issuer: text('issuer').notNull().default('LSP Kemensos'),
    issuedAt: text('issued_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    status: text('status', { enum: CERTIFICATE_STATUSES }).notNull().default('active'),
    statusReason: text('status_reason'),
    statusChangedAt: msTimestamp('status_changed_at'),
    isDemo: integer('is_demo').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('certificates_person_idx').on(t.personId)],
)

// The ids of outbox, handoff_messages and audit_log are bigint: one row per message or audited act,
// they are the ones that could outgrow 2^31 over the years (SQLite's integers are 8 bytes anyway).
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    eventKey: text('event_key'),
    label: text('label'),
    timeZone: text('time_zone'),
    payload: text('payload').notNull(),
    dueAt: msTimestamp('due_at').notNull(),
    expiresAt: msTimestamp('expires_at'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    claimedAt: msTimestamp('claimed_at'),
    claimToken: text('claim_token'),
    claimedBy: text('claimed_by'),
    sentAt: msTimestamp('sent_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.dueAt),
    index('outbox_person_kind_idx').on(t.personId, t.kind),
    index('outbox_announcement_idx').on(t.eventKey, t.status).where(sql`${t.kind} = 'announcement'`),
  ],
)

export const outboxDays = pgTable(
  'outbox_days',
  {
    day: integer('day').notNull(),
    provinceCode: text('province_code').notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    reminder: integer('reminder').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.provinceCode, t.channel, t.reminder, t.status] })],
)

export const consentRecords = pgTable(
  'consent_records',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    purpose: text('purpose').notNull(),
    reference: text('reference'),
    textVersion: text('text_version').notNull(),
    granted: integer('granted').notNull(),
    recordedAt: msTimestamp('recorded_at').notNull(),
    withdrawnAt: msTimestamp('withdrawn_at'),
  },
  (t) => [index('consent_records_chat_idx').on(t.channel, t.chatId)],
)

export const handoffRequests = pgTable(
  'handoff_requests',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    phoneE164: text('phone_e164'),
    topic: text('topic').notNull(),
    question: text('question').notNull(),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull().default('waiting'),
    live: integer('live').notNull().default(1),
    regionId: integer('region_id').references(() => regions.id, { onDelete: 'set null' }),
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    assignedStaffId: integer('assigned_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    takenAt: msTimestamp('taken_at'),
    firstStaffReplyAt: msTimestamp('first_staff_reply_at'),
    lastPersonAt: msTimestamp('last_person_at'),
    lastStaffAt: msTimestamp('last_staff_at'),
    createdAt: createdAt(),
    closedAt: msTimestamp('closed_at'),
    closedBy: text('closed_by', { enum: ['person', 'staff', 'idle'] }),
    closedByStaffId: integer('closed_by_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    ackedAt: msTimestamp('acked_at'),
    afterHoursAckUntil: msTimestamp('after_hours_ack_until'),
    endAskedAt: msTimestamp('end_asked_at'),
    ratingPending: integer('rating_pending').notNull().default(0),
    rating: integer('rating'),
    ratedAt: msTimestamp('rated_at'),
    alertedAt: msTimestamp('alerted_at'),
    tgChatId: text('tg_chat_id'),
    tgTopicId: integer('tg_topic_id'),
    tgRootMessageId: integer('tg_root_message_id'),
  },
  (t) => [
    index('handoff_requests_status_idx').on(t.status, t.regionId, t.createdAt),
    index('handoff_requests_chat_live_idx')
      .on(t.channel, t.chatId)
      .where(sql`(${t.status} in ('waiting', 'open') and ${t.live} = 1) or ${t.ratingPending} = 1`),
    uniqueIndex('handoff_requests_one_live_idx')
      .on(t.channel, t.chatId)
      .where(sql`${t.status} in ('waiting', 'open') and ${t.live} = 1`),
    index('handoff_requests_tg_idx').on(t.tgChatId, t.tgTopicId),
  ],
)

export const handoffMessages = pgTable(
  'handoff_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffRequests.id, { onDelete: 'cascade' }),
    at: msTimestamp('at').notNull(),
    author: text('author', { enum: HANDOFF_AUTHORS }).notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'set null' }),
    staffName: text('staff_name'),
    via: text('via', { enum: HANDOFF_VIA }).notNull(),
    text: text('text'),
    attachmentId: integer('attachment_id').references(() => handoffAttachments.id, { onDelete: 'set null' }),
    platformId: text('platform_id'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    tgMessageId: integer('tg_message_id'),
    relayedAt: msTimestamp('relayed_at'),
    relayAttempts: integer('relay_attempts').notNull().default(0),
    relayError: text('relay_error'),
  },
  (t) => [
    index('handoff_messages_thread_idx').on(t.handoffId, t.id),
    uniqueIndex('handoff_messages_platform_uq').on(t.handoffId, t.via, t.platformId),
    index('handoff_messages_relay_idx').on(t.id).where(sql`${t.relayedAt} is null`),
    index('handoff_messages_tg_idx').on(t.tgMessageId),
  ],
)

export const handoffAttachments = pgTable(
  'handoff_attachments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffRequests.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['image', 'pdf'] }).notNull(),
    mimeType: text('mime_type').notNull(),
    fileName: text('file_name'),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytes('content').notNull(),
    createdAt: msTimestamp('created_at').notNull(),
  },
  (t) => [index('handoff_attachments_handoff_idx').on(t.handoffId)],
)

export const handoffGroupCleanups = pgTable('handoff_group_cleanups', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  tgChatId: text('tg_chat_id').notNull(),
  tgTopicId: integer('tg_topic_id'),
  tgMessageIds: text('tg_message_ids').notNull().default('[]'),
  reason: text('reason', { enum: ['erasure', 'retention'] }).notNull(),
  createdAt: msTimestamp('created_at').notNull(),
  doneAt: msTimestamp('done_at'),
  attempts: integer('attempts').notNull().default(0),
})

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: msTimestamp('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity'),
    entityId: text('entity_id'),
    details: text('details'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_at_idx').on(t.actor, t.at),
    index('audit_log_action_at_idx').on(t.action, t.at),
  ],
)

export const whatsappAuth = pgTable(
  'whatsapp_auth',
  {
    type: text('type').notNull(),
    id: text('id').notNull(),
    value: text('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.type, t.id] })],
)

export const identityAttempts = pgTable(
  'identity_attempts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    subject: text('subject'),
    at: msTimestamp('at').notNull(),
    succeeded: integer('succeeded').notNull(),
  },
  (t) => [
    index('identity_attempts_chat_idx').on(t.channel, t.chatId, t.at),
    index('identity_attempts_subject_idx').on(t.subject, t.at),
  ],
)

export const identityCodes = pgTable(
  'identity_codes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: msTimestamp('created_at').notNull(),
    expiresAt: msTimestamp('expires_at').notNull(),
    tries: integer('tries').notNull().default(0),
    usedAt: msTimestamp('used_at'),
  },
  (t) => [index('identity_codes_person_idx').on(t.personId, t.expiresAt)],
)

export const nameChecks = pgTable(
  'name_checks',
  {
    number: text('number').notNull(),
    day: text('day').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.number, t.day] })],
)

export const staff = pgTable(
  'staff',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    region: text('region', { enum: REGION_CODES }),
    status: text('status', { enum: STAFF_STATUSES }).notNull().default('active'),
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpEnabledAt: msTimestamp('totp_enabled_at'),
    totpLastStep: integer('totp_last_step'),
    telegramUserId: text('telegram_user_id'),
    createdAt: msTimestamp('created_at').notNull(),
    updatedAt: msTimestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('staff_email_uq').on(t.email),
    uniqueIndex('staff_telegram_uq').on(t.telegramUserId),
    check('staff_email_lower', sql`${t.email} = lower(${t.email})`),
    check('staff_region_role', sql`(${t.role} = 'regional') = (${t.region} is not null)`),
  ],
)

export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: msTimestamp('created_at').notNull(),
    lastSeenAt: msTimestamp('last_seen_at').notNull(),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId)],
)

export const staffLinks = pgTable(
  'staff_links',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull().unique(),
    purpose: text('purpose', { enum: ['invite', 'reset', 'first-admin', 'telegram'] }).notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: msTimestamp('created_at').notNull(),
    expiresAt: msTimestamp('expires_at').notNull(),
    usedAt: msTimestamp('used_at'),
  },
  (t) => [index('staff_links_staff_idx').on(t.staffId)],
)

export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    subject: text('subject').notNull(),
    at: msTimestamp('at').notNull(),
  },
  (t) => [index('sign_in_failures_subject_idx').on(t.subject, t.at)],
)

export const staffApiTokens = pgTable(
  'staff_api_tokens',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: msTimestamp('created_at').notNull(),
    lastUsedAt: msTimestamp('last_used_at'),
    expiresAt: msTimestamp('expires_at'),
    revokedAt: msTimestamp('revoked_at'),
  },
  (t) => [index('staff_api_tokens_staff_idx').on(t.staffId)],
)

export const pendingImports = pgTable(
  'pending_imports',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: IMPORT_KINDS }).notNull(),
    fileName: text('file_name').notNull(),
    content: bytes('content').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: msTimestamp('created_at').notNull(),
    expiresAt: msTimestamp('expires_at').notNull(),
  },
  (t) => [index('pending_imports_staff_idx').on(t.staffId), index('pending_imports_expires_idx').on(t.expiresAt)],
)

export const announcements = pgTable(
  'announcements',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    status: text('status', { enum: ANNOUNCEMENT_STATUSES }).notNull().default('draft'),
    actor: text('actor').notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'set null' }),
    regionId: integer('region_id').references(() => regions.id),
    criteria: text('criteria').notNull(),
    textId: text('text_id').notNull(),
    textEn: text('text_en'),
    urgent: integer('urgent').notNull().default(0),
    localDate: text('local_date'),
    localTime: text('local_time'),
    startAt: msTimestamp('start_at'),
    expiresAt: msTimestamp('expires_at'),
    queuedThrough: integer('queued_through').notNull().default(0),
    dedupeKey: text('dedupe_key').notNull(),
    rolledTo: msTimestamp('rolled_to'),
    totals: text('totals'),
    queuedAt: msTimestamp('queued_at'),
    finishedAt: msTimestamp('finished_at'),
    cancelledAt: msTimestamp('cancelled_at'),
    cancelledBy: text('cancelled_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('announcements_status_idx').on(t.status, t.startAt),
    index('announcements_region_created_idx').on(t.regionId, t.createdAt),
    uniqueIndex('announcements_dedupe_uq').on(t.dedupeKey).where(sql`${t.status} not in ('done', 'cancelled')`),
  ],
)

export const announcementRecipients = pgTable(
  'announcement_recipients',
  {
    announcementId: integer('announcement_id')
      .notNull()
      .references(() => announcements.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    reach: text('reach', { enum: RECIPIENT_REACH }).notNull(),
    outcome: text('outcome', { enum: RECIPIENT_OUTCOMES }),
    reason: text('reason'),
    dueAt: msTimestamp('due_at'),
    sentAt: msTimestamp('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.announcementId, t.personId, t.channel, t.chatId] }),
    index('announcement_recipients_outcome_idx').on(t.announcementId, t.reach, t.outcome),
    index('announcement_recipients_person_idx').on(t.personId),
  ],
)

export const outboxCapDays = pgTable(
  'outbox_cap_days',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    day: integer('day').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.day] })],
)

export const outboxDispatchers = pgTable('outbox_dispatchers', {
  id: text('id').primaryKey(),
  role: text('role').notNull(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: msTimestamp('started_at').notNull(),
  heartbeatAt: msTimestamp('heartbeat_at').notNull(),
})
