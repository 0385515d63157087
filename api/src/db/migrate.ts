import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type pg from 'pg';

// The product applies its own committed migrations at start, so running Omniflow never needs the
// Prisma CLI (which cannot run migrations offline on every database). Migrations are the folders
// of prisma/migrations, applied in name order; each applied one is recorded with a checksum of its
// SQL, and a start refuses to continue if a recorded migration's file has since changed.

export const MIGRATIONS_TABLE = '_omniflow_migrations';
export const DEFAULT_MIGRATIONS_DIR = new URL('../../prisma/migrations/', import.meta.url);
/** The PostgreSQL twins of the SQLite migrations, same names, written by `npm run db:diff` from the same schemas. */
export const DEFAULT_POSTGRES_MIGRATIONS_DIR = new URL('../../prisma/migrations-postgres/', import.meta.url);

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** SHA-256 of the SQL with line endings normalised, so a CRLF checkout does not look tampered with. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n?/g, '\n'), 'utf8').digest('hex');
}

/** The migrations in `dir`: every sub-folder holding a migration.sql, in name order. */
export function readMigrations(dir: string | URL = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const root = dir instanceof URL ? dir.pathname : dir;
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(root, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

/**
 * Which migrations still need applying. Refuses (throws MigrationError) when an applied migration
 * was edited after it ran, or when the database has migrations this code does not know (it was
 * migrated by a newer Omniflow). Pure, so every rule is testable without a database.
 */
export function planMigrations(available: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const known = new Map(available.map((m) => [m.name, m]));
  for (const done of applied) {
    const migration = known.get(done.name);
    if (!migration) {
      throw new MigrationError(`The database has migration "${done.name}", which this version of Omniflow does not have. Was it migrated by a newer version?`);
    }
    if (migration.checksum !== done.checksum) {
      throw new MigrationError(
        `Migration "${done.name}" was changed after it was applied (checksum ${done.checksum.slice(0, 12)}… in the database, ` +
          `${migration.checksum.slice(0, 12)}… on disk). Applied migrations must never be edited: restore the file and put the change in a new migration.`,
      );
    }
  }
  const appliedNames = new Set(applied.map((m) => m.name));
  const pending = available.filter((m) => !appliedNames.has(m.name));
  const lastApplied = [...appliedNames].sort().at(-1);
  const outOfOrder = lastApplied ? pending.find((m) => m.name < lastApplied) : undefined;
  if (outOfOrder) {
    throw new MigrationError(`Migration "${outOfOrder.name}" sorts before "${lastApplied}", which is already applied. Rename it so it sorts last.`);
  }
  return pending;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations to a SQLite database, all in one IMMEDIATE transaction: a second
 * process starting at the same time waits, then finds nothing left to do; a failing migration
 * leaves the database as it was.
 */
export function migrateSqlite(db: Database, migrations: readonly Migration[] = readMigrations(), now: () => Date = () => new Date()): MigrationResult {
  db.pragma('journal_mode = WAL');
  // Table rebuilds in migrations must not cascade deletes; foreign keys are checked before commit instead.
  db.pragma('foreign_keys = OFF');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" ("name" TEXT NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TEXT NOT NULL)`);
    const run = db.transaction((): MigrationResult => {
      const applied = db.prepare(`SELECT "name", "checksum" FROM "${MIGRATIONS_TABLE}" ORDER BY "name"`).all() as AppliedMigration[];
      const pending = planMigrations(migrations, applied);
      const record = db.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" ("name", "checksum", "applied_at") VALUES (?, ?, ?)`);
      for (const migration of pending) {
        try {
          db.exec(migration.sql);
        } catch (e) {
          throw new MigrationError(`Migration "${migration.name}" failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        record.run(migration.name, migration.checksum, now().toISOString());
      }
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) throw new MigrationError(`Migrations left ${violations.length} foreign-key violation(s); nothing was applied.`);
      return { applied: pending.map((m) => m.name), alreadyApplied: applied.length };
    });
    return run.immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/** Any number that names Omniflow's migration lock among the database's advisory locks. */
const POSTGRES_MIGRATION_LOCK = 0x0f10_f10e;

/**
 * Applies pending migrations to PostgreSQL (in the client's search_path schema), all in one
 * transaction holding an advisory lock: api instances starting together take turns and the later
 * ones find nothing left to do; a failing migration leaves the database as it was (DDL is
 * transactional in PostgreSQL).
 */
export async function migratePostgres(
  client: pg.ClientBase,
  migrations: readonly Migration[] = readMigrations(DEFAULT_POSTGRES_MIGRATIONS_DIR),
  now: () => Date = () => new Date(),
): Promise<MigrationResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" ("name" TEXT NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TEXT NOT NULL)`,
    );
    const applied = (await client.query<AppliedMigration>(`SELECT "name", "checksum" FROM "${MIGRATIONS_TABLE}" ORDER BY "name"`)).rows;
    const pending = planMigrations(migrations, applied);
    for (const migration of pending) {
      try {
        // No parameters: the simple query protocol runs the file's several statements.
        await client.query(migration.sql);
      } catch (e) {
        throw new MigrationError(`Migration "${migration.name}" failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      await client.query(`INSERT INTO "${MIGRATIONS_TABLE}" ("name", "checksum", "applied_at") VALUES ($1, $2, $3)`, [
        migration.name,
        migration.checksum,
        now().toISOString(),
      ]);
    }
    await client.query('COMMIT');
    return { applied: pending.map((m) => m.name), alreadyApplied: applied.length };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
