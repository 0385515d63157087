#!/usr/bin/env node
// `npm run db:diff -- <name>`: writes the SQL migration for the changes made to
// prisma/schema.prisma since the last migration, offline and without a database. Each migration
// folder keeps a copy of the schema it produced, which is the starting point of the next diff.
// The same migration is written for PostgreSQL into prisma/migrations-postgres/<same name>, diffed
// between the pg twins of the same two schemas (postgres-schema.mjs), so the two sets stay in step.
// `npm run db:diff -- --postgres` writes the PostgreSQL migrations that are missing.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writePostgresSchema } from './postgres-schema.mjs';
import { runPrisma } from './prisma.mjs';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const migrationsDir = `${apiDir}prisma/migrations`;
const pgMigrationsDir = `${apiDir}prisma/migrations-postgres`;
const schema = 'prisma/schema.prisma';

/** Writes prisma/migrations-postgres/<name>/migration.sql from the pg twins of `previous`'s and `name`'s schemas. */
function writePostgresMigration(name, previous) {
  const work = `${tmpdir()}/omniflow-db-diff-${process.pid}`;
  mkdirSync(work, { recursive: true });
  try {
    writePostgresSchema(`${migrationsDir}/${name}/schema.prisma`, `${work}/to.prisma`);
    const from = previous ? ['--from-schema-datamodel', `${work}/from.prisma`] : ['--from-empty'];
    if (previous) writePostgresSchema(`${migrationsDir}/${previous}/schema.prisma`, `${work}/from.prisma`);
    mkdirSync(`${pgMigrationsDir}/${name}`, { recursive: true });
    const out = `${pgMigrationsDir}/${name}/migration.sql`;
    const result = runPrisma(['migrate', 'diff', ...from, '--to-schema-datamodel', `${work}/to.prisma`, '--script', '--exit-code', '--output', out]);
    if (result.status !== 2) {
      rmSync(`${pgMigrationsDir}/${name}`, { recursive: true, force: true });
      throw new Error(`PostgreSQL migration ${name}: prisma migrate diff exited with ${result.status} (2 expected: a difference).`);
    }
    console.log(`Wrote prisma/migrations-postgres/${name}/migration.sql`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const sqliteMigrations = () =>
  readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

if (process.argv[2] === '--postgres') {
  const names = sqliteMigrations();
  names.forEach((name, i) => {
    if (!existsSync(`${pgMigrationsDir}/${name}/migration.sql`)) writePostgresMigration(name, names[i - 1]);
  });
  process.exit(0);
}

const name = (process.argv[2] ?? '').trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:diff -- <name>   (lower case, digits and "_", e.g. add_contacts)');
  process.exit(2);
}

const existing = sqliteMigrations();
const last = existing.at(-1);
const from = last ? ['--from-schema-datamodel', `prisma/migrations/${last}/schema.prisma`] : ['--from-empty'];
if (last && !existsSync(`${migrationsDir}/${last}/schema.prisma`)) {
  console.error(`prisma/migrations/${last}/schema.prisma is missing: it is the schema that migration produced.`);
  process.exit(1);
}

const number = String(existing.length + 1).padStart(4, '0');
const dir = `${migrationsDir}/${number}_${name}`;
mkdirSync(dir);
const result = runPrisma(['migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script', '--exit-code', '--output', `${dir}/migration.sql`]);
// --exit-code: 0 = no difference, 2 = a difference was written, anything else = an error.
if (result.status === 2) {
  copyFileSync(`${apiDir}${schema}`, `${dir}/schema.prisma`);
  console.log(`Wrote prisma/migrations/${number}_${name}/migration.sql — review it (and its PostgreSQL twin) and commit both with the schema change.`);
  console.log(readFileSync(`${dir}/migration.sql`, 'utf8'));
  writePostgresMigration(`${number}_${name}`, last);
} else {
  rmSync(dir, { recursive: true, force: true });
  if (result.status === 0) console.log('The schema has not changed since the last migration; nothing written.');
  process.exit(result.status === 0 ? 0 : 1);
}
