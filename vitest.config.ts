import { defineConfig } from 'vitest/config'
import { POSTGRES_FILES } from './test/support/postgres-files.js'

// KESOS_TEST_ENGINE=postgres (npm run test:postgres): the files made portable so far, on PostgreSQL.
const onPostgres = process.env.KESOS_TEST_ENGINE === 'postgres'

export default defineConfig({
  test: {
    // KESOS_TEST_ANY_FILE=1 lets a PostgreSQL run take any file named on the command line (to port one).
    include: onPostgres && !process.env.KESOS_TEST_ANY_FILE ? POSTGRES_FILES : ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    globalSetup: ['test/support/global-setup.ts', 'test/support/postgres-engine-setup.ts'],
    // Fails a test that leaves a transaction open across a turn of the event loop.
    setupFiles: ['test/support/held-transactions.ts'],
  },
})
