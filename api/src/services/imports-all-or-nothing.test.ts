import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectDatabase, openDatabase, type PrismaClient } from '../db/open.ts';
import { DomainEventBus } from '../events.ts';
import { JOURNAL_SCOPE } from './import-journal.ts';
import { readImportFile } from './import-rows.ts';
import { ImportQueue } from './imports.ts';

// All-or-nothing imports on a real SQLite file, with the import queue on a connection of its own
// as in the server: the main connection keeps answering reads and writes while the import runs,
// a failing row undoes everything, and a queue stopped mid-way resumes to the complete import.

/** Enough rows for many chunks; the benchmark (bench/api/imports.ts) runs 50,000. */
const ROWS = 600;
let dir: string;
let main: PrismaClient;
let file: string;
const clients: PrismaClient[] = [];
const queues: ImportQueue[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-imports-'));
  const opened = await openDatabase(dir);
  main = opened.prisma;
  file = opened.file;
  await main.attributeDefinition.create({ data: { key: 'tier', type: 'text' } });
  // Existing customers the import updates: their state must come back exactly on failure.
  for (let i = 1; i <= 20; i++) {
    const c = await main.customer.create({
      data: {
        memberId: `M-${i}`,
        name: `Old ${i}`,
        phone: `8869000000${String(i).padStart(2, '0')}`,
        searchText: `old ${i}`,
        pointsBalance: 10,
        pointsLifetime: 10,
      },
    });
    await main.customerTag.create({
      data: { customerId: c.id, tag: 'old', count: 2, firstAppliedAt: new Date(0), lastAppliedAt: new Date(0), lastSource: 'manual' },
    });
    await main.tagEvent.create({ data: { customerId: c.id, tag: 'old', op: 'apply', source: 'manual', at: new Date(0) } });
    await main.attributeValue.create({ data: { customerId: c.id, key: 'tier', value: '"bronze"', updatedAt: new Date(0), source: 'manual' } });
  }
});

afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  for (const c of clients.splice(0)) await c.$disconnect();
  await main.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

function track(q: ImportQueue): ImportQueue {
  queues.push(q);
  return q;
}

async function importClient(): Promise<PrismaClient> {
  const c = await connectDatabase(file);
  clients.push(c);
  return c;
}

/** Rows 1…20 update the existing customers (new name, tags replaced, attribute, points); the rest create. */
function csv(rows: number, failAt?: number): string {
  const lines = ['Member ID,Name,Phone,Tags,Point Balance,attr:tier'];
  for (let i = 1; i <= rows; i++) {
    const points = i === failAt ? -1000 : 5; // a deduction above the balance fails while written
    lines.push(`M-${i},New ${i},8869${String(i).padStart(8, '0')},"gold,new",${points},silver`);
  }
  return lines.join('\n');
}

async function queueJob(prisma: PrismaClient, content: string, overwriteTags = true): Promise<string> {
  const rows = readImportFile('csv', content);
  const job = await prisma.importJob.create({
    data: {
      mode: 'customers',
      format: 'csv',
      atomicity: 'all_or_nothing',
      totalRows: rows.length,
      triggerJourneys: true,
      payload: JSON.stringify({ rows, overwriteTags, deductLifetime: false }),
      createdById: 'test',
    },
  });
  return job.id;
}

/** Everything an import may touch, in a comparable form. */
async function state(prisma: PrismaClient) {
  return {
    customers: await prisma.customer.findMany({ orderBy: { memberId: 'asc' }, omit: { updatedAt: true } }),
    tags: await prisma.customerTag.findMany({ orderBy: [{ customerId: 'asc' }, { tag: 'asc' }] }),
    tagEvents: await prisma.tagEvent.findMany({ orderBy: { id: 'asc' } }),
    attributes: await prisma.attributeValue.findMany({ orderBy: { id: 'asc' } }),
    ledger: await prisma.pointsLedger.findMany({ orderBy: { id: 'asc' } }),
    identities: await prisma.contactIdentity.count(),
    journal: await prisma.idempotencyRecord.count({ where: { scope: JOURNAL_SCOPE } }),
  };
}

function waitFor(check: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = () => check().then((ok) => (ok ? resolve() : setTimeout(poll, 5)), reject);
    poll();
  });
}

describe('all-or-nothing imports', () => {
  it('keeps the main connection answering reads and writes while a large import runs, and shows progress', async () => {
    const prisma = await importClient();
    const events = new DomainEventBus();
    const fired: string[] = [];
    events.on('*', (e) => fired.push(e.type));
    const queue = track(new ImportQueue({ prisma, now: () => new Date(), events }));
    const id = await queueJob(main, csv(ROWS));
    queue.enqueue(id);
    const done = queue.idle().then(() => 'import done');
    // Wait until rows are being written, then make requests on the main connection.
    await waitFor(async () => ((await main.importJob.findUniqueOrThrow({ where: { id } })).processedRows ?? 0) > 0);
    const progress: number[] = [];
    const requests = (async () => {
      for (let i = 0; i < 5; i++) {
        const job = await main.importJob.findUniqueOrThrow({ where: { id } });
        progress.push(job.processedRows);
        await main.$transaction(async (tx) => {
          await tx.customer.create({ data: { memberId: `during-${i}`, searchText: '' } });
        });
      }
      return 'requests done';
    })();
    expect(await Promise.race([requests, done])).toBe('requests done');
    expect(progress.every((p) => p > 0 && p < ROWS)).toBe(true);
    // processedRows advances while the import runs.
    await waitFor(async () => (await main.importJob.findUniqueOrThrow({ where: { id } })).processedRows > Math.max(...progress));
    expect((await main.importJob.findUniqueOrThrow({ where: { id } })).status).toBe('running');
    await done;
    const job = await main.importJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'done', processedRows: ROWS, createdRows: ROWS - 20, updatedRows: 20, payload: null });
    expect(await main.customer.count()).toBe(ROWS + 5);
    expect(await main.idempotencyRecord.count({ where: { scope: JOURNAL_SCOPE } })).toBe(0);
    expect(fired.filter((t) => t === 'customer.created')).toHaveLength(ROWS - 20);
    const updated = await main.customer.findUniqueOrThrow({ where: { memberId: 'M-3' }, include: { tags: true, attributes: true } });
    expect(updated).toMatchObject({ name: 'New 3', pointsBalance: 15 });
    expect(updated.tags.map((t) => t.tag).sort()).toEqual(['gold', 'new']);
    expect(updated.attributes[0]?.value).toBe('"silver"');
  }, 120_000);

  it('a row failing while written (the last) leaves nothing of the import, and the report names the row and column', async () => {
    const before = await state(main);
    const prisma = await importClient();
    const events = new DomainEventBus();
    const fired: string[] = [];
    events.on('*', (e) => fired.push(e.type));
    const queue = track(new ImportQueue({ prisma, now: () => new Date(), events }));
    // Row 15 updates an existing customer (balance 10) and deducts 1000: fails. Put it late.
    const content = csv(ROWS, ROWS).replace(`M-${ROWS},`, 'M-15,');
    const id = await queueJob(main, content);
    queue.enqueue(id);
    await queue.idle();
    const job = await main.importJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'failed', createdRows: 0, updatedRows: 0, failedRows: 1, payload: null });
    expect(JSON.parse(job.errors)).toEqual([expect.objectContaining({ row: ROWS, line: ROWS + 1, field: 'Point Balance' })]);
    expect(await state(main)).toEqual(before);
    expect(fired).toEqual([]);
  }, 120_000);

  it('a queue stopped mid-way leaves the job running; resume() on a new connection completes it exactly once', async () => {
    const first = await importClient();
    const queue = track(new ImportQueue({ prisma: first, now: () => new Date(), events: new DomainEventBus() }));
    const id = await queueJob(main, csv(ROWS));
    queue.enqueue(id);
    await waitFor(async () => (await main.importJob.findUniqueOrThrow({ where: { id } })).processedRows > 100);
    await queue.stop();
    const halfway = await main.importJob.findUniqueOrThrow({ where: { id } });
    expect(halfway.status).toBe('running');
    expect(halfway.processedRows).toBeLessThan(ROWS);
    // What was written so far matches the checkpoint and has its journal.
    expect(await main.customer.count()).toBe(20 + halfway.createdRows);
    expect(await main.idempotencyRecord.count({ where: { scope: JOURNAL_SCOPE } })).toBeGreaterThan(0);

    const second = await importClient();
    const resumed = track(new ImportQueue({ prisma: second, now: () => new Date(), events: new DomainEventBus() }));
    expect(await resumed.resume()).toBe(1);
    await resumed.idle();
    const job = await main.importJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'done', processedRows: ROWS, createdRows: ROWS - 20, updatedRows: 20 });
    expect(await main.customer.count()).toBe(ROWS);
    expect(await main.pointsLedger.count()).toBe(ROWS);
    expect(await main.tagEvent.count({ where: { tag: 'gold' } })).toBe(ROWS);
    expect((await main.customer.findUniqueOrThrow({ where: { memberId: 'M-1' } })).pointsBalance).toBe(15);
    expect(await main.idempotencyRecord.count({ where: { scope: JOURNAL_SCOPE } })).toBe(0);
  }, 120_000);

  it('a failure found after a resume also undoes the rows written before the stop', async () => {
    const before = await state(main);
    const first = await importClient();
    const queue = track(new ImportQueue({ prisma: first, now: () => new Date(), events: new DomainEventBus() }));
    const id = await queueJob(main, csv(ROWS, ROWS - 10).replace(`M-${ROWS - 10},`, 'M-7,'));
    queue.enqueue(id);
    await waitFor(async () => (await main.importJob.findUniqueOrThrow({ where: { id } })).processedRows > 100);
    await queue.stop();
    const resumed = track(new ImportQueue({ prisma: await importClient(), now: () => new Date(), events: new DomainEventBus() }));
    await resumed.resume();
    await resumed.idle();
    expect(await main.importJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'failed', failedRows: 1 });
    expect(await state(main)).toEqual(before);
  }, 120_000);
});
