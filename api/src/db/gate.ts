import { AsyncLocalStorage } from 'node:async_hooks';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

// One SQLite connection serves every query of a Prisma client (the better-sqlite3 driver adapter),
// and SQLite's transactions belong to the connection: a statement sent while a transaction is
// open runs inside it. The gate gives an open transaction the connection to itself. Statements
// outside a transaction wait until none is open; transactions take turns. The only exception is
// a statement issued from the transaction's own callback through the client instead of `tx`: it
// runs at once (as part of the transaction, as it always did) rather than wait for itself.

type AdapterFactory = NonNullable<Prisma.PrismaClientOptions['adapter']>;
type Adapter = Awaited<ReturnType<AdapterFactory['connect']>>;
type AdapterTransaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/** The turn of one transaction; statements issued from its callback carry it in `insideTurns`. */
type Turn = { readonly kind: 'transaction' };

interface Waiter {
  /** null for a statement outside a transaction. */
  turn: Turn | null;
  grant: () => void;
}

/** The turns whose interactive transaction callback the current async context runs in. */
const insideTurns = new AsyncLocalStorage<ReadonlySet<Turn>>();

export class NestedTransactionError extends Error {
  constructor() {
    super(
      'A transaction was started through the client inside an open interactive transaction on the same connection; SQLite cannot nest transactions (use the `tx` client).',
    );
    this.name = 'NestedTransactionError';
  }
}

/**
 * A readers-writer lock over one connection, first come first served: any number of statements
 * at a time (SQLite runs them one by one anyway), or one transaction and nothing else.
 */
export class ConnectionGate {
  #transaction: Turn | null = null;
  #statements = 0;
  readonly #queue: Waiter[] = [];

  /** The open transaction's turn, if any. */
  get current(): Turn | null {
    return this.#transaction;
  }

  /** Whether the caller runs inside the open transaction's callback (so must not wait for it). */
  #insideOpenTransaction(): boolean {
    const turns = insideTurns.getStore();
    return turns !== undefined && this.#transaction !== null && turns.has(this.#transaction);
  }

  /** Runs a statement outside a transaction once no transaction is open. */
  async statement<T>(run: () => Promise<T>): Promise<T> {
    if (this.#insideOpenTransaction()) return run();
    if (this.#transaction === null && this.#queue.length === 0) this.#statements++;
    else await new Promise<void>((grant) => this.#queue.push({ turn: null, grant }));
    try {
      return await run();
    } finally {
      this.#statements--;
      this.#next();
    }
  }

  /** Waits for the connection to itself; `release` the turn when the transaction ends. */
  async begin(): Promise<Turn> {
    if (this.#insideOpenTransaction()) throw new NestedTransactionError();
    const turn: Turn = { kind: 'transaction' };
    if (this.#transaction === null && this.#statements === 0 && this.#queue.length === 0) this.#transaction = turn;
    else await new Promise<void>((grant) => this.#queue.push({ turn, grant }));
    return turn;
  }

  release(turn: Turn): void {
    if (this.#transaction !== turn) return;
    this.#transaction = null;
    this.#next();
  }

  #next(): void {
    while (this.#transaction === null) {
      const waiter = this.#queue[0];
      if (!waiter) return;
      if (waiter.turn) {
        if (this.#statements > 0) return;
        this.#transaction = waiter.turn;
      } else {
        this.#statements++;
      }
      this.#queue.shift();
      waiter.grant();
    }
  }
}

/** Runs `fn` (an interactive transaction's callback) marked as inside the open transaction of `gate`. */
function runInside<T>(gate: ConnectionGate, fn: () => T): T {
  const turn = gate.current;
  if (!turn) return fn();
  const outer = insideTurns.getStore();
  return insideTurns.run(new Set(outer ? [...outer, turn] : [turn]), fn);
}

/** The driver adapter factory, with every connection it makes behind a gate. */
export function gatedAdapter(factory: AdapterFactory, gate: ConnectionGate): AdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => gatedConnection(await factory.connect(), gate),
  };
}

function gatedConnection(adapter: Adapter, gate: ConnectionGate): Adapter {
  const gated: Adapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => gate.statement(() => adapter.queryRaw(query)),
    executeRaw: (query) => gate.statement(() => adapter.executeRaw(query)),
    executeScript: (script) => gate.statement(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel) => {
      const turn = await gate.begin();
      try {
        return gatedTransaction(await adapter.startTransaction(isolationLevel), () => gate.release(turn));
      } catch (e) {
        gate.release(turn);
        throw e;
      }
    },
    dispose: () => adapter.dispose(),
  };
  if (adapter.getConnectionInfo) gated.getConnectionInfo = () => adapter.getConnectionInfo!();
  return gated;
}

function gatedTransaction(transaction: AdapterTransaction, release: () => void): AdapterTransaction {
  let ended = false;
  const end = async (how: 'commit' | 'rollback') => {
    if (ended) return;
    ended = true;
    try {
      await transaction[how]();
    } finally {
      release();
    }
  };
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: async (query) => {
      try {
        return await transaction.executeRaw(query);
      } catch (e) {
        // Prisma ends a transaction by sending COMMIT (or ROLLBACK), then calling commit() (or
        // rollback()); when the statement fails it forgets the transaction without the call. A
        // failed COMMIT (a deferred foreign key, a busy database) leaves SQLite's transaction
        // open: roll it back and free the connection, or every later statement would run in it.
        if (!ended && (query.sql === 'COMMIT' || query.sql === 'ROLLBACK')) {
          if (query.sql === 'COMMIT') await transaction.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => {});
          await end('rollback');
        }
        throw e;
      }
    },
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
}

/**
 * Marks the callbacks of `prisma`'s interactive transactions, so that a statement issued from one
 * through `prisma` itself (instead of `tx`) is recognised as part of the open transaction.
 */
export function markTransactionCallbacks(prisma: PrismaClient, gate: ConnectionGate): void {
  const original = prisma.$transaction.bind(prisma) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const $transaction = (arg: unknown, options?: unknown) =>
    typeof arg === 'function' ? original((tx: unknown) => runInside(gate, () => arg(tx)), options) : original(arg, options);
  prisma.$transaction = $transaction as PrismaClient['$transaction'];
}
