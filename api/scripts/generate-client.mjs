#!/usr/bin/env node
// Generates the Prisma clients when the schema changed since the last generation: the SQLite one
// into src/generated/prisma and the PostgreSQL one (from the schema's derived pg twin, see
// postgres-schema.mjs) into src/generated/prisma-pg. Runs from postinstall, pretest, pretypecheck
// and prestart, so a fresh clone works; a lock keeps parallel runs (turbo starts typecheck and
// test together) from writing at once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writePostgresSchema } from './postgres-schema.mjs';
import { runPrisma } from './prisma.mjs';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const schemaFile = `${apiDir}prisma/schema.prisma`;
const pgSchemaFile = `${apiDir}src/generated/postgres/schema.prisma`;
const stampFiles = [`${apiDir}src/generated/prisma/.schema-sha256`, `${apiDir}src/generated/prisma-pg/.schema-sha256`];
const lockDir = `${apiDir}src/generated/.generate.lock`;

const prismaVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).devDependencies.prisma;
const wanted = createHash('sha256').update(prismaVersion).update(readFileSync(schemaFile)).digest('hex');
const isFresh = () => stampFiles.every((stamp) => existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted);

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function acquireLock() {
  mkdirSync(`${apiDir}src/generated`, { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      return;
    } catch {
      // A lock older than two minutes was left by a killed run.
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > 120_000) rmSync(lockDir, { recursive: true, force: true });
      if (waited > 180_000) throw new Error(`Timed out waiting for ${lockDir}`);
      sleep(200);
    }
  }
}

if (!isFresh()) {
  acquireLock();
  try {
    if (!isFresh()) {
      writePostgresSchema(schemaFile, pgSchemaFile, { output: '../prisma-pg' });
      for (const [i, schema] of ['prisma/schema.prisma', 'src/generated/postgres/schema.prisma'].entries()) {
        const result = runPrisma(['generate', '--no-hints', '--schema', schema], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (result.status !== 0) process.exit(result.status ?? 1);
        writeFileSync(stampFiles[i], `${wanted}\n`);
      }
      console.log('Prisma clients generated in api/src/generated/prisma (SQLite) and api/src/generated/prisma-pg (PostgreSQL)');
    }
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
