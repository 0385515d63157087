import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { PrismaClient as PostgresPrismaClient } from '../generated/prisma-pg/client.ts';
import { DEFAULT_POSTGRES_MIGRATIONS_DIR, type MigrationResult, migratePostgres, readMigrations } from './migrate.ts';

// The PostgreSQL store, chosen by DATABASE_URL=postgresql://… (see docs/postgres.md). Prisma needs a
// client generated for the provider (src/generated/prisma-pg, from the pg twin of the one schema);
// the api is typed against the SQLite client, whose query inputs are a subset of the pg client's
// (the pg one only adds skipDuplicates, `mode` and field references), so every query it writes is
// valid on both. No connection gate here: the pool gives each transaction its own connection.

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

export interface PostgresTarget {
  /** The URL pg connects with (without Prisma's `schema` parameter). */
  connectionString: string;
  /** The schema Omniflow's tables live in (`?schema=` in the URL, default public). */
  schema: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Splits DATABASE_URL into pg's connection string and the schema; a bad value names the variable. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a valid URL (expected postgresql://user:password@host:port/database).');
  }
  if (!isPostgresUrl(url))
    throw new DatabaseUrlError(`DATABASE_URL must start with postgresql:// (got "${parsed.protocol}"); unset it to use the SQLite file.`);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new DatabaseUrlError(`DATABASE_URL: schema "${schema}" must be a plain identifier (letters, digits, "_").`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** `url` with its `schema` parameter set to `schema`. */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/**
 * The PostgreSQL URL the data dir `dataDir` uses, or null for the SQLite file. With
 * OMNIFLOW_PG_SCHEMA_PER_DATA_DIR=1 (the test suites on Postgres) each data dir gets a schema of its
 * own, named after the dir, so tests that each start on a fresh dir stay apart on one database and
 * a restart on the same dir finds its data again.
 */
export function postgresUrlFor(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.DATABASE_URL?.trim();
  if (!url) return null;
  parsePostgresUrl(url);
  if (env.OMNIFLOW_PG_SCHEMA_PER_DATA_DIR !== '1') return url;
  return withSchema(url, `dir_${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24)}`);
}

/** `url` with its password hidden, for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Creates the schema if needed and applies the pending PostgreSQL migrations to it. */
export async function migratePostgresUrl(url: string, migrationsDir?: string): Promise<MigrationResult> {
  const target = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`).catch((e: unknown) => {
      // Two instances creating it at once: the loser's unique violation means it exists.
      if ((e as { code?: string }).code !== '23505') throw e;
    });
    await client.query(`SET search_path TO "${target.schema}"`);
    return await migratePostgres(client, readMigrations(migrationsDir ?? DEFAULT_POSTGRES_MIGRATIONS_DIR));
  } finally {
    await client.end();
  }
}

/** A Prisma client on a pool of PostgreSQL connections whose search_path is the URL's schema. */
export async function connectPostgres(url: string): Promise<PrismaClient> {
  const target = parsePostgresUrl(url);
  // search_path also covers the api's raw SQL (quoted table names, no schema prefix).
  const adapter = new PrismaPg({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` }, { schema: target.schema });
  const prisma = new PostgresPrismaClient({ adapter });
  await prisma.$connect();
  return prisma as unknown as PrismaClient;
}
