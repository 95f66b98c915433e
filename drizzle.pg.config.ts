import { defineConfig } from 'drizzle-kit'

// The PostgreSQL migrations, from src/db/pg/schema.ts (the mirror of src/db/schema.ts) into
// migrations/pg/; `npm run db:generate` runs this after the SQLite one. The app applies them itself
// (src/db/pg/migrate.ts). Only for generating: no database is contacted.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations/pg',
})
