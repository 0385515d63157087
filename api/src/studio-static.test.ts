import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalogue } from '@omniflow/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PrismaClient } from './db/open.ts';
import { buildApp } from './server.ts';

// `npm start` serves the studio's build at / from the same process as the api.

let dir: string;
let prisma: PrismaClient;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-studio-'));
  mkdirSync(join(dir, 'dist/assets'), { recursive: true });
  writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><title>Omniflow</title>');
  writeFileSync(join(dir, 'dist/assets/app.js'), 'console.log(1)');
  ({ prisma } = await openDatabase(join(dir, 'data')));
});
afterAll(async () => {
  await prisma.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the studio', () => {
  it('serves the build, falls back to index.html for studio routes, and keeps api 404s as JSON', async () => {
    const app = await buildApp({ prisma, catalogue: builtinCatalogue() }, { studioDir: join(dir, 'dist') });
    const html = { accept: 'text/html' };
    expect((await app.inject({ url: '/', headers: html })).body).toContain('<title>Omniflow</title>');
    expect((await app.inject({ url: '/assets/app.js' })).body).toBe('console.log(1)');
    expect((await app.inject({ url: '/flows/abc', headers: html })).body).toContain('<title>Omniflow</title>');
    const missing = await app.inject({ url: '/trpc/nope', headers: html });
    expect(missing.statusCode).toBe(404);
    expect((await app.inject({ url: '/healthz' })).json()).toMatchObject({ ok: true });
    await app.close();
  });

  it('runs the api alone when there is no studio build', async () => {
    const app = await buildApp({ prisma, catalogue: builtinCatalogue() }, { studioDir: join(dir, 'nowhere') });
    expect((await app.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    await app.close();
  });
});
