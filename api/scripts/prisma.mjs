#!/usr/bin/env node
// Runs the Prisma CLI offline: with the JS engine (prisma.config.ts) no native engine is needed,
// but the CLI still tries to download one unless these variables name an existing file.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runPrisma(args, options = {}) {
  const self = fileURLToPath(import.meta.url);
  const apiDir = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync('npx', ['--no-install', 'prisma', ...args], {
    cwd: apiDir,
    stdio: options.stdio ?? 'inherit',
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? self,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? self,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (result.error) throw result.error;
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(runPrisma(process.argv.slice(2)).status ?? 1);
}
