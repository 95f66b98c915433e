/**
 * The shapes of the HTTP API's answers for its OpenAPI document (openapi.ts), written with
 * @hono/zod-openapi's `z` so each becomes a named component. They describe what the handlers
 * (verify-api.ts, admin-api.ts, admin-reminders.ts) write; the views themselves stay in the core.
 */
import { z } from '@hono/zod-openapi'
import { OUTBOX_STATUSES, REGISTRATION_STATUSES, SESSION_MODES } from '../db/schema.js'
import { EVENT_KINDS } from '../vocabulary/events.js'
import { CHANNELS } from '../vocabulary/message.js'

const instant = z.iso.datetime().openapi({ example: '2026-12-01T02:00:00.000Z' })

/** An error answer whose `code` is one of `codes`. */
export const errorBody = (codes: readonly [string, ...string[]]) =>
  z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string().optional().openapi({ description: 'For people reading it; the code is what scripts test.' }),
    }),
  })

export const ImportRejected = z
  .object({
    error: z.object({
      code: z.literal('IMPORT_REJECTED'),
      message: z.string(),
      rows: z.array(
        z.object({
          line: z.int().openapi({ description: 'The line of the file (the header is line 1).' }),
          column: z.string().optional(),
          message: z.string(),
        }),
      ),
    }),
  })
  .openapi('ImportRejected', { description: 'Every bad row of the file; nothing was written.' })

export const PublicCertificate = z
  .object({
    number: z.string().openapi({ example: 'LSPS-2025-00042' }),
    holderName: z.string().openapi({ description: 'Masked: the first letters of each name.', example: 'Sit* Rah***' }),
    scheme: z.string(),
    level: z.string().nullable(),
    issuer: z.string(),
    issuedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    status: z.enum(['valid', 'expired', 'revoked', 'suspended']),
    statusReason: z.string().nullable().openapi({ description: 'Only for a revoked or suspended certificate.' }),
  })
  .openapi('PublicCertificate')

export const Session = z
  .object({
    id: z.int(),
    code: z.string(),
    title: z.string(),
    targetGroup: z.string().nullable(),
    regionCode: z.string(),
    regionName: z.string(),
    regionCity: z.string().nullable(),
    mode: z.enum(SESSION_MODES),
    venue: z.string().nullable(),
    mapUrl: z.string().nullable(),
    meetingUrl: z.string().nullable(),
    provinceCode: z.string().nullable(),
    provinceName: z.string().nullable(),
    startsAt: instant,
    endsAt: instant,
    timeZone: z.string().openapi({ example: 'Asia/Jakarta' }),
    capacity: z.int(),
    registrationOpensAt: instant,
    registrationClosesAt: instant,
    confirmed: z.int(),
    offered: z.int(),
    waitlisted: z.int(),
    seatsLeft: z.int().openapi({ description: '0 for a cancelled session' }),
    cancelledAt: instant.nullable().openapi({ description: 'When the secretariat cancelled the session (null: not cancelled)' }),
    cancelReason: z.string().nullable(),
    isDemo: z.boolean(),
  })
  .openapi('Session')

export const Registration = z
  .object({
    code: z.string(),
    status: z.enum(REGISTRATION_STATUSES),
    waitlistPosition: z.int().nullable(),
    fullName: z.string(),
    phone: z.string().nullable().openapi({ description: 'E.164' }),
    professionGroup: z.string().nullable(),
    institution: z.string().nullable(),
    provinceCode: z.string().nullable(),
    provinceName: z.string().nullable(),
    createdAt: instant,
  })
  .openapi('Registration')

export const Reminder = z
  .object({
    id: z.int(),
    status: z.enum(OUTBOX_STATUSES).openapi({
      description:
        '`unknown`: the server stopped while sending it, so it may or may not have arrived; it is never sent again on its own, and is not a failure (`failed`).',
    }),
    kind: z.enum(EVENT_KINDS).nullable(),
    eventKey: z.string().nullable(),
    label: z.string().nullable(),
    channel: z.enum(CHANNELS),
    chat: z.string().openapi({ description: 'Masked: never a whole phone number or chat id.', example: '+62 812-****-7890' }),
    dueAt: instant,
    expiresAt: instant.nullable(),
    sentAt: instant.nullable(),
    attempts: z.int(),
    reason: z.string().nullable(),
  })
  .openapi('Reminder')

const statusCounts = z.object(Object.fromEntries(OUTBOX_STATUSES.map((status) => [status, z.int()])))

export const RemindersSummary = z
  .object({
    counts: z.object({ all: statusCounts, reminders: statusCounts }),
    nextDueAt: z.object({ all: instant.nullable(), reminders: instant.nullable() }),
  })
  .openapi('RemindersSummary')

const dryRun = z.literal(true).optional().openapi({ description: 'Present when the file was only checked (?dry_run=true).' })

export const SessionsImported = z.object({ inserted: z.int(), updated: z.int(), dryRun }).openapi('SessionsImported')
export const CertificatesImported = z
  .object({ inserted: z.int(), updated: z.int(), unchanged: z.int(), linked: z.int(), dryRun })
  .openapi('CertificatesImported')
export const ExamsImported = z
  .object({
    inserted: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    reminders: z.object({ queued: z.int(), updated: z.int(), cancelled: z.int() }),
    dryRun,
  })
  .openapi('ExamsImported')
