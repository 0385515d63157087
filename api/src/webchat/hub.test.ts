import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Effect } from '@omniflow/engine';
import type { WebChatServerFrame } from '@omniflow/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebChatAddress, type WebChatConnection, WebChatHub } from './hub.ts';

// The hub against a real SQLite file: sends to a visitor who is away are kept across a restart and
// delivered in order, exactly once, when a socket attaches.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const address: WebChatAddress = { channelId: 'site', visitorId: 'v_1' };
const addresses: Record<string, WebChatAddress> = { cust_1: address };

function hubAt(file: string): WebChatHub {
  return new WebChatHub({ file, addressOf: async (customerId) => addresses[customerId] });
}

function effect(key: string, text: string, customerId = 'cust_1'): Effect {
  return {
    idempotencyKey: key,
    kind: 'send',
    runId: 'run_1',
    flowId: 'flow_1',
    customerId,
    nodeId: 'node_1',
    payload: { nodeType: 'message.text', content: { text, buttons: [] }, purpose: 'conversational', channel: 'webchat' },
    attempt: 1,
  };
}

class Socket implements WebChatConnection {
  readonly frames: WebChatServerFrame[] = [];
  open = true;
  async send(frame: WebChatServerFrame): Promise<void> {
    if (!this.open) throw new Error('closed');
    this.frames.push(frame);
  }
  texts(): (string | undefined)[] {
    return this.frames.flatMap((f) => (f.type === 'message' ? [f.message.text] : []));
  }
}

describe('WebChatHub', () => {
  it('keeps messages for an absent visitor across a restart and flushes them in order once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omniflow-webchat-'));
    dirs.push(dir);
    const file = join(dir, 'webchat.db');
    const first = hubAt(file);
    expect(await first.deliver(effect('k1', 'one'))).toMatchObject({ ok: true, channel: 'webchat' });
    expect(await first.deliver(effect('k2', 'two'))).toMatchObject({ ok: true });
    // A redelivery of the same effect is the same message.
    const again = await first.deliver(effect('k1', 'one'));
    expect(again).toEqual(await first.deliver(effect('k1', 'one')));
    first.close();

    const hub = hubAt(file);
    expect(hub.pending(address).map((m) => m.text)).toEqual(['one', 'two']);
    const socket = new Socket();
    await hub.attach(address, socket);
    expect(socket.texts()).toEqual(['one', 'two']);
    // Written but not yet acknowledged: a socket that died on the way loses nothing.
    const unacknowledged = new Socket();
    await hub.attach(address, unacknowledged);
    expect(unacknowledged.texts()).toEqual(['one', 'two']);
    // A new message reaches each open socket once.
    await hub.deliver(effect('k3', 'three'));
    expect(socket.texts()).toEqual(['one', 'two', 'three']);
    expect(
      hub.acknowledge(
        address,
        hub.pending(address).map((m) => m.id),
      ),
    ).toBe(3);
    expect(hub.pending(address)).toEqual([]);
    const other = new Socket();
    await hub.attach(address, other);
    expect(other.frames).toEqual([]);
    hub.close();
  });

  it('pushes at once to every open socket, and queues again when the only socket has gone', async () => {
    const hub = hubAt(':memory:');
    const a = new Socket();
    const b = new Socket();
    const detachA = await hub.attach(address, a);
    await hub.attach(address, b);
    await hub.deliver(effect('k1', 'hello'));
    expect(a.texts()).toEqual(['hello']);
    expect(b.texts()).toEqual(['hello']);
    hub.acknowledge(address, [a.frames[0]?.type === 'message' ? a.frames[0].message.id : '']);
    detachA();
    b.open = false;
    await hub.deliver(effect('k2', 'later'));
    expect(hub.pending(address).map((m) => m.text)).toEqual(['later']);
    const c = new Socket();
    await hub.attach(address, c);
    expect(c.texts()).toEqual(['later']);
    hub.close();
  });

  it('fails a send to a contact without a web chat identity, or content it cannot draw', async () => {
    const hub = hubAt(':memory:');
    expect(await hub.deliver(effect('k1', 'x', 'someone_else'))).toMatchObject({ ok: false, reason: 'no_contact_on_channel', retryable: false });
    const imagemap = { ...effect('k2', 'x'), payload: { nodeType: 'message.imagemap', content: {}, channel: 'webchat' } };
    expect(await hub.deliver(imagemap)).toMatchObject({ ok: false, reason: 'unsupported_content' });
    expect(await hub.deliver({ ...effect('k3', 'x'), kind: 'http' })).toMatchObject({ ok: false, reason: 'channel_not_supported' });
    hub.close();
  });
});
