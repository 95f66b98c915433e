/**
 * The test files `npm run test:postgres` runs on PostgreSQL (issue 24, phase 4): the list grows as
 * the storage code is made portable, until it is every file that touches the store.
 */
export const POSTGRES_FILES: string[] = ['test/faq/*.test.ts']
