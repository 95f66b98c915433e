/**
 * vitest globalSetup for `npm run test:postgres`: one throw-away PostgreSQL server for the run and a
 * template database migrated once, which every core of a test copies (CREATE DATABASE … TEMPLATE is
 * a file copy, far quicker than migrating each). Does nothing on an SQLite run.
 */
import { migratePostgres } from '../../src/db/pg/migrate.js'
import { startPostgres } from './postgres.js'

declare module 'vitest' {
  interface ProvidedContext {
    postgresTemplate: string
  }
}

export default async function setup(project: {
  provide(key: 'postgresUrl' | 'postgresTemplate', value: string): void
}): Promise<(() => Promise<void>) | undefined> {
  if (process.env.KESOS_TEST_ENGINE !== 'postgres') return undefined
  const server = await startPostgres()
  try {
    const template = 'kesos_template'
    await migratePostgres(await server.createDatabase(template))
    project.provide('postgresUrl', server.url)
    project.provide('postgresTemplate', template)
    return server.stop
  } catch (error) {
    await server.stop()
    throw error
  }
}
