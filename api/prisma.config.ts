// Prisma CLI configuration (generate, db:diff). Uses the JavaScript schema engine through the
// better-sqlite3 driver adapter, which works offline: no native engine is downloaded.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Required by the JS engine, but neither `generate` nor `db:diff` opens a database, and the
  // product applies migrations itself (src/db/migrate.ts): an in-memory database is enough.
  adapter: async () => new PrismaBetterSQLite3({ url: ':memory:' }),
});
