import type { AttributeDefinition, AttributeValue, Customer, SourceRef, TagSource } from '@omniflow/schemas';
import { Customer as CustomerSchema } from '@omniflow/schemas';
import type Database from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';

// Internal effects — tags, attributes, points, subscription, hand-off — go through a ContactStore. Every
// write carries the step's idempotency key and the store remembers the answer it gave for that key, so a
// node re-executed after a crash or an outbox replay never applies a change twice and gets the same
// answer again. The api implements this interface on Prisma; the embedded runtime and the tests use the
// in-memory and SQLite stores below.

export interface WriteMeta {
  idempotencyKey: string;
  at: Date;
  source: TagSource;
  sourceRef?: SourceRef;
}

export type AttributeWrite = {
  result: 'ok' | 'invalid_format' | 'archived' | 'type_mismatch';
  changed: boolean;
  previous?: AttributeValue;
  value?: AttributeValue;
};
export type PointsChange = { ok: true; balance: number } | { ok: false; reason: 'insufficient' | 'no_phone' };

export interface ContactStore {
  get(customerId: string): Promise<Customer | undefined>;
  /** Applies tags; `applied` lists every tag applied (re-applying counts: it is a new tag event, §1.4). */
  applyTags(customerId: string, tags: readonly string[], meta: WriteMeta): Promise<{ applied: string[] }>;
  /** Removes tags the contact has; `removed` lists them. */
  removeTags(customerId: string, tags: readonly string[], meta: WriteMeta): Promise<{ removed: string[] }>;
  /** A typed write (§1.5); writing the same value again is not a change (§3.5). `null` clears. */
  setAttribute(customerId: string, key: string, value: AttributeValue, meta: WriteMeta): Promise<AttributeWrite>;
  changePoints(customerId: string, op: 'add' | 'deduct', amount: number, reason: string, meta: WriteMeta): Promise<PointsChange>;
  setSubscription(customerId: string, status: 'subscribed' | 'unsubscribed', meta: WriteMeta): Promise<void>;
  handOff(customerId: string, request: Readonly<Record<string, unknown>>, meta: WriteMeta): Promise<{ assigned: boolean }>;
}

export interface ContactStoreOptions {
  /** Custom attribute definitions for typed validation; unknown keys are stored as given. */
  attributes?: readonly AttributeDefinition[];
  /** Whether an agent can take a hand-off now (default: yes). */
  agentsOnline?: () => boolean;
}

/** The write logic shared by the stores; subclasses say where documents and remembered answers live. */
abstract class DocumentContactStore implements ContactStore {
  constructor(protected readonly options: ContactStoreOptions = {}) {}

  protected abstract load(customerId: string): Customer | undefined;
  /** Saves the document and remembers the answer for the key, atomically. */
  protected abstract commit(customer: Customer | undefined, key: string, answer: unknown): void;
  protected abstract recall(key: string): unknown;
  /** Creates or replaces a contact (seeding, imports, tests). */
  abstract put(customer: Customer): void;

  async get(customerId: string): Promise<Customer | undefined> {
    return this.load(customerId);
  }

  #once<T>(customerId: string, meta: WriteMeta, change: (c: Customer) => T): T {
    const remembered = this.recall(meta.idempotencyKey);
    if (remembered !== undefined) return remembered as T;
    const customer = this.load(customerId);
    if (!customer) throw new Error(`Contact ${customerId} not found`);
    const answer = change(customer);
    this.commit(customer, meta.idempotencyKey, answer);
    return answer;
  }

  async applyTags(customerId: string, tags: readonly string[], meta: WriteMeta) {
    return this.#once(customerId, meta, (c) => {
      const at = meta.at.toISOString();
      for (const name of tags) {
        const existing = c.tags.find((t) => t.name === name);
        if (existing) {
          existing.count += 1;
          existing.lastAppliedAt = at;
          existing.lastSource = meta.source;
        } else c.tags.push({ name, count: 1, firstAppliedAt: at, lastAppliedAt: at, lastSource: meta.source });
      }
      return { applied: [...tags] };
    });
  }

  async removeTags(customerId: string, tags: readonly string[], meta: WriteMeta) {
    return this.#once(customerId, meta, (c) => {
      const removed = c.tags.filter((t) => tags.includes(t.name)).map((t) => t.name);
      c.tags = c.tags.filter((t) => !tags.includes(t.name));
      return { removed };
    });
  }

  async setAttribute(customerId: string, key: string, value: AttributeValue, meta: WriteMeta): Promise<AttributeWrite> {
    return this.#once(customerId, meta, (c) => {
      const def = this.options.attributes?.find((a) => a.key === key);
      if (def?.status === 'archived') return { result: 'archived', changed: false };
      const typed = def ? coerce(value, def.type) : value;
      if (typed === undefined) return { result: 'invalid_format', changed: false };
      const previous = c.attributes[key];
      if (previous === typed || (typed === null && previous === undefined)) return { result: 'ok', changed: false, previous, value: typed };
      if (typed === null) delete c.attributes[key];
      else c.attributes[key] = typed;
      return { result: 'ok', changed: true, ...(previous === undefined ? {} : { previous }), value: typed };
    });
  }

  async changePoints(customerId: string, op: 'add' | 'deduct', amount: number, _reason: string, meta: WriteMeta): Promise<PointsChange> {
    return this.#once(customerId, meta, (c): PointsChange => {
      if (!c.phone) return { ok: false, reason: 'no_phone' };
      if (op === 'deduct') {
        if (c.points.balance < amount) return { ok: false, reason: 'insufficient' };
        c.points.balance -= amount;
      } else {
        c.points.balance += amount;
        c.points.lifetime += amount;
      }
      return { ok: true, balance: c.points.balance };
    });
  }

  async setSubscription(customerId: string, status: 'subscribed' | 'unsubscribed', meta: WriteMeta) {
    this.#once(customerId, meta, (c) => {
      for (const identity of c.identities) if (identity.subscriptionStatus !== 'blocked') identity.subscriptionStatus = status;
      return { status };
    });
  }

  async handOff(customerId: string, request: Readonly<Record<string, unknown>>, meta: WriteMeta) {
    return this.#once(customerId, meta, (c) => {
      const assignTo = request.assignTo as { kind?: string } | undefined;
      const online = this.options.agentsOnline?.() ?? true;
      const assigned = assignTo?.kind === 'pending' ? false : online;
      for (const identity of c.identities) identity.conversationState = assigned ? 'in_progress' : 'pending_human';
      return { assigned };
    });
  }
}

/** Converts a written value to the attribute's type (§1.5 formats); undefined when it does not fit. */
function coerce(value: AttributeValue, type: AttributeDefinition['type']): AttributeValue | undefined {
  if (value === null) return null;
  const text = String(value).trim();
  switch (type) {
    case 'text':
      return String(value);
    case 'number': {
      if (typeof value === 'number') return value;
      return /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'date':
      if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
      return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)) ? text.slice(0, 10) : undefined;
    case 'datetime':
      return !Number.isNaN(Date.parse(text)) && /^\d{4}-\d{2}-\d{2}/.test(text) ? text : undefined;
  }
}

/** Contacts in memory: the simulator and unit tests. */
export class MemoryContactStore extends DocumentContactStore {
  // Kept as JSON text (a contact is plain JSON): every load hands out a fresh copy the caller may change,
  // and one JSON.parse per load is several times cheaper than structuredClone on the engine's hot path.
  readonly #contacts = new Map<string, string>();
  readonly #answers = new Map<string, unknown>();

  constructor(contacts: readonly Customer[] = [], options: ContactStoreOptions = {}) {
    super(options);
    for (const c of contacts) this.put(c);
  }
  put(customer: Customer): void {
    this.#contacts.set(customer.id, JSON.stringify(CustomerSchema.parse(customer)));
  }
  protected load(customerId: string): Customer | undefined {
    const c = this.#contacts.get(customerId);
    return c === undefined ? undefined : (JSON.parse(c) as Customer);
  }
  protected commit(customer: Customer | undefined, key: string, answer: unknown): void {
    if (customer) this.#contacts.set(customer.id, JSON.stringify(customer));
    this.#answers.set(key, answer);
  }
  protected recall(key: string): unknown {
    return this.#answers.get(key);
  }
}

/** Contacts in a SQLite database (JSON documents); the document and the remembered answer commit together. */
export class SqliteContactStore extends DocumentContactStore {
  readonly #get: Database.Statement;
  readonly #put: Database.Statement;
  readonly #recall: Database.Statement;
  readonly #remember: Database.Statement;
  readonly #commit: (customer: Customer | undefined, key: string, answer: unknown) => void;

  readonly db: Database.Database;

  /** A database handle, or a file path to open (WAL). */
  constructor(database: Database.Database | string, options: ContactStoreOptions = {}) {
    super(options);
    const db = typeof database === 'string' ? new BetterSqlite3(database) : database;
    if (typeof database === 'string') db.pragma('journal_mode = WAL');
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS contacts (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS contact_writes (key TEXT PRIMARY KEY, answer TEXT NOT NULL);
    `);
    this.#get = db.prepare('SELECT doc FROM contacts WHERE id = ?');
    this.#put = db.prepare('INSERT INTO contacts (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc');
    this.#recall = db.prepare('SELECT answer FROM contact_writes WHERE key = ?');
    this.#remember = db.prepare('INSERT OR IGNORE INTO contact_writes (key, answer) VALUES (?, ?)');
    this.#commit = db.transaction((customer: Customer | undefined, key: string, answer: unknown) => {
      if (customer) this.#put.run(customer.id, JSON.stringify(customer));
      this.#remember.run(key, JSON.stringify(answer ?? null));
    });
  }
  put(customer: Customer): void {
    const c = CustomerSchema.parse(customer);
    this.#put.run(c.id, JSON.stringify(c));
  }
  /** Inserts the contact only if it is not stored yet. */
  putIfMissing(customer: Customer): void {
    if (!this.#get.get(customer.id)) this.put(customer);
  }
  protected load(customerId: string): Customer | undefined {
    const row = this.#get.get(customerId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as Customer) : undefined;
  }
  protected commit(customer: Customer | undefined, key: string, answer: unknown): void {
    this.#commit(customer, key, answer);
  }
  protected recall(key: string): unknown {
    const row = this.#recall.get(key) as { answer: string } | undefined;
    return row ? JSON.parse(row.answer) : undefined;
  }
}
