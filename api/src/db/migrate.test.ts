import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE, type Migration, MigrationError, migrateSqlite, migrationChecksum, planMigrations, readMigrations } from './migrate.ts';

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: migrationChecksum(sql) });

describe('planMigrations', () => {
  const m1 = migration('0001_init', 'CREATE TABLE a (id TEXT);');
  const m2 = migration('0002_more', 'CREATE TABLE b (id TEXT);');

  it('plans everything on a fresh database and the rest on an older one', () => {
    expect(planMigrations([m1, m2], [])).toEqual([m1, m2]);
    expect(planMigrations([m1, m2], [{ name: m1.name, checksum: m1.checksum }])).toEqual([m2]);
    expect(planMigrations([m1, m2], [m1, m2])).toEqual([]);
  });

  it('refuses an applied migration whose file changed', () => {
    expect(() => planMigrations([migration('0001_init', 'CREATE TABLE a (id INTEGER);')], [m1])).toThrow(/"0001_init" was changed after it was applied/);
  });

  it('refuses a database migrated by a newer version', () => {
    expect(() => planMigrations([m1], [m1, m2])).toThrow(/does not have/);
  });

  it('refuses a new migration that sorts before an applied one', () => {
    expect(() => planMigrations([migration('0000_early', 'SELECT 1;'), m1], [m1])).toThrow(/sorts before "0001_init"/);
  });

  it('ignores line-ending differences', () => {
    expect(migrationChecksum('a;\r\nb;\r\n')).toBe(migrationChecksum('a;\nb;\n'));
  });
});

describe('migrateSqlite on a real database file', () => {
  let dir: string;
  const open = () => new BetterSqlite3(join(dir, 'test.db'));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omniflow-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the committed migrations once, recording each with its checksum', () => {
    const committed = readMigrations();
    expect(committed.map((m) => m.name)).toContain('0001_init');
    const db = open();
    const first = migrateSqlite(db, committed, () => new Date('2030-01-01T00:00:00Z'));
    expect(first).toEqual({ applied: committed.map((m) => m.name), alreadyApplied: 0 });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['User', 'Session', 'ApiKey', 'Flow', 'FlowVersion', 'AuditLog', MIGRATIONS_TABLE]));
    expect(db.prepare(`SELECT * FROM "${MIGRATIONS_TABLE}"`).all()).toEqual(
      committed.map((m) => ({ name: m.name, checksum: m.checksum, applied_at: '2030-01-01T00:00:00.000Z' })),
    );
    db.close();

    // A restart: nothing to do.
    const again = open();
    expect(migrateSqlite(again, readMigrations())).toEqual({ applied: [], alreadyApplied: committed.length });
    again.close();
  });

  it('applies only what is new, in order', () => {
    const db = open();
    const base = [migration('0001_a', 'CREATE TABLE a (id TEXT PRIMARY KEY);')];
    migrateSqlite(db, base);
    const next = [
      ...base,
      migration('0002_b', 'CREATE TABLE b (id TEXT PRIMARY KEY, a_id TEXT REFERENCES a(id));'),
      migration('0003_c', 'ALTER TABLE a ADD COLUMN c TEXT;'),
    ];
    expect(migrateSqlite(db, next).applied).toEqual(['0002_b', '0003_c']);
    db.close();
  });

  it('refuses to start on a tampered migration and changes nothing', () => {
    const db = open();
    migrateSqlite(db, [migration('0001_a', 'CREATE TABLE a (id TEXT);')]);
    const tampered = [migration('0001_a', 'CREATE TABLE a (id TEXT, secret TEXT);'), migration('0002_b', 'CREATE TABLE b (id TEXT);')];
    expect(() => migrateSqlite(db, tampered)).toThrow(MigrationError);
    expect(() => migrateSqlite(db, tampered)).toThrow(/"0001_a" was changed after it was applied/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
    db.close();
  });

  it('rolls a failing migration back completely', () => {
    const db = open();
    const broken = [migration('0001_a', 'CREATE TABLE a (id TEXT);'), migration('0002_bad', 'CREATE TABLE b (id TEXT); THIS IS NOT SQL;')];
    expect(() => migrateSqlite(db, broken)).toThrow(/Migration "0002_bad" failed/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name IN ('a', 'b')`).all()).toEqual([]);
    expect(db.prepare(`SELECT count(*) AS n FROM "${MIGRATIONS_TABLE}"`).get()).toEqual({ n: 0 });
    db.close();
  });
});
