import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_POSTGRES_MIGRATIONS_DIR, type Migration, migratePostgres, migrateSqlite, readMigrations } from './migrate.ts';
import { parsePostgresUrl } from './postgres.ts';
import { postgresShape, type SchemaShape, sqliteShape } from './schema-shape.ts';

// The SQLite and PostgreSQL migration sets must describe the same database. Without PostgreSQL
// (DATABASE_URL unset) only the file-level checks run; `npm run test:postgres` runs them all.

const sqliteMigrations = readMigrations(DEFAULT_MIGRATIONS_DIR);
const postgresMigrations = readMigrations(DEFAULT_POSTGRES_MIGRATIONS_DIR);

describe('the two migration sets', () => {
  it('have the same migrations, in the same order', () => {
    expect(postgresMigrations.map((m) => m.name)).toEqual(sqliteMigrations.map((m) => m.name));
  });

  it('end at the current schema (a schema change comes with `npm run db:diff -- <name>`)', () => {
    const last = sqliteMigrations.at(-1)!.name;
    const snapshot = readFileSync(new URL(`${last}/schema.prisma`, DEFAULT_MIGRATIONS_DIR), 'utf8');
    expect(snapshot).toBe(readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8'));
  });
});

const databaseUrl = process.env.DATABASE_URL;
describe.skipIf(!databaseUrl)('the two migration sets applied to empty databases (PostgreSQL)', () => {
  let client: pg.Client;
  const schemas: string[] = [];

  /** Applies `migrations` to a new schema and returns its shape. */
  async function migratedPostgresShape(migrations: readonly Migration[]): Promise<SchemaShape> {
    const schema = `drift_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`SET search_path TO "${schema}"`);
    await migratePostgres(client, migrations);
    return postgresShape(client, schema);
  }

  function migratedSqliteShape(): SchemaShape {
    const db = new BetterSqlite3(':memory:');
    try {
      migrateSqlite(db, sqliteMigrations);
      return sqliteShape(db);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    client = new pg.Client({ connectionString: parsePostgresUrl(databaseUrl!).connectionString });
    await client.connect();
  });

  afterAll(async () => {
    for (const schema of schemas) await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client?.end();
  });

  it('produce the same tables, columns, indexes and foreign keys', async () => {
    const sqlite = migratedSqliteShape();
    const postgres = await migratedPostgresShape(postgresMigrations);
    expect(Object.keys(sqlite.columns).length).toBeGreaterThan(50);
    expect(Object.keys(sqlite.indexes).length).toBeGreaterThan(20);
    expect(Object.values(sqlite.foreignKeys)).toContain('cascade');
    expect(postgres).toEqual(sqlite);
  });

  it('would catch a PostgreSQL migration that drifted', async () => {
    const drifted = [...postgresMigrations, { name: '9999_drift', sql: 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;', checksum: 'x' }];
    const postgres = await migratedPostgresShape(drifted);
    expect(postgres).not.toEqual(migratedSqliteShape());
    expect(postgres.columns['User.nickname']).toBe('text?');
  });
});
