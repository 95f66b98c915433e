/**
 * The OpenAPI document at /api/v1/openapi.json: served without credentials, shaped as OpenAPI 3.1,
 * and describing exactly the routes the app serves under /api/v1 (each way round), so that a route
 * added or removed without its description fails here. Real answers are checked against the
 * document's schemas too.
 */
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { closeDatabase } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import { PublicCertificate, Session } from '../../src/web/openapi-schemas.js'
import { ADMIN_AUTH, ADMIN_TOKEN } from '../support/admin-api.js'
import { testCore } from '../support/core.js'
import { sessionsFile } from '../support/sessions-csv.js'
import { CERTS, type Fixture, verifyFixture } from '../support/verify-fixture.js'

type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>
  security?: Record<string, string[]>[]
  parameters?: { name: string; in: string }[]
}
type Document = {
  openapi: string
  info: { title: string; version: string }
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> }
}

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(() => closeDatabase(core.db))

/** The app as main.ts builds it, with every part of the API on. */
function fullApp() {
  return createWebApp({
    version: '9.9.9',
    logger: pino({ level: 'silent' }),
    clock: () => new Date('2026-11-23T02:00:00Z'),
    channels: () => ({}),
    checkDatabase: () => undefined,
    adminToken: ADMIN_TOKEN,
    admin: { db: core.db, reminders: DEFAULT_REMINDER_SETTINGS },
    verify: { db: core.db, signingKey: 'test-signing-key', ratePerMinute: 1000 },
  })
}

async function documentOf(app: Awaited<ReturnType<typeof createWebApp>>): Promise<Document> {
  const response = await app.request('/api/v1/openapi.json')
  expect(response.status).toBe(200)
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
  return (await response.json()) as Document
}

/** "GET /api/v1/admin/sessions/{id}/registrations" for every route with a handler under /api/v1. */
function servedRoutes(app: Awaited<ReturnType<typeof createWebApp>>): string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/v1/'))
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
  return [...new Set(routes)].sort()
}

function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort()
}

/** Every `$ref` in the document, wherever it is. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)))
}

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the server version, a bearer scheme, and answers whose every $ref resolves', async () => {
    const document = await documentOf(fullApp())
    expect(document.openapi).toBe('3.1.0')
    expect(document.info).toMatchObject({ title: expect.any(String), version: '9.9.9' })
    expect(document.components.securitySchemes.staffToken).toMatchObject({ type: 'http', scheme: 'bearer' })
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/api\/v1\//)
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0)
        for (const status of Object.keys(operation.responses)) expect(status).toMatch(/^[1-5]\d\d$/)
        for (const requirement of operation.security ?? [])
          for (const scheme of Object.keys(requirement)) expect(document.components.securitySchemes).toHaveProperty(scheme)
        // Every {parameter} of the path is described.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g))
          expect(operation.parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }))
      }
    }
    for (const ref of refsIn(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\//)
      expect(document.components.schemas).toHaveProperty(ref.replace('#/components/schemas/', ''))
    }
  })

  it('describes exactly the routes the app serves under /api/v1, each way round', async () => {
    const app = fullApp()
    const served = servedRoutes(app)
    expect(served).toContain('GET /api/v1/admin/sessions/{id}/registrations')
    expect(served).toContain('GET /api/v1/certificates/{number}')
    expect(documentedRoutes(await documentOf(app))).toEqual(served)
  })

  it('leaves out the parts a server does not serve (no verification, no admin API)', async () => {
    const app = createWebApp({
      version: '1',
      logger: pino({ level: 'silent' }),
      clock: () => new Date('2026-11-23T02:00:00Z'),
      channels: () => ({}),
      checkDatabase: () => undefined,
    })
    const document = await documentOf(app)
    expect(documentedRoutes(document)).toEqual(['GET /api/v1/openapi.json'])
    expect(documentedRoutes(document)).toEqual(servedRoutes(app))
  })

  it('names the error codes of each answer, e.g. 404 CERT_NOT_FOUND and the admin guard’s 401 and 403', async () => {
    const document = await documentOf(fullApp())
    const codes = (path: string, method: string, status: string) =>
      JSON.stringify(document.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema)
    expect(codes('/api/v1/certificates/{number}', 'get', '404')).toContain('CERT_NOT_FOUND')
    expect(codes('/api/v1/admin/sessions', 'get', '401')).toContain('TOKEN_REVOKED')
    expect(codes('/api/v1/admin/certificates', 'post', '403')).toContain('FORBIDDEN_ROLE')
    expect(codes('/api/v1/admin/sessions/{id}/registrations', 'get', '404')).toContain('SESSION_NOT_FOUND')
    expect(document.paths['/api/v1/admin/sessions']?.get?.security).toEqual([{ staffToken: [] }])
    expect(document.paths['/api/v1/certificates/{number}']?.get?.security).toBeUndefined()
  })

  it('lists the outbox statuses the reminders filter accepts, unknown (a crash while sending) apart from failed', async () => {
    const document = await documentOf(fullApp())
    const parameters = (document.paths['/api/v1/admin/reminders']?.get?.parameters ?? []) as {
      name: string
      schema?: { enum?: string[] }
    }[]
    const status = parameters.find((p) => p.name === 'status')
    expect(status?.schema?.enum).toEqual(expect.arrayContaining(['failed', 'unknown']))
  })
})

describe('the document’s schemas hold for real answers', () => {
  let verify: Fixture
  beforeEach(async () => {
    verify = await verifyFixture()
  })
  afterEach(() => verify.close())

  it('a certificate from /api/v1/certificates/<number>', async () => {
    const response = await verify.get(`/api/v1/certificates/${CERTS.revoked.displayNumber}`)
    expect(response.status).toBe(200)
    expect(PublicCertificate.strict().safeParse(await response.json()).error).toBeUndefined()
  })

  it('a session from /api/v1/admin/sessions', async () => {
    const imported = await importSessions(core.db, sessionsFile({}), {
      actor: 'test',
      now: new Date('2026-11-23T02:00:00Z'),
      reminders: DEFAULT_REMINDER_SETTINGS,
    })
    expect(imported.ok).toBe(true)
    const response = await fullApp().request('/api/v1/admin/sessions?all=true', { headers: ADMIN_AUTH })
    const body = (await response.json()) as { sessions: unknown[] }
    expect(body.sessions).toHaveLength(1)
    expect(Session.strict().safeParse(body.sessions[0]).error).toBeUndefined()
  })
})
