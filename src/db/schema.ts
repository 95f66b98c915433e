/**
 * The database schema: the single source of truth. `npm run db:generate` turns changes here into
 * SQL migrations under migrations/ (committed, never edited by hand), applied at start-up.
 *
 * Times are stored as UTC milliseconds (`timestamp_ms`); every event that happens somewhere also
 * stores that place's IANA time zone so it can be told to a person in WIB/WITA/WIT.
 */
import { sql } from 'drizzle-orm'
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ANNOUNCEMENT_STATUSES, RECIPIENT_OUTCOMES, RECIPIENT_REACH } from '../vocabulary/announcements.js'
import { EXAM_KINDS } from '../vocabulary/events.js'
import { CHANNELS, LANGUAGES } from '../vocabulary/message.js'
import { REGION_CODES, STAFF_ROLES, STAFF_STATUSES } from '../vocabulary/staff.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../vocabulary/stages.js'

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`)
const updatedAt = () => integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`)

/** Key/value facts about this database (e.g. whether the demo dataset was loaded). */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
})

/** The six BBPPKS regional centres; editable data, not code (their numbering is unconfirmed). */
export const regions = sqliteTable('regions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  city: text('city').notNull(),
  timeZone: text('time_zone').notNull(),
  /** Kemendagri province codes this centre serves, comma-separated. */
  provinceCodes: text('province_codes').notNull().default(''),
  isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
})

/** A worker, volunteer or applicant. NIK is never stored in clear (see docs/privacy.md, "NIK"). */
export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fullName: text('full_name').notNull(),
    /** Keyed hash of the NIK, for lookup without revealing it. */
    nikHash: text('nik_hash'),
    /** NIK encrypted with DATA_ENCRYPTION_KEY, only where it must be shown back to its owner. */
    nikCiphertext: text('nik_ciphertext'),
    birthDate: text('birth_date'),
    phoneE164: text('phone_e164'),
    provinceCode: text('province_code'),
    regency: text('regency'),
    professionGroup: text('profession_group'),
    institution: text('institution'),
    timeZone: text('time_zone').notNull().default('Asia/Jakarta'),
    /**
     * The current stage of `certification_stages` (the latest reached, the later row on a tie), null
     * with none. Kept by the triggers of migration 0012 in the writer's transaction: never set it.
     */
    currentStage: text('current_stage').$type<CertificationStage>(),
    /** Every stage ever reached, as bits: bit i is `CERTIFICATION_STAGES[i]`. Kept by the same triggers. */
    stagesReached: integer('stages_reached').notNull().default(0),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('people_nik_hash_uq').on(t.nikHash),
    index('people_phone_idx').on(t.phoneE164),
    // The console scopes people by region, i.e. by the provinces a region serves.
    index('people_province_idx').on(t.provinceCode),
    // Covers the dashboard's people per stage and funnel (per province) without reading the rows.
    index('people_province_stage_idx').on(t.provinceCode, t.currentStage, t.stagesReached),
  ],
)

/** One person, many chats: each channel account a person writes from. */
export const channelIdentities = sqliteTable(
  'channel_identities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** The platform's user id (WhatsApp: the phone JID). */
    userId: text('user_id').notNull(),
    /** A second id of the same account (WhatsApp: the LID), learnt when a message reveals it. */
    altUserId: text('alt_user_id'),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    remindersEnabled: integer('reminders_enabled', { mode: 'boolean' }).notNull().default(true),
    /** Set when the platform says the user blocked us: nothing more is sent there. */
    blockedAt: integer('blocked_at', { mode: 'timestamp_ms' }),
    linkedAt: integer('linked_at', { mode: 'timestamp_ms' }),
    /**
     * The link ends here (IDENTITY_LINK_DAYS after the proof). A link without it was made before
     * proof needed a possession factor, so it counts as ended: the chat proves once more.
     */
    linkExpiresAt: integer('link_expires_at', { mode: 'timestamp_ms' }),
    /** When this chat last showed a possession factor (own number, one-time code): export and deletion want a fresh one. */
    provedAt: integer('proved_at', { mode: 'timestamp_ms' }),
    /** Since when this chat asked for no announcements (`stop info`); null = announcements on. Reminders are apart. */
    announcementsOffAt: integer('announcements_off_at', { mode: 'timestamp_ms' }),
    /**
     * When this chat account first wrote to the assistant. WhatsApp announcements go only to chats
     * that wrote first (a number that messages strangers gets banned); Telegram bots can only write
     * to users who started them anyway.
     */
    wroteAt: integer('wrote_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('channel_identities_user_uq').on(t.channel, t.userId),
    index('channel_identities_alt_idx').on(t.channel, t.altUserId),
    index('channel_identities_person_idx').on(t.personId),
    // The console's dashboard finds the person (and so the region) of a chat.
    index('channel_identities_chat_idx').on(t.channel, t.chatId),
  ],
)

/** Where each chat is in a conversation; `version` guards against lost updates. */
export const conversationStates = sqliteTable(
  'conversation_states',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    flow: text('flow'),
    step: text('step'),
    /** JSON: the fields a flow has collected and the options last offered. */
    data: text('data').notNull().default('{}'),
    version: integer('version').notNull().default(0),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.chatId] }),
    // Only the expiry job needs this, and only for chats inside a flow.
    index('conversation_states_open_flow_idx').on(t.updatedAt).where(sql`${t.flow} is not null`),
  ],
)

/**
 * Inbound message ids already answered, so a redelivered message gets no second answer. Keyed by
 * chat too: Telegram numbers messages per chat, so the same id turns up in every chat.
 */
export const processedMessages = sqliteTable(
  'processed_messages',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId, t.messageId] }), index('processed_messages_received_idx').on(t.receivedAt)],
)

export const SESSION_MODES = ['tatap_muka', 'daring'] as const

export const bimtekSessions = sqliteTable(
  'bimtek_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    timeZone: text('time_zone').notNull(),
    capacity: integer('capacity').notNull(),
    registrationOpensAt: integer('registration_opens_at', { mode: 'timestamp_ms' }).notNull(),
    registrationClosesAt: integer('registration_closes_at', { mode: 'timestamp_ms' }).notNull(),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    /** Cancelled by the secretariat (console): no longer offered in the chat, its registrations cancelled. */
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
    /** Why, as the registrants were told. */
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

export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'offered', 'cancelled'] as const

export const registrations = sqliteTable(
  'registrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => bimtekSessions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    status: text('status', { enum: REGISTRATION_STATUSES }).notNull(),
    /** Join order on the waiting list. */
    waitlistedAt: integer('waitlisted_at', { mode: 'timestamp_ms' }),
    offerExpiresAt: integer('offer_expires_at', { mode: 'timestamp_ms' }),
    attendedAt: integer('attended_at', { mode: 'timestamp_ms' }),
    /** When the person answered HADIR to a reminder: they said they will come. */
    attendanceConfirmedAt: integer('attendance_confirmed_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('registrations_person_session_uq').on(t.sessionId, t.personId),
    index('registrations_session_status_idx').on(t.sessionId, t.status),
    // The console's registrations per day.
    index('registrations_created_idx').on(t.createdAt),
  ],
)

export const EXAM_STATUSES = ['scheduled', 'cancelled'] as const

export const exams = sqliteTable(
  'exams',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The secretariat's schedule code (the exam import's key); a re-import with a new time moves the exam. */
    code: text('code'),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: EXAM_KINDS }).notNull(),
    status: text('status', { enum: EXAM_STATUSES }).notNull().default('scheduled'),
    mode: text('mode', { enum: SESSION_MODES }).notNull(),
    venue: text('venue'),
    meetingUrl: text('meeting_url'),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    timeZone: text('time_zone').notNull(),
    notes: text('notes'),
    /** What to bring or prepare, told in the reminders (a default per kind when empty). */
    preparation: text('preparation'),
    /** When the person answered HADIR to a reminder. */
    attendanceConfirmedAt: integer('attendance_confirmed_at', { mode: 'timestamp_ms' }),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('exams_code_uq').on(t.code),
    index('exams_person_idx').on(t.personId),
    index('exams_starts_idx').on(t.startsAt),
  ],
)

/** The certification path, in order: kept in src/vocabulary/stages.ts (the audience of an announcement names them too). */
export { CERTIFICATION_STAGES, type CertificationStage }

/** A person's certification history: one row per stage reached; the latest is current. */
export const certificationStages = sqliteTable(
  'certification_stages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    stage: text('stage', { enum: CERTIFICATION_STAGES }).notNull(),
    reachedAt: integer('reached_at', { mode: 'timestamp_ms' }).notNull(),
    /** A deadline attached to the stage, e.g. the portfolio due date. */
    dueAt: integer('due_at', { mode: 'timestamp_ms' }),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('certification_stages_person_idx').on(t.personId, t.reachedAt),
    // The console's Peserta lists everyone at a stage from that stage's rows (src/db/queries/console-people.ts).
    index('certification_stages_stage_idx').on(t.stage, t.personId),
  ],
)

export const CERTIFICATE_STATUSES = ['active', 'revoked', 'suspended'] as const

/** Issued certificates: public records, kept when a holder deletes their personal data. */
export const certificates = sqliteTable(
  'certificates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Normalised: upper case, no spaces or dashes. */
    number: text('number').notNull().unique(),
    /** As printed on the certificate. */
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
    statusChangedAt: integer('status_changed_at', { mode: 'timestamp_ms' }),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('certificates_person_idx').on(t.personId)],
)

/**
 * pending: waiting for its time. queued: taken by a delivery run into its paced send queue, not
 * tried yet (back to pending as soon as its dispatcher is gone). claimed: being sent right now.
 * sent; late: sent, but more than a few minutes after it was due (after downtime). failed (with
 * the reason); unknown: its dispatcher stopped (a crash) while sending it, so whether it reached
 * the person is not known; it is never sent a second time, and counted apart from failures.
 * skipped (with the reason: too late to be useful, the event started, the person blocked the
 * assistant…); cancelled (the event was cancelled or moved, or the person asked for no more reminders).
 */
export const OUTBOX_STATUSES = [
  'pending',
  'queued',
  'claimed',
  'sent',
  'late',
  'failed',
  'unknown',
  'skipped',
  'cancelled',
] as const
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number]

/** Proactive messages (reminders, waiting-list offers): sent at most once, never lost. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** For reminders: the event they are about (e.g. `registration:12`, `exam:5`, `portfolio:7`). */
    eventKey: text('event_key'),
    /** For reminders: which one of the event's reminders (e.g. `7d`, `1d`, `2h`). */
    label: text('label'),
    /** The person's IANA zone, for quiet hours (none: sent at any hour). */
    timeZone: text('time_zone'),
    /** JSON of the Reply to send. */
    payload: text('payload').notNull(),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    /** After this moment the message is pointless (e.g. the event started). */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    /** Which delivery run queued or claimed the row, so no other run sends it. */
    claimToken: text('claim_token'),
    /**
     * The dispatcher (`outbox_dispatchers.id`) whose run queued or claimed the row: when that
     * dispatcher is gone, its rows are taken back at once. Null when not queued or claimed.
     */
    claimedBy: text('claimed_by'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.dueAt),
    index('outbox_person_kind_idx').on(t.personId, t.kind),
    // Announcement rows by announcement and status (cancel, the daily cap, rolling to the next day); reminders pay nothing for it.
    index('outbox_announcement_idx').on(t.eventKey, t.status).where(sql`${t.kind} = 'announcement'`),
  ],
)

/**
 * How many outbox rows sent, sent late, failed or skipped there are per day (WIB), person's
 * province, channel, reminder or not, and status: the console's messages and reminders per day, read
 * in a few thousand rows rather than grouping a million. Kept by the triggers of migration 0012 on
 * outbox and people in the writer's transaction (a message reaching one of these statuses adds one;
 * waiting, queued, claimed and cancelled ones are not counted: the trigger only checks the status);
 * never written by the application. `province_code` is '' for a row with no person or a person with
 * no province. A count may be 0.
 */
export const outboxDays = sqliteTable(
  'outbox_days',
  {
    /** Whole days since 1970 in WIB: `(due_at + 7 h) / 24 h`. */
    day: integer('day').notNull(),
    provinceCode: text('province_code').notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    reminder: integer('reminder', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.provinceCode, t.channel, t.reminder, t.status] })],
)

/** Proof of consent under UU 27/2022: who agreed to what text, when, and when they withdrew. */
export const consentRecords = sqliteTable(
  'consent_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    purpose: text('purpose').notNull(),
    /** The record the consent was given for (e.g. a handoff request code), deleted with it. */
    reference: text('reference'),
    textVersion: text('text_version').notNull(),
    granted: integer('granted', { mode: 'boolean' }).notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    withdrawnAt: integer('withdrawn_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('consent_records_chat_idx').on(t.channel, t.chatId)],
)

/** Requests to talk to a person (menu 6), answered by the secretariat. */
/** The states of a request to talk to staff (docs/chat.md, "Bicara dengan petugas"). */
export const HANDOFF_STATUSES = ['waiting', 'open', 'closed'] as const
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number]

/**
 * Requests to talk to staff (menu 6), with the conversation's state: `waiting` (no staff yet),
 * `open` (a staff member took it), `closed`. While a chat has a live (`live`) waiting or open
 * request, the assistant does not answer it: its messages go to staff (handoff_messages). Requests
 * filed before live handoff existed have `live` = 0: they promised a phone call and never silence
 * the chat.
 */
export const handoffRequests = sqliteTable(
  'handoff_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    phoneE164: text('phone_e164'),
    topic: text('topic').notNull(),
    question: text('question').notNull(),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull().default('waiting'),
    live: integer('live', { mode: 'boolean' }).notNull().default(true),
    /** The BBPPKS region that answers it (the person's province); null: the centre (admin only). */
    regionId: integer('region_id').references(() => regions.id, { onDelete: 'set null' }),
    /** The chat's language when filed: the texts sent on close and the rating prompt. */
    language: text('language', { enum: LANGUAGES }).notNull().default('id'),
    assignedStaffId: integer('assigned_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    takenAt: integer('taken_at', { mode: 'timestamp_ms' }),
    firstStaffReplyAt: integer('first_staff_reply_at', { mode: 'timestamp_ms' }),
    lastPersonAt: integer('last_person_at', { mode: 'timestamp_ms' }),
    lastStaffAt: integer('last_staff_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
    closedBy: text('closed_by', { enum: ['person', 'staff', 'idle'] }),
    closedByStaffId: integer('closed_by_staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** When the one "forwarded to staff" acknowledgement was given (the first message after filing). */
    ackedAt: integer('acked_at', { mode: 'timestamp_ms' }),
    /** The next opening named by the last out-of-hours acknowledgement: no second one before it. */
    afterHoursAckUntil: integer('after_hours_ack_until', { mode: 'timestamp_ms' }),
    /** "selesai" was typed and the person was asked to confirm. */
    endAskedAt: integer('end_asked_at', { mode: 'timestamp_ms' }),
    /** Closed and the person asked to rate it: their next message may be the rating. */
    ratingPending: integer('rating_pending', { mode: 'boolean' }).notNull().default(false),
    rating: integer('rating'),
    ratedAt: integer('rated_at', { mode: 'timestamp_ms' }),
    /** When staff were last told it is still waiting (reset by a staff reply). */
    alertedAt: integer('alerted_at', { mode: 'timestamp_ms' }),
    /** Where it was posted in the staff's Telegram group: the group, its forum topic, the header post. */
    tgChatId: text('tg_chat_id'),
    tgTopicId: integer('tg_topic_id'),
    tgRootMessageId: integer('tg_root_message_id'),
  },
  (t) => [
    index('handoff_requests_status_idx').on(t.status, t.regionId, t.createdAt),
    // The engine's probe on every message: does this chat have a live handoff or a rating to give?
    index('handoff_requests_chat_live_idx')
      .on(t.channel, t.chatId)
      .where(sql`(${t.status} in ('waiting', 'open') and ${t.live} = 1) or ${t.ratingPending} = 1`),
    uniqueIndex('handoff_requests_one_live_idx')
      .on(t.channel, t.chatId)
      .where(sql`${t.status} in ('waiting', 'open') and ${t.live} = 1`),
    index('handoff_requests_tg_idx').on(t.tgChatId, t.tgTopicId),
  ],
)

/** Who wrote a message of a handoff's thread; `note` is staff's internal note, never sent to the person. */
export const HANDOFF_AUTHORS = ['person', 'staff', 'note', 'system'] as const
/** Where a message of the thread was written. */
export const HANDOFF_VIA = ['chat', 'console', 'telegram', 'cli', 'system'] as const

/**
 * The thread of a handoff: the person's messages, staff replies, internal notes and events (taken,
 * closed, rated). Part of the person's data: deleted with the handoff.
 */
export const handoffMessages = sqliteTable(
  'handoff_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffRequests.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    author: text('author', { enum: HANDOFF_AUTHORS }).notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** The staff member's name when written (the signature), kept if the account goes. */
    staffName: text('staff_name'),
    via: text('via', { enum: HANDOFF_VIA }).notNull(),
    text: text('text'),
    attachmentId: integer('attachment_id').references(() => handoffAttachments.id, { onDelete: 'set null' }),
    /** The platform's id of what it came from (a chat message id, a Telegram update id): redelivery adds nothing. */
    platformId: text('platform_id'),
    /** A staff reply's outbox row: its delivery status. */
    outboxId: integer('outbox_id'),
    /** Its copy in the staff group (a reply to it, in a group without topics, answers this handoff). */
    tgMessageId: integer('tg_message_id'),
    /** When it was posted to the staff group (set at once for what came from there: no echo). */
    relayedAt: integer('relayed_at', { mode: 'timestamp_ms' }),
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

/**
 * Photos and PDFs a person sent during a handoff (at most 5 MB each), sealed with a subkey of
 * DATA_ENCRYPTION_KEY: a copy of the database shows no document. Deleted with the handoff.
 */
export const handoffAttachments = sqliteTable(
  'handoff_attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffRequests.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['image', 'pdf'] }).notNull(),
    mimeType: text('mime_type').notNull(),
    fileName: text('file_name'),
    /** Bytes before sealing. */
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('handoff_attachments_handoff_idx').on(t.handoffId)],
)

/**
 * Posts in a staff Telegram group that must go because their handoff was erased or purged: written
 * before the delete, done by the staff-group relay (the topic, or each message without topics).
 */
export const handoffGroupCleanups = sqliteTable('handoff_group_cleanups', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  tgChatId: text('tg_chat_id').notNull(),
  tgTopicId: integer('tg_topic_id'),
  /** JSON array of message ids (a group without topics). */
  tgMessageIds: text('tg_message_ids').notNull().default('[]'),
  reason: text('reason', { enum: ['erasure', 'retention'] }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  doneAt: integer('done_at', { mode: 'timestamp_ms' }),
  attempts: integer('attempts').notNull().default(0),
})

/** Who did what to which record; holds no NIK, phone or birth date. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity'),
    entityId: text('entity_id'),
    details: text('details'),
  },
  // Log audit filters by actor or action and shows the newest first (src/db/queries/console-audit.ts).
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_at_idx').on(t.actor, t.at),
    index('audit_log_action_at_idx').on(t.action, t.at),
  ],
)

/**
 * The WhatsApp session (Baileys auth state): `creds` under type "creds", and every signal key
 * (pre-key, session, sender-key, app-state-sync-key, lid-mapping, device-list, tctoken, …) under
 * its type and id, each value JSON written with Baileys' BufferJSON and sealed with a subkey of
 * DATA_ENCRYPTION_KEY ("v1:…", see core/privacy/data-key.ts). Deleting these rows logs the number
 * out of this assistant.
 */
export const whatsappAuth = sqliteTable(
  'whatsapp_auth',
  {
    type: text('type').notNull(),
    id: text('id').notNull(),
    value: text('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.type, t.id] })],
)

/**
 * Tries to prove who one is in a chat (NIK or registration code, plus birth date): counted per
 * chat to lock it after too many failures. Holds no NIK, code or date, only the outcome.
 */
export const identityAttempts = sqliteTable(
  'identity_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    /**
     * A keyed hash of what was claimed (NIK or registration code), whether or not it is on record,
     * so that many chats cannot take turns on one person; never the NIK or code itself.
     */
    subject: text('subject'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    succeeded: integer('succeeded', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    index('identity_attempts_chat_idx').on(t.channel, t.chatId, t.at),
    index('identity_attempts_subject_idx').on(t.subject, t.at),
  ],
)

/**
 * One-time codes sent over WhatsApp to the phone on record, to prove a claim made in another chat.
 * Only a keyed hash of the code is kept; one code per person at a time.
 */
export const identityCodes = sqliteTable(
  'identity_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** The chat that asked: the code proves the claim there only. */
    channel: text('channel', { enum: CHANNELS }).notNull(),
    chatId: text('chat_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    tries: integer('tries').notNull().default(0),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('identity_codes_person_idx').on(t.personId, t.expiresAt)],
)

/**
 * Name checks on the public verification page, per certificate and calendar day (Jakarta): the
 * count that caps how often one holder's name can be guessed, kept in the database so a restart
 * or a second instance does not reset it. Rows of earlier days are deleted as new ones come.
 */
export const nameChecks = sqliteTable(
  'name_checks',
  {
    number: text('number').notNull(),
    day: text('day').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.number, t.day] })],
)

/**
 * The secretariat's staff accounts for the console (docs/console.md). The e-mail is kept in lower
 * case, so it is unique whatever case it is typed in; a `regional` account has its region, the
 * others none. No password hash until the one-time link is used; the TOTP secret is sealed with a
 * subkey of DATA_ENCRYPTION_KEY and counts only once `totp_enabled_at` is set (enrolment confirmed).
 */
export const staff = sqliteTable(
  'staff',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    region: text('region', { enum: REGION_CODES }),
    status: text('status', { enum: STAFF_STATUSES }).notNull().default('active'),
    /** argon2id, PHC string. */
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpEnabledAt: integer('totp_enabled_at', { mode: 'timestamp_ms' }),
    /** The time step of the last TOTP code accepted: a code is good once. */
    totpLastStep: integer('totp_last_step'),
    /** The Telegram account linked with /tautkan: what it writes in a staff group is relayed as this staff member. */
    telegramUserId: text('telegram_user_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('staff_email_uq').on(t.email),
    uniqueIndex('staff_telegram_uq').on(t.telegramUserId),
    check('staff_email_lower', sql`${t.email} = lower(${t.email})`),
    check('staff_region_role', sql`(${t.role} = 'regional') = (${t.region} is not null)`),
  ],
)

/**
 * Signed-in console sessions. The cookie holds a random id; only its SHA-256 is kept here, so a
 * copy of the database signs nobody in. A session unused for 30 minutes is over.
 */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId)],
)

/**
 * One-time links to set a password: an invitation or a reset (for a staff member), or the first
 * admin's (no account yet: the page asks for the name and e-mail). Only the SHA-256 of the token.
 */
export const staffLinks = sqliteTable(
  'staff_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    purpose: text('purpose', { enum: ['invite', 'reset', 'first-admin', 'telegram'] }).notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('staff_links_staff_idx').on(t.staffId)],
)

/**
 * Failed console sign-ins, per subject ("account:<e-mail>" or "client:<address>"), counted over a
 * window to throttle guessing; kept in the database so a restart does not reset the count.
 */
export const signInFailures = sqliteTable(
  'sign_in_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subject: text('subject').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sign_in_failures_subject_idx').on(t.subject, t.at)],
)

/**
 * Per-staff API tokens for /api/v1/admin (docs/http-api.md): a request with one acts as its staff
 * member with their current role and region. Only the SHA-256 of the token is kept (shown once at
 * creation); a revoked or expired token, or one of a disabled account, lets nobody in.
 */
export const staffApiTokens = sqliteTable(
  'staff_api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('staff_api_tokens_staff_idx').on(t.staffId)],
)

/** The kinds of CSV file the console's Impor data page takes (docs/import-formats.md). */
export const IMPORT_KINDS = ['sessions', 'status', 'certificates', 'exams'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/**
 * A file uploaded on the console's Impor data page, kept between its preview and the staff
 * member's confirmation (never in the page itself): deleted on confirm or cancel, unusable after
 * `expires_at` (an hour) and then deleted by the next upload or the retention job. A status or
 * exam file holds NIKs and names, hence the short life.
 */
export const pendingImports = sqliteTable(
  'pending_imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: IMPORT_KINDS }).notNull(),
    fileName: text('file_name').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    /** Hex SHA-256 of `content`: the confirmation imports exactly the file that was previewed. */
    sha256: text('sha256').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('pending_imports_staff_idx').on(t.staffId), index('pending_imports_expires_idx').on(t.expiresAt)],
)

/**
 * Announcements (docs/announcements.md): one text from the secretariat to an audience chosen by
 * criteria, queued as one outbox row per person and chat.
 */
export const announcements = sqliteTable(
  'announcements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Shown to staff and typed in the CLI, e.g. PGM-7K3Q2X. */
    code: text('code').notNull().unique(),
    status: text('status', { enum: ANNOUNCEMENT_STATUSES }).notNull().default('draft'),
    /** Who made it: `staff:<id>` (console) or `cli`. */
    actor: text('actor').notNull(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'set null' }),
    /** The maker's scope: their region (a regional account), null = every region. Lists and reports are scoped by it. */
    regionId: integer('region_id').references(() => regions.id),
    /** The AudienceCriteria as canonical JSON (keys and lists sorted). */
    criteria: text('criteria').notNull(),
    textId: text('text_id').notNull(),
    textEn: text('text_en'),
    /** Urgent: may arrive inside quiet hours. */
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    /** A scheduled wall-clock date (YYYY-MM-DD) and time (HH:MM), read in each recipient's zone; null = now. */
    localDate: text('local_date'),
    localTime: text('local_time'),
    /** When queuing starts (the earliest zone's moment); null = not scheduled. */
    startAt: integer('start_at', { mode: 'timestamp_ms' }),
    /** After this the message is pointless; rows not sent by then are skipped. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    /** Queuing goes in person id order: the last person queued, where a crash-interrupted queuing resumes. */
    queuedThrough: integer('queued_through').notNull().default(0),
    /** Hash of criteria, texts, schedule and scope: one announcement per key until it is done or cancelled (a second "send" meanwhile is refused; the same text later is a new announcement). */
    dedupeKey: text('dedupe_key').notNull(),
    /** Set when the WhatsApp daily cap stopped sending: when the rest goes (shown to staff). */
    rolledTo: integer('rolled_to', { mode: 'timestamp_ms' }),
    /** Totals frozen when done or cancelled (JSON), so they outlive the per-person rows' retention. */
    totals: text('totals'),
    queuedAt: integer('queued_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
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

/**
 * The per-person report of an announcement: one row per person and chat it queued, or one row with
 * channel and chat '' for a person it could not reach (and why). The outcome is copied from the
 * outbox row by the triggers of migration 0015; never written by the application after queuing.
 */
export const announcementRecipients = sqliteTable(
  'announcement_recipients',
  {
    announcementId: integer('announcement_id')
      .notNull()
      .references(() => announcements.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** 'telegram' | 'whatsapp', or '' when the person got no row. */
    channel: text('channel').notNull(),
    /** The chat the row went to ('' when none): a person may have two chats on one channel. */
    chatId: text('chat_id').notNull(),
    reach: text('reach', { enum: RECIPIENT_REACH }).notNull(),
    /** Null while queued or being sent. */
    outcome: text('outcome', { enum: RECIPIENT_OUTCOMES }),
    reason: text('reason'),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    primaryKey({ columns: [t.announcementId, t.personId, t.channel, t.chatId] }),
    index('announcement_recipients_outcome_idx').on(t.announcementId, t.reach, t.outcome),
    index('announcement_recipients_person_idx').on(t.personId),
  ],
)

/**
 * WhatsApp announcement sends started per WIB day: the daily cap's count (WHATSAPP_DAILY_CAP).
 * Kept by a trigger of migration 0015 when a row is claimed; never written by the application.
 */
export const outboxCapDays = sqliteTable(
  'outbox_cap_days',
  {
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** Whole days since 1970 in WIB: `(claimed_at + 7 h) / 24 h`. */
    day: integer('day').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.day] })],
)

/**
 * The processes that send the outbox (the server, a `reminders send` from the command line), each
 * while it runs: a row written at start, its heartbeat renewed every few seconds, deleted when it
 * stops cleanly. A dispatcher whose heartbeat is older than the limit (about 30 s), or whose process
 * is known to be gone, is gone: its queued rows go back to pending and the rows it was sending
 * become "unknown", at once, by whichever dispatcher notices first.
 */
export const outboxDispatchers = sqliteTable('outbox_dispatchers', {
  /** A random id per process start (the run identity). */
  id: text('id').primaryKey(),
  /** `server` or `cli`. */
  role: text('role').notNull(),
  /** The machine's host name and the process id: a restart on the same host knows its predecessor is gone. */
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  heartbeatAt: integer('heartbeat_at', { mode: 'timestamp_ms' }).notNull(),
})
