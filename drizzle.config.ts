import { defineConfig } from 'drizzle-kit'

// Only for generating migrations from src/db/schema.ts; the app applies them itself at start-up.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
