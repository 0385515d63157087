import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Effect, LineAdapter } from '@omniflow/engine';
import { Customer } from '@omniflow/schemas';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretKey } from '../channels/secret-box.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type ClickTarget, ClickTokenError, ClickTokens, clickTracker } from './click-tokens.ts';
import { registerClickRoutes } from './routes.ts';

const KEY = Buffer.alloc(32, 7);
const TARGET: ClickTarget = {
  url: 'https://shop.example.com/p/runner-2?utm_source=bot&x=1',
  runId: 'run_1',
  flowId: 'flow_1',
  nodeId: 'card_1',
  customerId: 'c1',
};

describe('click tokens', () => {
  const tokens = new ClickTokens(KEY);
  it('round-trip the link and its send; other keys, edits and garbage are unknown', () => {
    const token = tokens.sign(TARGET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(tokens.verify(token)).toEqual(TARGET);
    expect(new ClickTokens(Buffer.alloc(32, 8)).verify(token)).toBeUndefined();
    const [payload, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'https://evil.example', r: 'run_1', f: 'flow_1', n: 'card_1', c: 'c1' })).toString('base64url');
    expect(tokens.verify(`${forged}.${sig}`)).toBeUndefined();
    expect(tokens.verify(`${payload}.${sig.slice(0, -2)}AA`)).toBeUndefined();
    for (const junk of ['', '.', 'abc', `${payload}.`, `.${sig}`]) expect(tokens.verify(junk)).toBeUndefined();
    expect(tokens.trackingUrl('https://omniflow.example/', TARGET)).toBe(`https://omniflow.example/r/${token}`);
  });
  it('only sign http(s) links, naming the bad field', () => {
    expect(() => tokens.sign({ ...TARGET, url: 'javascript:alert(1)' })).toThrow(ClickTokenError);
    expect(() => tokens.sign({ ...TARGET, url: 'javascript:alert(1)' })).toThrow(/^Click target url:/);
    expect(() => tokens.sign({ ...TARGET, runId: '' })).toThrow(/^Click target runId:/);
  });
});

describe('GET /r/:token', () => {
  let app: FastifyInstance;
  let base = '';
  const recorded: { target: ClickTarget; at: Date }[] = [];
  let failRecording = false;
  const tokens = new ClickTokens(KEY);
  beforeAll(async () => {
    // As the server is configured: tokens carry the link, longer than Fastify's default 100-character parameter.
    app = Fastify({ routerOptions: { maxParamLength: 5000 } });
    await registerClickRoutes(app, {
      tokens,
      now: () => new Date('2026-01-02T03:04:05Z'),
      record: async (target, at) => {
        if (failRecording) throw new Error('database is locked');
        recorded.push({ target, at });
      },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('records the click and redirects to the original link, uncached', async () => {
    const res = await fetch(`${base}/r/${tokens.sign(TARGET)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(TARGET.url);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(recorded).toEqual([{ target: TARGET, at: new Date('2026-01-02T03:04:05Z') }]);
  });

  it('an unknown or forged token is a 404 page, never a redirect', async () => {
    const forged = `${Buffer.from(JSON.stringify({ u: 'https://evil.example', r: 'r', f: 'f', n: 'n', c: 'c' })).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`;
    for (const token of ['nope', forged, new ClickTokens(Buffer.alloc(32, 1)).sign(TARGET)]) {
      const res = await fetch(`${base}/r/${token}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('此連結不存在');
    }
  });

  it('HEAD (link previews) redirects without counting; a recording failure still redirects', async () => {
    const before = recorded.length;
    const head = await fetch(`${base}/r/${tokens.sign(TARGET)}`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(recorded.length).toBe(before);
    failRecording = true;
    const res = await fetch(`${base}/r/${tokens.sign(TARGET)}`, { redirect: 'manual' });
    failRecording = false;
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(TARGET.url);
  });
});

describe('tracked links in LINE sends', () => {
  it('the LINE adapter sends tracking links that redirect to the card’s links and record the click', async () => {
    const pushes: { messages: { template?: { actions: { uri?: string }[] } }[] }[] = [];
    const line = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        pushes.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sentMessages: [{ id: '1', quoteToken: 'q' }] }));
      });
    });
    await new Promise<void>((r) => line.listen(0, '127.0.0.1', r));
    const recorded: ClickTarget[] = [];
    const tokens = new ClickTokens(KEY);
    const app = Fastify({ routerOptions: { maxParamLength: 5000 } });
    await registerClickRoutes(app, { tokens, record: async (t) => void recorded.push(t) });
    const publicUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const contact = Customer.parse({ id: 'c7', createdAt: '2025-01-01T00:00:00Z', identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U7' }] });
      const adapter = new LineAdapter({
        channels: [{ channelId: 'ch', accessToken: 'tok', channelSecret: 'sec', baseUrl: `http://127.0.0.1:${(line.address() as AddressInfo).port}` }],
        contacts: { get: async () => contact },
        trackUrl: clickTracker(tokens, publicUrl),
      });
      const sent = await adapter.deliver({
        idempotencyKey: 'run_7:card:0:0',
        kind: 'send',
        runId: 'run_7',
        flowId: 'flow_7',
        nodeId: 'card',
        customerId: 'c7',
        attempt: 1,
        payload: {
          channel: 'line',
          nodeType: 'message.text',
          purpose: 'marketing',
          content: { text: 'Sale', buttons: [{ id: 'b', label: 'Shop', action: { kind: 'url', url: TARGET.url } }] },
        },
      });
      expect(sent).toMatchObject({ ok: true });
      const uri = pushes[0]!.messages[0]!.template!.actions[0]!.uri!;
      expect(uri.startsWith(`${publicUrl}/r/`)).toBe(true);
      const res = await fetch(uri, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(TARGET.url);
      expect(recorded).toEqual([{ url: TARGET.url, runId: 'run_7', flowId: 'flow_7', nodeId: 'card', customerId: 'c7' }]);
      expect(clickTracker(tokens, publicUrl)('https://exa mple.com', { runId: 'r', flowId: 'f', nodeId: 'n', customerId: 'c' })).toBe('https://exa mple.com');
    } finally {
      await app.close();
      await new Promise<void>((r) => line.close(() => r()));
    }
  });
});

describe('click tracking in the server', () => {
  let server: RunningServer;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'omniflow-clicks-'));
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, engine: false });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a click on a tracked link counts once for the send it belongs to (§7 click rate)', async () => {
    const customer = await server.prisma.customer.create({ data: { name: 'Amy' } });
    const effect: Effect = {
      idempotencyKey: 'run_9:card_1:0:0',
      kind: 'send',
      runId: 'run_9',
      flowId: 'flow_9',
      customerId: customer.id,
      nodeId: 'card_1',
      attempt: 1,
      payload: {
        channel: 'line',
        nodeType: 'message.text',
        content: { text: 'Hi', buttons: [{ id: 'b', label: 'Go', action: { kind: 'url', url: TARGET.url } }] },
      },
    };
    await server.deliveries.begin(effect, { versionId: 'v1', isTest: false });
    await server.deliveries.settle(effect, { ok: true, messageId: 'm1', channel: 'line' }, null);
    const tokens = new ClickTokens(loadSecretKey(dataDir));
    const link = tokens.trackingUrl(server.url, { ...TARGET, runId: 'run_9', flowId: 'flow_9', customerId: customer.id });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(link, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(TARGET.url);
    }
    const engagements = await server.prisma.messageEngagement.findMany();
    expect(engagements).toEqual([expect.objectContaining({ kind: 'click', source: 'url' })]);
    const token = tokens.sign(TARGET);
    const tampered = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect((await fetch(`${server.url}/r/${tampered}`, { redirect: 'manual' })).status).toBe(404);
  });
});
