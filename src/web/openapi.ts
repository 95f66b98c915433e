/**
 * The HTTP API's OpenAPI 3.1 document, served at /api/v1/openapi.json: the public certificate
 * lookup and the admin API with its bearer tokens (per-staff `kst_…`; ADMIN_TOKEN deprecated),
 * the roles each route needs, and the JSON error codes of each answer. The handlers keep their own
 * code (the verification API is written for speed, see verify-api.ts); the routes are described
 * here with @hono/zod-openapi's `createRoute`, and test/web/openapi.test.ts holds the document and
 * the routes the app serves to each other, so neither can drift.
 */
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import { OUTBOX_STATUSES } from '../db/schema.js'
import { EVENT_KINDS } from '../vocabulary/events.js'
import { CHANNELS } from '../vocabulary/message.js'
import { MAX_REMINDER_PAGE } from './admin-reminders.js'
import {
  CertificatesImported,
  ExamsImported,
  errorBody,
  ImportRejected,
  PublicCertificate,
  Registration,
  Reminder,
  RemindersSummary,
  Session,
  SessionsImported,
} from './openapi-schemas.js'

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const error = (description: string, ...codes: [string, ...string[]]) => json(errorBody(codes), description)
const csvOr = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } },
})

const format = z.enum(['json', 'csv']).optional().openapi({ description: 'csv: a file for a spreadsheet (UTF-8 with BOM).' })
const dryRun = z
  .enum(['true', 'false'])
  .optional()
  .openapi({ description: 'true: check the file against what is stored and write nothing; the answer is the real one’s.' })

const CSV_BODY = { content: { 'text/csv': { schema: z.string() } }, required: true } as const

/** What every admin route may answer before it runs: the guard's refusals. */
const guarded = {
  401: error(
    'No token, an unknown one (UNAUTHORIZED), a revoked or expired one, or one of a disabled account',
    'UNAUTHORIZED',
    'TOKEN_REVOKED',
    'TOKEN_EXPIRED',
    'STAFF_DISABLED',
  ),
  429: error('Too many unknown tokens from this address; Retry-After says for how long', 'TOO_MANY_ATTEMPTS'),
} as const

const forbidden = (roles: string) => error(`The caller's role is not ${roles}`, 'FORBIDDEN_ROLE')

const importResponses = {
  400: error('dry_run is neither true nor false', 'INVALID_DRY_RUN'),
  403: forbidden('admin'),
  413: error('The file is larger than 5 MB', 'PAYLOAD_TOO_LARGE'),
  415: error('The body is not sent as text/csv', 'UNSUPPORTED_MEDIA_TYPE'),
  422: { description: 'Rows were refused; nothing was written', content: { 'application/json': { schema: ImportRejected } } },
  ...guarded,
} as const

const admin = (route: Omit<RouteConfig, 'security' | 'tags'>, roles: string) =>
  createRoute({
    ...route,
    tags: ['admin'],
    security: [{ staffToken: [] }],
    description: `${route.description ?? ''}\n\nRoles: ${roles}.`.trim(),
  })

const PUBLIC_ROUTES = [
  createRoute({
    method: 'get',
    path: '/api/v1/openapi.json',
    tags: ['public'],
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: z.object({}) } } } },
  }),
]

const VERIFY_ROUTES = [
  createRoute({
    method: 'get',
    path: '/api/v1/certificates/{number}',
    tags: ['public'],
    summary: 'A certificate’s public record',
    description: 'The holder’s name is masked. Rate-limited per client address, together with the /verifikasi page.',
    request: { params: z.object({ number: z.string().openapi({ example: 'LSPS-2025-00042' }) }) },
    responses: {
      200: json(PublicCertificate, 'The certificate, and its status now'),
      400: error('Not a certificate number', 'INVALID_NUMBER'),
      404: error('No certificate has this number', 'CERT_NOT_FOUND'),
      429: error('Too many lookups from this address; Retry-After says for how long', 'RATE_LIMITED'),
    },
  }),
]

const ADMIN_ROUTES = [
  admin(
    {
      method: 'get',
      path: '/api/v1/admin/sessions',
      summary: 'Bimtek sessions',
      description: 'Those not over yet, by start time (all=true: finished ones too). A regional token: its region’s only.',
      request: { query: z.object({ format, all: z.enum(['true', 'false']).optional() }) },
      responses: {
        200: csvOr(z.object({ sessions: z.array(Session) }), 'The sessions with their seat counts'),
        400: error('format is neither json nor csv', 'INVALID_FORMAT'),
        ...guarded,
      },
    },
    'admin, regional (its region), viewer',
  ),
  admin(
    {
      method: 'get',
      path: '/api/v1/admin/sessions/{id}/registrations',
      summary: 'Who registered for a session',
      description: 'Names and phone numbers: each download is audited with the caller.',
      request: { params: z.object({ id: z.string().openapi({ example: '12' }) }), query: z.object({ format }) },
      responses: {
        200: csvOr(z.object({ session: Session, registrations: z.array(Registration) }), 'The session and its registrations'),
        400: error('format is neither json nor csv, or the id is not a positive whole number', 'INVALID_FORMAT', 'INVALID_ID'),
        403: forbidden('admin or regional'),
        404: error('No such session (or another region’s, for a regional token)', 'SESSION_NOT_FOUND'),
        ...guarded,
      },
    },
    'admin, regional (its region)',
  ),
  admin(
    {
      method: 'post',
      path: '/api/v1/admin/sessions',
      summary: 'Load a sessions file',
      description: 'All rows or none, as `npm run cli -- sessions import`.',
      request: { query: z.object({ dry_run: dryRun }), body: CSV_BODY },
      responses: { 200: json(SessionsImported, 'The file was loaded (or checked)'), ...importResponses },
    },
    'admin',
  ),
  admin(
    {
      method: 'post',
      path: '/api/v1/admin/certificates',
      summary: 'Load a certificates file',
      description: 'All rows or none, as `npm run cli -- certificates import`.',
      request: { query: z.object({ dry_run: dryRun }), body: CSV_BODY },
      responses: { 200: json(CertificatesImported, 'The file was loaded (or checked)'), ...importResponses },
    },
    'admin',
  ),
  admin(
    {
      method: 'post',
      path: '/api/v1/admin/exams',
      summary: 'Load an exams file',
      description: 'All rows or none, as `npm run cli -- exams import`; the reminders of the people concerned are planned again.',
      request: { query: z.object({ dry_run: dryRun }), body: CSV_BODY },
      responses: {
        200: json(ExamsImported, 'The file was loaded (or checked)'),
        ...importResponses,
        503: error('The server has no NIK key', 'NIK_KEY_UNAVAILABLE'),
      },
    },
    'admin',
  ),
  admin(
    {
      method: 'get',
      path: '/api/v1/admin/reminders',
      summary: 'Reminders and their delivery',
      description: 'Soonest due first; `next` is the cursor of the following page. A regional token: its region’s people only.',
      request: {
        query: z.object({
          status: z
            .enum(OUTBOX_STATUSES)
            .optional()
            .openapi({ description: 'An outbox status; `unknown` is counted apart from `failed` (see Reminder.status)' }),
          channel: z.enum(CHANNELS).optional(),
          kind: z.enum(EVENT_KINDS).optional(),
          event: z.string().optional().openapi({ example: 'exam:5' }),
          person: z.string().optional().openapi({ description: 'A person id' }),
          limit: z
            .string()
            .optional()
            .openapi({ description: `1 to ${MAX_REMINDER_PAGE}` }),
          cursor: z.string().optional(),
        }),
      },
      responses: {
        200: json(z.object({ reminders: z.array(Reminder), next: z.string().nullable() }), 'One page of reminders'),
        400: error('A parameter is unknown, repeated or not valid', 'INVALID_QUERY'),
        ...guarded,
      },
    },
    'admin, regional (its region), viewer',
  ),
  admin(
    {
      method: 'get',
      path: '/api/v1/admin/reminders/summary',
      summary: 'Outbox rows per status',
      description: 'A regional token: the rows of its region’s people only.',
      responses: {
        200: json(RemindersSummary, 'Counts per status, and the earliest pending due time'),
        ...guarded,
      },
    },
    'admin, regional (its region), viewer',
  ),
]

/** Which parts of the API the app serves (as createWebApp mounts them). */
export type ApiParts = { verify: boolean; admin: boolean }

/** The OpenAPI 3.1 document of the routes the app serves. */
export function openApiDocument(version: string, parts: ApiParts) {
  const spec = new OpenAPIHono()
  spec.openAPIRegistry.registerComponent('securitySchemes', 'staffToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A staff API token (kst_…), made on the console’s Staf or Keamanan akun page or with `npm run cli -- staff token`; it acts with its staff member’s current role and region. ADMIN_TOKEN is still accepted as an admin (deprecated: answers carry a Deprecation header).',
  })
  const routes = [...PUBLIC_ROUTES, ...(parts.verify ? VERIFY_ROUTES : []), ...(parts.admin ? ADMIN_ROUTES : [])]
  for (const route of routes) spec.openAPIRegistry.registerPath(route)
  return spec.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'kesos-assistant HTTP API',
      version,
      description:
        'Certificate verification (public) and the secretariat’s admin API. Errors are JSON: {"error": {"code": "…", "message": "…"}}.',
    },
    tags: [
      { name: 'public', description: 'No credentials' },
      { name: 'admin', description: 'A staff API token; each route names the roles it serves' },
    ],
  })
}
