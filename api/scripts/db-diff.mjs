#!/usr/bin/env node
// `npm run db:diff -- <name>`: writes the SQL migration for the changes made to
// prisma/schema.prisma since the last migration, offline and without a database. Each migration
// folder keeps a copy of the schema it produced, which is the starting point of the next diff.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPrisma } from './prisma.mjs';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const migrationsDir = `${apiDir}prisma/migrations`;
const schema = 'prisma/schema.prisma';

const name = (process.argv[2] ?? '').trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:diff -- <name>   (lower case, digits and "_", e.g. add_contacts)');
  process.exit(2);
}

const existing = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
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
  console.log(`Wrote prisma/migrations/${number}_${name}/migration.sql — review it and commit it with the schema change.`);
  console.log(readFileSync(`${dir}/migration.sql`, 'utf8'));
} else {
  rmSync(dir, { recursive: true, force: true });
  if (result.status === 0) console.log('The schema has not changed since the last migration; nothing written.');
  process.exit(result.status === 0 ? 0 : 1);
}
