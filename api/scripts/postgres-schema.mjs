// The PostgreSQL schema is derived from prisma/schema.prisma, the one schema source: only the
// datasource provider and the generated client's folder differ (the model is provider-portable).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The PostgreSQL twin of a SQLite schema text; `output` is the pg client folder relative to the written file. */
export function toPostgresSchema(sqliteSchema, { output } = {}) {
  let text = replaceOnce(sqliteSchema, /(datasource db \{[^}]*?provider\s*=\s*)"sqlite"/, '$1"postgresql"', 'the datasource provider "sqlite"');
  text = replaceOnce(text, /(datasource db \{[^}]*?url\s*=\s*)"[^"]*"/, '$1"postgresql://localhost/omniflow"', 'the datasource url');
  if (output !== undefined) text = replaceOnce(text, /(generator client \{[^}]*?output\s*=\s*)"[^"]*"/, `$1"${output}"`, 'the generator output');
  return `// GENERATED from prisma/schema.prisma by scripts/postgres-schema.mjs: do not edit.\n${text}`;
}

/** Writes the PostgreSQL twin of the SQLite schema file `from` to `to`. */
export function writePostgresSchema(from, to, options) {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, toPostgresSchema(readFileSync(from, 'utf8'), options));
}

function replaceOnce(text, pattern, replacement, what) {
  if (!pattern.test(text)) throw new Error(`prisma schema: ${what} not found; the PostgreSQL schema cannot be derived.`);
  return text.replace(pattern, replacement);
}
