import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { PrismaClient } from '../generated/prisma/client.ts';
import { ConnectionGate, gatedAdapter, markTransactionCallbacks } from './gate.ts';
import { type MigrationResult, migrateSqlite, readMigrations } from './migrate.ts';
import { connectPostgres, isPostgresUrl, migratePostgresUrl, postgresUrlFor } from './postgres.ts';

export type { PrismaClient };

export const DATABASE_FILE = 'omniflow.db';

export interface OpenedDatabase {
  prisma: PrismaClient;
  /** The SQLite file, or the PostgreSQL URL (DATABASE_URL); either one goes to connectDatabase. */
  file: string;
  migrations: MigrationResult;
}

/**
 * Opens (creating if needed) the SQLite database in `dataDir`, brings its schema up to date with
 * the committed migrations, then connects Prisma to it through the better-sqlite3 driver adapter.
 * With DATABASE_URL=postgresql://… the same for PostgreSQL (./postgres.ts, `migrationsDir` then
 * holds PostgreSQL migrations); the data dir still holds the engine's and web chat's own stores.
 */
export async function openDatabase(dataDir: string, migrationsDir?: string): Promise<OpenedDatabase> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const postgresUrl = postgresUrlFor(dir);
  if (postgresUrl) {
    const migrations = await migratePostgresUrl(postgresUrl, migrationsDir);
    return { prisma: await connectPostgres(postgresUrl), file: postgresUrl, migrations };
  }
  const file = join(dir, DATABASE_FILE);
  const db = new BetterSqlite3(file);
  let migrations: MigrationResult;
  try {
    migrations = migrateSqlite(db, readMigrations(migrationsDir));
  } finally {
    db.close();
  }
  const prisma = await connectDatabase(file);
  return { prisma, file, migrations };
}

/**
 * A Prisma client on its own SQLite connection, behind a gate (./gate.ts): while an interactive
 * or batch transaction is open, statements outside it wait instead of running inside it, and
 * other transactions wait their turn. Work that runs long transactions in the background
 * (imports) gets a client of its own, so requests do not wait behind them.
 */
export async function connectDatabase(file: string): Promise<PrismaClient> {
  if (isPostgresUrl(file)) return connectPostgres(file);
  const gate = new ConnectionGate();
  const prisma = new PrismaClient({ adapter: gatedAdapter(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }), gate) });
  markTransactionCallbacks(prisma, gate);
  await prisma.$connect();
  // WAL (set by the migration runner) with synchronous=NORMAL: a commit survives a process crash and
  // skips the fsync per transaction that FULL does; only an OS crash or power loss can roll back the
  // last commits, never corrupt the file. Autosaving a large draft costs a few ms instead of ten.
  await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  return prisma;
}
