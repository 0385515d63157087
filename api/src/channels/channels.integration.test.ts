import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineSignature } from '@omniflow/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { type BrowserLikeClient, httpClient } from '../testing/http-client.ts';
import { SECRET_KEY_FILE } from './secret-box.ts';

// Channel connections over real HTTP with a real SQLite file: admins manage them, secrets go in and never
// come out (api responses, audit log, logs, the database file), and LINE webhooks are verified, recorded
// once and turned into contacts.

const ACCESS_TOKEN = 'line-access-token-9f8e7d6c5b4a3210';
const CHANNEL_SECRET = 'line-channel-secret-0a1b2c3d4e5f';
const USER = 'U1234567890abcdef1234567890abcdef';

let server: RunningServer;
let dataDir: string;
let admin: BrowserLikeClient;
let marketer: BrowserLikeClient;
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-channels-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logger: { level: 'info', stream: { write: (line) => logLines.push(line) } } });
  admin = httpClient(server.url);
  await admin.trpc.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
  await admin.trpc.users.create.mutate({ email: 'm@example.com', name: 'M', role: 'marketer', password: 'marketer-password-long' });
  marketer = httpClient(server.url);
  await marketer.trpc.auth.signIn.mutate({ email: 'm@example.com', password: 'marketer-password-long' });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function createLine() {
  return admin.trpc.channels.create.mutate({
    kind: 'line',
    name: 'Main OA',
    settings: {},
    secrets: { channelAccessToken: ACCESS_TOKEN, channelSecret: CHANNEL_SECRET },
  });
}

function postLine(connectionId: string, body: string, signature: string | null) {
  return fetch(`${server.url}/webhooks/line/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-line-signature': signature } : {}) },
    body,
  });
}

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  type: 'message',
  webhookEventId: id,
  timestamp: Date.parse('2026-11-25T10:00:00Z'),
  mode: 'active',
  source: { type: 'user', userId: USER },
  deliveryContext: { isRedelivery: false },
  replyToken: 'reply-token-1',
  message: { id: `m-${id}`, type: 'text', text: 'hello there' },
  ...extra,
});

describe('channel connections', () => {
  it('admins create, read, update, rotate and delete; secrets show only as set + last 4', async () => {
    const created = await createLine();
    expect(created).toMatchObject({ kind: 'line', name: 'Main OA', webhookPath: `/webhooks/line/${created.id}` });
    expect(created.secrets).toEqual({ channelAccessToken: { set: true, last4: '3210' }, channelSecret: { set: true, last4: '4e5f' } });
    const updated = await admin.trpc.channels.update.mutate({ id: created.id, name: 'Renamed', settings: { baseUrl: 'http://127.0.0.1:9' } });
    expect(updated.settings).toEqual({ baseUrl: 'http://127.0.0.1:9' });
    const rotated = await admin.trpc.channels.rotateSecret.mutate({ id: created.id, name: 'channelAccessToken', value: 'new-access-token-xyzw' });
    expect(rotated.secrets.channelAccessToken).toEqual({ set: true, last4: 'xyzw' });
    expect(server.channels.get(created.id)?.secrets.channelAccessToken).toBe('new-access-token-xyzw');
    const listed = await admin.trpc.channels.list.query({ kind: 'line' });
    expect(listed.map((c) => c.id)).toContain(created.id);
    await admin.trpc.channels.delete.mutate({ id: created.id });
    await expect(admin.trpc.channels.get.query({ id: created.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(server.channels.get(created.id)).toBeUndefined();

    const everything = JSON.stringify([created, updated, rotated, listed]);
    expect(everything).not.toContain(ACCESS_TOKEN);
    expect(everything).not.toContain(CHANNEL_SECRET);
    const audit = await admin.trpc.audit.list.query({ objectType: 'channel' });
    expect(audit.items.map((a) => a.action).sort()).toEqual(['channel.create', 'channel.delete', 'channel.rotate_secret', 'channel.update']);
    expect(JSON.stringify(audit)).not.toContain(ACCESS_TOKEN);
    expect(JSON.stringify(audit)).not.toContain('new-access-token-xyzw');
  });

  it('only admins manage connections; bad input names the field', async () => {
    await expect(marketer.trpc.channels.list.query({})).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(
      admin.trpc.channels.create.mutate({ kind: 'line', name: 'x', settings: {}, secrets: { channelAccessToken: 'abc' } } as never),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST', inputIssues: [expect.objectContaining({ path: ['secrets', 'channelSecret'] })] } });
    const wa = await admin.trpc.channels.create.mutate({
      kind: 'whatsapp',
      name: 'WA',
      settings: { phoneNumberId: '1234567890' },
      secrets: { accessToken: 'wa-access-token-000111', appSecret: 'wa-app-secret-222333', verifyToken: 'wa-verify-444555' },
    });
    await expect(admin.trpc.channels.update.mutate({ id: wa.id, settings: { phoneNumberId: '' } })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST', details: { kind: 'invalid_field', field: 'settings.phoneNumberId' } },
    });
    await expect(admin.trpc.channels.rotateSecret.mutate({ id: wa.id, name: 'channelSecret', value: 'x' })).rejects.toMatchObject({
      data: { details: { field: 'name' } },
    });
    await expect(admin.trpc.channels.rotateSecret.mutate({ id: wa.id, name: 'appSecret', value: null })).rejects.toMatchObject({
      data: { details: { field: 'secrets.appSecret' } },
    });
  });

  it('keeps secrets encrypted in the SQLite file, with a 0600 key file', async () => {
    const c = await createLine();
    // On PostgreSQL (npm run test:postgres) there is no file to read; the row check below still runs.
    const onSqlite = !process.env.DATABASE_URL;
    if (onSqlite) await server.prisma.$queryRaw`PRAGMA wal_checkpoint(FULL)`;
    const files = onSqlite ? readdirSync(dataDir).filter((f) => f.startsWith('omniflow.db')) : [];
    if (onSqlite) expect(files).toContain('omniflow.db');
    for (const f of files) {
      const bytes = readFileSync(join(dataDir, f));
      expect(bytes.includes(Buffer.from(ACCESS_TOKEN)), f).toBe(false);
      expect(bytes.includes(Buffer.from(CHANNEL_SECRET)), f).toBe(false);
    }
    const row = await server.prisma.channelConnection.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.secrets).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statSync(join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe('LINE webhook', () => {
  it('accepts a signed event once, creates the contact and opens its window; rejects forged, missing and malformed', async () => {
    const c = await createLine();
    const body = JSON.stringify({ destination: 'Udest', events: [event('01WEBHOOKEVENT0000000001')] });
    const ok = await postLine(c.id, body, lineSignature(body, CHANNEL_SECRET));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, accepted: 1, duplicates: 0, ignored: 0 });

    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'line', channelId: c.id, externalUserId: USER } },
    });
    expect(identity.customerLastInteractionAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z');

    // LINE redelivers the same event: recorded once, not processed again.
    const again = await postLine(c.id, body, lineSignature(body, CHANNEL_SECRET));
    expect(await again.json()).toEqual({ ok: true, accepted: 0, duplicates: 1, ignored: 0 });
    expect(await server.prisma.inboundEvent.count({ where: { connectionId: c.id } })).toBe(1);

    const forged = await postLine(c.id, body, lineSignature(body, 'not-the-secret'));
    expect(forged.status).toBe(401);
    const missing = await postLine(c.id, body, null);
    expect(missing.status).toBe(401);
    const garbage = 'not json';
    const malformed = await postLine(c.id, garbage, lineSignature(garbage, CHANNEL_SECRET));
    expect(malformed.status).toBe(400);
    const unknown = await postLine('nope', body, lineSignature(body, CHANNEL_SECRET));
    expect(unknown.status).toBe(404);
    const tampered = body.replace('hello there', 'hello THERE');
    expect((await postLine(c.id, tampered, lineSignature(body, CHANNEL_SECRET))).status).toBe(401);
    expect(await server.prisma.inboundEvent.count({ where: { connectionId: c.id } })).toBe(1);

    const warnings = logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    // One warn line per rejection: forged, missing, malformed, tampered, unknown connection.
    expect(warnings.filter((w) => w.msg.startsWith('LINE webhook rejected'))).toHaveLength(4);
    expect(warnings.filter((w) => w.msg.includes('unknown line connection'))).toHaveLength(1);
    const allLogs = logLines.join('\n');
    expect(allLogs).not.toContain(ACCESS_TOKEN);
    expect(allLogs).not.toContain(CHANNEL_SECRET);
  });
});
