import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metaSignature } from '@omniflow/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { httpClient } from '../testing/http-client.ts';

// Messenger and WhatsApp webhooks through the real server: the GET handshake, X-Hub-Signature-256 checked
// on the raw body (forged, missing, malformed → 4xx, never processed), inbound messages deduplicated by
// message id, and delivery statuses (WhatsApp statuses, Messenger delivery/read watermarks) moving the
// recorded sends forward only.

const APP_SECRET = 'meta-app-secret-5566778899';
const VERIFY = 'verify-token-aabbccddeeff';
const PSID = '6543210987654321';
const WA_ID = '16505551234';

let server: RunningServer;
let dataDir: string;
let messengerId: string;
let whatsappId: string;
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-meta-hooks-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logger: { level: 'info', stream: { write: (l) => logLines.push(l) } } });
  const admin = httpClient(server.url);
  await admin.trpc.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
  messengerId = (
    await admin.trpc.channels.create.mutate({
      kind: 'messenger',
      name: 'Page',
      settings: { pageId: '1122334455' },
      secrets: { pageAccessToken: 'page-access-token-000999', appSecret: APP_SECRET, verifyToken: VERIFY },
    })
  ).id;
  whatsappId = (
    await admin.trpc.channels.create.mutate({
      kind: 'whatsapp',
      name: 'WA',
      settings: { phoneNumberId: '106540352242922' },
      secrets: { accessToken: 'wa-access-token-777888', appSecret: APP_SECRET, verifyToken: VERIFY },
    })
  ).id;
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(path: string, body: string, signature: string | null) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });
}
const signedPost = (path: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  return post(path, body, metaSignature(body, APP_SECRET));
};

const page = (messaging: Record<string, unknown>[]) => ({ object: 'page', entry: [{ id: '1122334455', time: 1_764_000_000_000, messaging }] });
const wa = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value },
        },
      ],
    },
  ],
});

async function recordSend(channel: string, customerId: string, platformMessageId: string, sentAt: Date) {
  return server.prisma.messageDelivery.create({
    data: {
      idempotencyKey: `run:${platformMessageId}`,
      channel,
      platformMessageId,
      runId: 'run',
      flowId: 'flow',
      versionId: 'v1',
      nodeId: 'n1',
      customerId,
      status: 'sent',
      sendingAt: sentAt,
      sentAt,
    },
  });
}

describe('Meta webhook (Messenger)', () => {
  it('answers the subscription handshake only with the right verify token, which never reaches the logs', async () => {
    const ok = await fetch(`${server.url}/webhooks/meta/${messengerId}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    const wrong = await fetch(`${server.url}/webhooks/meta/${messengerId}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
    expect(logLines.join('\n')).not.toContain(VERIFY);
    expect(logLines.join('\n')).toContain('hub.verify_token=[REDACTED]');
  });

  it('accepts a signed message once; forged, missing and malformed are refused and not processed', async () => {
    const payload = page([{ sender: { id: PSID }, recipient: { id: '1122334455' }, timestamp: 1_764_000_000_000, message: { mid: 'm_AAA111', text: 'hi' } }]);
    const first = await signedPost(`/webhooks/meta/${messengerId}`, payload);
    expect(await first.json()).toMatchObject({ ok: true, accepted: 1, duplicates: 0 });
    const again = await signedPost(`/webhooks/meta/${messengerId}`, payload);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const body = JSON.stringify(payload);
    expect((await post(`/webhooks/meta/${messengerId}`, body, metaSignature(body, 'attacker-secret'))).status).toBe(401);
    expect((await post(`/webhooks/meta/${messengerId}`, body, null)).status).toBe(401);
    const broken = '{"object":"page","entry":[';
    expect((await post(`/webhooks/meta/${messengerId}`, broken, metaSignature(broken, APP_SECRET))).status).toBe(400);
    // A WhatsApp body on a Messenger connection is malformed for it.
    expect((await signedPost(`/webhooks/meta/${messengerId}`, wa({ messages: [] }))).status).toBe(400);
    expect(await server.prisma.inboundEvent.count({ where: { connectionId: messengerId } })).toBe(1);
    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'messenger', channelId: messengerId, externalUserId: PSID } },
    });
    expect(identity.customerLastInteractionAt?.getTime()).toBe(1_764_000_000_000);
    expect(identity.source).toBe('inbound_message');
    expect(logLines.filter((l) => l.includes('Meta webhook rejected'))).toHaveLength(4);
  });

  it('delivery and read watermarks move earlier sends to received and read', async () => {
    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'messenger', channelId: messengerId, externalUserId: PSID } },
    });
    await recordSend('messenger', identity.customerId, 'm_OUT1', new Date(1_764_000_100_000));
    await recordSend('messenger', identity.customerId, 'm_OUT2', new Date(1_764_000_300_000));
    const receipts = await signedPost(
      `/webhooks/meta/${messengerId}`,
      page([
        {
          sender: { id: PSID },
          recipient: { id: '1122334455' },
          timestamp: 1_764_000_400_000,
          delivery: { mids: ['m_OUT1', 'm_OUT2'], watermark: 1_764_000_350_000 },
        },
        { sender: { id: PSID }, recipient: { id: '1122334455' }, timestamp: 1_764_000_400_000, read: { watermark: 1_764_000_200_000 } },
      ]),
    );
    expect(receipts.status).toBe(200);
    const rows = await server.prisma.messageDelivery.findMany({ where: { channel: 'messenger' }, orderBy: { sentAt: 'asc' } });
    expect(rows.map((r) => [r.platformMessageId, r.status])).toEqual([
      ['m_OUT1', 'read'],
      ['m_OUT2', 'received'],
    ]);
  });
});

describe('Meta webhook (Instagram)', () => {
  it('routes object "instagram" to an Instagram connection and applies a read by message id', async () => {
    const admin = httpClient(server.url);
    await admin.trpc.auth.signIn.mutate({ email: server.firstAdmin!.email, password: server.firstAdmin!.password });
    const ig = await admin.trpc.channels.create.mutate({
      kind: 'instagram',
      name: 'IG',
      settings: { igUserId: '17841400000000000' },
      secrets: { pageAccessToken: 'ig-access-token-123456', appSecret: APP_SECRET, verifyToken: VERIFY },
    });
    const igsid = '9988776655443322';
    const message = {
      object: 'instagram',
      entry: [
        {
          id: '17841400000000000',
          time: 1_764_000_000_000,
          messaging: [
            { sender: { id: igsid }, recipient: { id: '17841400000000000' }, timestamp: 1_764_000_000_000, message: { mid: 'ig_mid_1', text: 'hey' } },
          ],
        },
      ],
    };
    expect(await (await signedPost(`/webhooks/meta/${ig.id}`, message)).json()).toMatchObject({ accepted: 1 });
    // A Messenger body is not for an Instagram connection.
    expect((await signedPost(`/webhooks/meta/${ig.id}`, page([]))).status).toBe(400);
    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'instagram', channelId: ig.id, externalUserId: igsid } },
    });
    await recordSend('instagram', identity.customerId, 'ig_out_1', new Date(1_764_000_050_000));
    const seenBody = {
      object: 'instagram',
      entry: [
        {
          id: '17841400000000000',
          time: 1_764_000_090_000,
          messaging: [{ sender: { id: igsid }, recipient: { id: '17841400000000000' }, timestamp: 1_764_000_090_000, read: { mid: 'ig_out_1' } }],
        },
      ],
    };
    expect(await (await signedPost(`/webhooks/meta/${ig.id}`, seenBody)).json()).toMatchObject({ receipts: 1 });
    expect(await server.prisma.messageDelivery.findFirstOrThrow({ where: { platformMessageId: 'ig_out_1' } })).toMatchObject({ status: 'read' });
  });
});

describe('WhatsApp webhook', () => {
  it('creates the contact from an inbound message, dedupes it, and applies statuses forward only', async () => {
    const inbound = wa({
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }],
      messages: [{ from: WA_ID, id: 'wamid.IN1', timestamp: '1764000000', type: 'text', text: { body: 'Hello' } }],
    });
    expect(await (await signedPost(`/webhooks/whatsapp/${whatsappId}`, inbound)).json()).toMatchObject({ accepted: 1 });
    expect(await (await signedPost(`/webhooks/whatsapp/${whatsappId}`, inbound)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'whatsapp', channelId: whatsappId, externalUserId: WA_ID } },
      include: { customer: true },
    });
    expect(identity.customer.name).toBe('Sheena Nelson');

    await recordSend('whatsapp', identity.customerId, 'wamid.OUT1', new Date(1_764_000_010_000));
    await recordSend('whatsapp', identity.customerId, 'wamid.OUT2', new Date(1_764_000_010_000));
    const status = (id: string, s: string, ts: string, extra: Record<string, unknown> = {}) => ({
      id,
      status: s,
      timestamp: ts,
      recipient_id: WA_ID,
      ...extra,
    });
    // OUT1: read arrives before delivered (WhatsApp allows it), then a late delivered and a late failure change nothing.
    const r = await signedPost(
      `/webhooks/whatsapp/${whatsappId}`,
      wa({
        statuses: [
          status('wamid.OUT1', 'read', '1764000030'),
          status('wamid.OUT1', 'delivered', '1764000020'),
          status('wamid.OUT2', 'failed', '1764000040', { errors: [{ code: 131047, title: 'Re-engagement message' }] }),
        ],
      }),
    );
    expect(await r.json()).toMatchObject({ statuses: 3 });
    const rows = await server.prisma.messageDelivery.findMany({ where: { channel: 'whatsapp' }, orderBy: { platformMessageId: 'asc' } });
    expect(rows[0]).toMatchObject({ platformMessageId: 'wamid.OUT1', status: 'read' });
    expect(rows[0]!.receivedAt?.getTime()).toBe(1_764_000_030_000);
    expect(rows[1]).toMatchObject({ platformMessageId: 'wamid.OUT2', status: 'failed' });
    expect(rows[1]!.reason).toBeTruthy();

    const body = JSON.stringify(inbound);
    expect((await post(`/webhooks/whatsapp/${whatsappId}`, body, `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await post(`/webhooks/whatsapp/${whatsappId}`, body, null)).status).toBe(401);
    expect((await signedPost(`/webhooks/whatsapp/${whatsappId}`, page([]))).status).toBe(400);
    const handshake = await fetch(`${server.url}/webhooks/whatsapp/${whatsappId}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=42`);
    expect(await handshake.text()).toBe('42');
  });

  it('keeps the click-to-WhatsApp ad click id for the Conversions API', async () => {
    const fromAd = wa({
      contacts: [{ profile: { name: 'Ad Clicker' }, wa_id: '886912345678' }],
      messages: [
        {
          from: '886912345678',
          id: 'wamid.AD1',
          timestamp: '1764000100',
          type: 'text',
          text: { body: 'Is this still available?' },
          referral: {
            source_url: 'https://fb.me/xyz',
            source_type: 'ad',
            source_id: '120200000',
            headline: 'Sale',
            ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
          },
        },
      ],
    });
    expect(await (await signedPost(`/webhooks/whatsapp/${whatsappId}`, fromAd)).json()).toMatchObject({ accepted: 1 });
    const identity = await server.prisma.contactIdentity.findUniqueOrThrow({
      where: { channel_channelId_externalUserId: { channel: 'whatsapp', channelId: whatsappId, externalUserId: '886912345678' } },
    });
    expect(identity.source).toBe('click_to_message_ad');
    const value = await server.prisma.attributeValue.findUniqueOrThrow({ where: { customerId_key: { customerId: identity.customerId, key: 'ctwa_clid' } } });
    expect(JSON.parse(value.value)).toMatch(/^ARAkLkA8/);
  });
});
