import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, openDatabase, type PrismaClient } from './open.ts';

// With the better-sqlite3 driver adapter a Prisma client has ONE SQLite connection. A statement
// outside a transaction must not run inside another request's open interactive transaction:
// it would see that transaction's uncommitted rows, and its write would vanish on a rollback.

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const record = (key: string) => ({ key, scope: 'isolation.test', answer: '{}', at: new Date() });

/** Starts a Prisma query now (Prisma's promises are lazy) and remembers when it settled. */
function started<T>(query: PromiseLike<T>) {
  const state = { settled: false };
  const promise = Promise.resolve(query).finally(() => {
    state.settled = true;
  });
  promise.catch(() => {});
  return { promise, state };
}

let dir: string;
let main: PrismaClient;
let second: PrismaClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omniflow-isolation-'));
  const opened = await openDatabase(dir);
  main = opened.prisma;
  // The import queue's own connection.
  second = await connectDatabase(opened.file);
});

afterAll(async () => {
  await second?.$disconnect();
  await main?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['openDatabase', 'connectDatabase'] as const)('a client from %s', (which) => {
  const db = () => (which === 'openDatabase' ? main : second);
  let n = 0;
  const key = (name: string) => `${which}:${name}:${++n}`;

  it('keeps statements outside a transaction out of an open interactive transaction', async () => {
    const prisma = db();
    const a = key('A');
    const b = key('B');
    const opened = deferred();
    const finish = deferred();
    const transaction = started(
      prisma.$transaction(async (tx) => {
        await tx.idempotencyRecord.create({ data: record(a) });
        opened.resolve();
        await finish.promise;
        throw new Error('roll back');
      }),
    );
    await opened.promise;

    // While the transaction is open: a plain read (must not see row A) and a plain write of row B.
    const read = started(prisma.idempotencyRecord.findUnique({ where: { key: a } }));
    const write = started(prisma.idempotencyRecord.create({ data: record(b) }));
    await sleep(50);

    finish.resolve();
    await expect(transaction.promise).rejects.toThrow('roll back');
    expect(await read.promise).toBeNull();
    await write.promise;

    expect(await prisma.idempotencyRecord.findUnique({ where: { key: b } })).not.toBeNull();
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: a } })).toBeNull();
  });

  it('lets plain statements wait for the transaction, then run', async () => {
    const prisma = db();
    const a = key('A');
    const opened = deferred();
    const finish = deferred();
    const transaction = started(
      prisma.$transaction(async (tx) => {
        await tx.idempotencyRecord.create({ data: record(a) });
        opened.resolve();
        await finish.promise;
        return 'committed';
      }),
    );
    await opened.promise;
    const count = started(prisma.idempotencyRecord.count({ where: { key: a } }));
    const raw = started(prisma.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM IdempotencyRecord WHERE key = ${a}`);
    await sleep(50);
    const waited = !count.state.settled && !raw.state.settled;
    finish.resolve();
    expect(waited).toBe(true);
    expect(await transaction.promise).toBe('committed');
    // Queued behind the transaction, they see its committed row.
    expect(await count.promise).toBe(1);
    expect(Number((await raw.promise)[0]!.n)).toBe(1);
  });

  it('does not deadlock on the outer client used inside the transaction callback', async () => {
    const prisma = db();
    const a = key('A');
    const seen = await prisma.$transaction(
      async (tx) => {
        await tx.idempotencyRecord.create({ data: record(a) });
        // Not recommended (use `tx`), but it ran before and must not hang until the timeout now.
        return prisma.idempotencyRecord.count({ where: { key: a } });
      },
      { timeout: 2_000 },
    );
    expect(seen).toBe(1);
  });

  it('refuses at once a transaction nested through the client in a transaction callback', async () => {
    const prisma = db();
    const a = key('A');
    const since = Date.now();
    await expect(
      prisma.$transaction(
        async (tx) => {
          await tx.idempotencyRecord.create({ data: record(a) });
          // SQLite cannot nest transactions; before the gate this waited for the timeout.
          await prisma.$transaction((inner) => inner.idempotencyRecord.count());
        },
        { timeout: 5_000 },
      ),
    ).rejects.toThrow(/cannot nest transactions/);
    expect(Date.now() - since).toBeLessThan(2_000);
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: a } })).toBeNull();
  });

  it('still rolls back on the timeout, then runs the statements that waited', async () => {
    const prisma = db();
    const a = key('A');
    const b = key('B');
    const opened = deferred();
    const transaction = started(
      prisma.$transaction(
        async (tx) => {
          await tx.idempotencyRecord.create({ data: record(a) });
          opened.resolve();
          await sleep(400);
          await tx.idempotencyRecord.create({ data: record(`${a}:late`) });
        },
        { timeout: 150 },
      ),
    );
    await opened.promise;
    const write = started(prisma.idempotencyRecord.create({ data: record(b) }));
    await expect(transaction.promise).rejects.toThrow(/timeout|expired|closed/i);
    await write.promise;
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: b } })).not.toBeNull();
    expect(await prisma.idempotencyRecord.count({ where: { key: { startsWith: a } } })).toBe(0);
  });

  it('still refuses a transaction that waited longer than maxWait', async () => {
    const prisma = db();
    const a = key('A');
    const b = key('B');
    const opened = deferred();
    const first = started(
      prisma.$transaction(async (tx) => {
        await tx.idempotencyRecord.create({ data: record(a) });
        opened.resolve();
        await sleep(200);
      }),
    );
    await opened.promise;
    const second = started(prisma.$transaction((tx) => tx.idempotencyRecord.create({ data: record(b) }), { maxWait: 50 }));
    await first.promise;
    await expect(second.promise).rejects.toThrow(/Unable to start a transaction in the given time/);
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: a } })).not.toBeNull();
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: b } })).toBeNull();
  });

  it('keeps batch transactions atomic and isolated', async () => {
    const prisma = db();
    const [a, b, c] = [key('A'), key('B'), key('C')];
    await prisma.$transaction([prisma.idempotencyRecord.create({ data: record(a) }), prisma.idempotencyRecord.create({ data: record(b) })]);
    expect(await prisma.idempotencyRecord.count({ where: { key: { in: [a, b] } } })).toBe(2);
    // The second statement fails (duplicate key): the first is rolled back with it.
    await expect(
      prisma.$transaction([prisma.idempotencyRecord.create({ data: record(c) }), prisma.idempotencyRecord.create({ data: record(a) })]),
    ).rejects.toThrow(/Unique constraint/);
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: c } })).toBeNull();

    // A batch issued while an interactive transaction is open waits for it instead of nesting.
    const d = key('D');
    const e = key('E');
    const opened = deferred();
    const finish = deferred();
    const interactive = started(
      prisma.$transaction(async (tx) => {
        await tx.idempotencyRecord.create({ data: record(d) });
        opened.resolve();
        await finish.promise;
        throw new Error('roll back');
      }),
    );
    await opened.promise;
    const batch = started(prisma.$transaction([prisma.idempotencyRecord.create({ data: record(e) })]));
    await sleep(50);
    const waited = !batch.state.settled;
    finish.resolve();
    expect(waited).toBe(true);
    await expect(interactive.promise).rejects.toThrow('roll back');
    await batch.promise;
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: e } })).not.toBeNull();
    expect(await prisma.idempotencyRecord.findUnique({ where: { key: d } })).toBeNull();
  });

  it('frees the connection when the COMMIT itself fails', async () => {
    const prisma = db();
    const user = key('user');
    // A deferred foreign key violation makes COMMIT fail and leaves SQLite's transaction open.
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`PRAGMA defer_foreign_keys = ON`;
        await tx.contactIdentity.create({ data: { customerId: 'missing', channel: 'line', channelId: 'c', externalUserId: user } });
      }),
    ).rejects.toThrow(/foreign ?key/i);
    const b = key('B');
    await prisma.idempotencyRecord.create({ data: record(b) });
    expect(await prisma.$transaction((tx) => tx.idempotencyRecord.count({ where: { key: b } }), { maxWait: 1_000 })).toBe(1);
    expect(await prisma.contactIdentity.count({ where: { externalUserId: user } })).toBe(0);
  });

  it('serves many concurrent plain statements and transactions without losing any', async () => {
    const prisma = db();
    const prefix = key('mix');
    const work = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? prisma
            .$transaction(async (tx) => {
              await tx.idempotencyRecord.create({ data: record(`${prefix}:tx:${i}`) });
              await sleep(2);
              if (i % 8 === 0) throw new Error('roll back');
            })
            .catch(() => 'rolled back')
        : prisma.idempotencyRecord.create({ data: record(`${prefix}:plain:${i}`) }),
    );
    await Promise.all(work);
    expect(await prisma.idempotencyRecord.count({ where: { key: { startsWith: `${prefix}:plain:` } } })).toBe(30);
    expect(await prisma.idempotencyRecord.count({ where: { key: { startsWith: `${prefix}:tx:` } } })).toBe(5);
  });
});
