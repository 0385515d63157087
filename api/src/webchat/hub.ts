import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Effect, type EffectHandler, type EffectResult, failure } from '@omniflow/engine';
import { WebChatBotMessage, type WebChatServerFrame } from '@omniflow/schemas';
import Database from 'better-sqlite3';
import { toWebChatMessage } from './render.ts';

// The web chat channel's outbound side: the engine hands it `send` effects for channel "webchat"; it
// renders each into a WebChatBotMessage, stores it durably (one row per effect idempotency key, so a
// redelivered effect is one message), and pushes it to the visitor's open sockets. A message counts as
// delivered only when the widget says it received it (`received` frame): until then every new socket of
// the visitor gets it again, in order (the widget drops ids it has drawn), so a message written to a
// socket that died on the way is not lost.

/** One open socket of a visitor (the ws wrapper resolves once the frame is written). */
export interface WebChatConnection {
  send(frame: WebChatServerFrame): Promise<void>;
  /** Closes the socket (the widget reconnects). */
  close?(code: number, reason: string): void;
}

/** Where a contact chats on web chat: its identity's channel and visitor id. */
export interface WebChatAddress {
  channelId: string;
  visitorId: string;
}

export interface WebChatHubOptions {
  /** SQLite file of the offline queue (":memory:" in unit tests). */
  file: string;
  /** The contact's web chat address, or undefined when it has no web chat identity. */
  addressOf: (customerId: string) => Promise<WebChatAddress | undefined>;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

interface QueuedRow {
  seq: number;
  id: string;
  message: string;
  delivered_at: number | null;
}

const addressKey = (a: WebChatAddress) => `${a.channelId}\u0000${a.visitorId}`;

/** A message id stable per effect: the widget drops a message it has already drawn. */
export function webChatMessageId(idempotencyKey: string): string {
  return `wcm_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32)}`;
}

export class WebChatHub implements EffectHandler {
  readonly #db: Database.Database;
  readonly #o: WebChatHubOptions;
  readonly #sockets = new Map<string, Set<WebChatConnection>>();
  readonly #flushing = new Map<string, Promise<number>>();
  /** Message seqs already written to each socket (so a socket gets each message once). */
  readonly #sentTo = new WeakMap<WebChatConnection, Set<number>>();
  readonly #ack: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #byKey: Database.Statement;
  readonly #pending: Database.Statement;

  constructor(options: WebChatHubOptions) {
    this.#o = options;
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.#db = new Database(options.file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS webchat_messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      id TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      visitor_id TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      message TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      delivered_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS webchat_pending ON webchat_messages (channel_id, visitor_id, seq) WHERE delivered_at IS NULL;`);
    this.#insert = this.#db.prepare(
      'INSERT OR IGNORE INTO webchat_messages (key, id, channel_id, visitor_id, customer_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#byKey = this.#db.prepare('SELECT seq, id, message, delivered_at FROM webchat_messages WHERE key = ?');
    this.#pending = this.#db.prepare(
      'SELECT seq, id, message, delivered_at FROM webchat_messages WHERE channel_id = ? AND visitor_id = ? AND delivered_at IS NULL ORDER BY seq',
    );
    this.#ack = this.#db.prepare('UPDATE webchat_messages SET delivered_at = ? WHERE channel_id = ? AND visitor_id = ? AND id = ? AND delivered_at IS NULL');
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  /** Registers an open socket for a visitor and sends it what was queued while nobody listened. */
  async attach(address: WebChatAddress, connection: WebChatConnection): Promise<() => void> {
    const key = addressKey(address);
    let set = this.#sockets.get(key);
    if (!set) {
      set = new Set();
      this.#sockets.set(key, set);
    }
    set.add(connection);
    const detach = () => {
      const current = this.#sockets.get(key);
      current?.delete(connection);
      if (current?.size === 0) this.#sockets.delete(key);
    };
    await this.flush(address);
    return detach;
  }

  /** Closes the open sockets of one visitor, or of everyone (a deleted contact, a maintenance window); widgets reconnect. */
  disconnect(address?: WebChatAddress, reason = 'going away'): number {
    const sets = address ? [this.#sockets.get(addressKey(address)) ?? new Set<WebChatConnection>()] : [...this.#sockets.values()];
    let closed = 0;
    for (const set of sets)
      for (const socket of set) {
        socket.close?.(1001, reason);
        closed++;
      }
    return closed;
  }

  /** Whether the visitor has a socket open now. */
  online(address: WebChatAddress): boolean {
    return (this.#sockets.get(addressKey(address))?.size ?? 0) > 0;
  }

  /** Sends a frame (typing, handoff…) to every open socket of the visitor; not queued. */
  async broadcast(address: WebChatAddress, frame: WebChatServerFrame): Promise<number> {
    const sockets = [...(this.#sockets.get(addressKey(address)) ?? [])];
    const results = await Promise.allSettled(sockets.map((s) => s.send(frame)));
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  /** Writes the visitor's unacknowledged messages, in order, to each open socket that has not had them; returns how many writes. */
  flush(address: WebChatAddress): Promise<number> {
    // One flush per visitor at a time: two at once would both read the same pending rows and send them twice.
    const key = addressKey(address);
    const run = (this.#flushing.get(key) ?? Promise.resolve()).then(async () => {
      const rows = this.#pending.all(address.channelId, address.visitorId) as QueuedRow[];
      let writes = 0;
      for (const socket of [...(this.#sockets.get(key) ?? [])]) {
        let sent = this.#sentTo.get(socket);
        if (!sent) {
          sent = new Set();
          this.#sentTo.set(socket, sent);
        }
        for (const row of rows) {
          if (sent.has(row.seq)) continue;
          try {
            await socket.send({ type: 'message', message: WebChatBotMessage.parse(JSON.parse(row.message)) });
          } catch {
            break; // closed: it detaches; the rest waits for the next socket
          }
          sent.add(row.seq);
          writes++;
        }
      }
      return writes;
    });
    const settled = run.catch(() => 0);
    this.#flushing.set(key, settled);
    void settled.then(() => {
      if (this.#flushing.get(key) === settled) this.#flushing.delete(key);
    });
    return run;
  }

  /** The widget drew these messages: they are delivered and never sent again. */
  acknowledge(address: WebChatAddress, messageIds: readonly string[]): number {
    const at = this.#now().getTime();
    let n = 0;
    for (const id of messageIds) n += this.#ack.run(at, address.channelId, address.visitorId, id).changes;
    return n;
  }

  /** The engine's `send` effects for channel "webchat". Queued counts as sent: the channel holds it until the visitor is back. */
  async deliver(effect: Effect): Promise<EffectResult> {
    if (effect.kind !== 'send') return failure('channel_not_supported', `Web chat delivers messages only, not ${effect.kind}`, false);
    const payload = effect.payload as { nodeType?: unknown; content?: unknown };
    const address = await this.#o.addressOf(effect.customerId);
    if (!address) return failure('no_contact_on_channel', `Contact ${effect.customerId} has no web chat identity`, false);
    const existing = this.#byKey.get(effect.idempotencyKey) as QueuedRow | undefined;
    let row = existing;
    if (!row) {
      const content = payload.content && typeof payload.content === 'object' ? (payload.content as Record<string, unknown>) : {};
      const id = webChatMessageId(effect.idempotencyKey);
      const rendered = toWebChatMessage(
        { nodeType: String(payload.nodeType ?? ''), content },
        { flowId: effect.flowId, nodeId: effect.nodeId },
        { id, at: this.#now().toISOString() },
      );
      if (!('id' in rendered)) return rendered;
      this.#insert.run(effect.idempotencyKey, id, address.channelId, address.visitorId, effect.customerId, JSON.stringify(rendered), this.#now().getTime());
      row = this.#byKey.get(effect.idempotencyKey) as QueuedRow;
    }
    // Earlier messages not yet written go first, so the visitor reads them in order.
    if (row.delivered_at === null) {
      try {
        await this.flush(address);
      } catch (e) {
        this.#o.onError?.(e);
      }
    }
    return { ok: true, messageId: row.id, channel: 'webchat' };
  }

  /** Messages the visitor has not acknowledged yet (for tests and diagnostics). */
  pending(address: WebChatAddress): WebChatBotMessage[] {
    return (this.#pending.all(address.channelId, address.visitorId) as QueuedRow[]).map((r) => WebChatBotMessage.parse(JSON.parse(r.message)));
  }

  close(): void {
    this.#sockets.clear();
    if (this.#db.open) this.#db.close();
  }
}
