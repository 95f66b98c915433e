import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Fails a test that leaves a transaction open across a turn of the event loop.
    setupFiles: ['test/support/held-transactions.ts'],
  },
})
