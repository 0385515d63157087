import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './auth/session-token.ts';
import { type RunningServer, startServer } from './server.ts';

// Fuzzing the customer-data procedures through the HTTP server: for each family, FC_RUNS (default 2,000)
// generated inputs, each malformed by construction (a non-object, or a valid input with at least
// one field replaced by a value its schema or the data refuses). Every call must be refused with a
// client error (never a 500 / INTERNAL_SERVER_ERROR), or answer a typed failure, and no table may
// change: a rejected call writes nothing, not even part of a row.

const RUNS = Number(process.env.FC_RUNS ?? 2000);
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 16;

let server: RunningServer;
let dataDir: string;
let cookie: string;
const real = { customerId: '', identityId: '', flowId: '' };

type Input = Record<string, unknown>;
interface Target {
  path: string;
  type: 'query' | 'mutation';
  base: () => Input;
  /** Per field, values that make the input unacceptable (by schema, or because the data refuses them). */
  bad: Record<string, fc.Arbitrary<unknown>>;
}

// ---- bad values -------------------------------------------------------------------------------
/** Neither a string nor null nor a list of strings (nullable fields take null, list fields take lists). */
const notText = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const notAString = fc.oneof(notText, fc.constant(null));
const blank = fc.stringMatching(/^\s{0,5}$/);
const tooLong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 40 }).filter((s) => s.trim().length > max);
/** For required trimmed strings of 1…max characters. */
const badText = (max: number) => fc.oneof(notAString, blank, tooLong(max));
/** For optional nullable text: anything but a string of the right length or null. */
const badOptionalText = (max: number) => fc.oneof(notText, blank, tooLong(max));
/** Well-formed ids that name nothing. */
const dangling = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `nope-${s}`);
const badId = fc.oneof(notAString, fc.constant(''), fc.string({ minLength: 65, maxLength: 90 }), dangling);
const notInEnum = (values: readonly string[]) =>
  fc.oneof(
    notText,
    fc.string({ maxLength: 12 }).filter((s) => !values.includes(s)),
  );
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }));
const badTags = fc.oneof(
  fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string()),
  fc.constant([]),
  fc.array(blank, { minLength: 1, maxLength: 3 }),
  fc.array(tooLong(100), { minLength: 1, maxLength: 2 }),
  fc.array(fc.constant('t'), { minLength: 21, maxLength: 25 }),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
);
const badAmount = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 100_000_001 }),
  fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.string(),
  fc.constant(null),
);
const badKey = fc.oneof(
  notAString,
  fc.constant(''),
  tooLong(200),
  fc.string({ maxLength: 20 }).map((s) => `k|${s}`),
  fc.constant('has space'),
);
const badPhone = fc.oneof(notText, fc.stringMatching(/^0\d{6,14}$/), fc.stringMatching(/^[a-z+]{1,10}$/), fc.stringMatching(/^[1-9]\d{0,4}$/));
const badEmail = fc.oneof(
  notText,
  fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')),
);
const badDate = fc.oneof(
  notText,
  fc.string({ maxLength: 20 }).filter((s) => Number.isNaN(Date.parse(s)) || !s.includes('T')),
);
const badAttributeKey = fc.oneof(notAString, fc.constant(''), fc.stringMatching(/^[a-z]{1,5}[ \-.!][a-z]{0,5}$/), fc.string({ minLength: 65, maxLength: 70 }));
const unexpected = fc.jsonValue({ maxDepth: 2 });
/** Import files no import can read: an unknown column, an unterminated quote, or not a JSON array of rows. */
const badContent = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `zz${s.replace(/[",\r\n]/g, '')},Name\nx,y`),
  fc.string({ maxLength: 20 }).map((s) => `Member ID,Name\n"${s.replace(/"/g, '')}`),
  fc.constant(''),
  notAString,
);

const TARGETS: Record<string, Target[]> = {
  contacts: [
    {
      path: 'contacts.create',
      type: 'mutation',
      base: () => ({ name: 'Fuzz' }),
      bad: { memberId: badOptionalText(100), name: badOptionalText(200), phone: badPhone, email: badEmail, lastCheckoutAt: badDate, unexpected },
    },
    {
      path: 'contacts.update',
      type: 'mutation',
      base: () => ({ id: real.customerId, name: 'Fuzz' }),
      bad: { id: badId, name: badOptionalText(200), phone: badPhone, email: badEmail, unexpected },
    },
    {
      path: 'contacts.addIdentity',
      type: 'mutation',
      base: () => ({ customerId: real.customerId, channel: 'line', channelId: 'fuzz', externalUserId: 'new-user' }),
      bad: {
        customerId: badId,
        channel: notInEnum(['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'wechat', 'sms']),
        channelId: badText(200),
        externalUserId: badText(200),
        subscriptionStatus: notInEnum(['subscribed', 'unsubscribed', 'blocked']),
        unexpected,
      },
    },
    {
      path: 'contacts.updateIdentity',
      type: 'mutation',
      base: () => ({ id: real.identityId, displayName: 'Fuzz' }),
      bad: {
        id: badId,
        displayName: badOptionalText(200),
        overQuota: notBoolean,
        conversationState: notInEnum(['pending_bot', 'pending_human', 'in_progress', 'closed']),
        unexpected,
      },
    },
    { path: 'contacts.get', type: 'query', base: () => ({ id: real.customerId }), bad: { id: badId } },
  ],
  tags: [
    {
      path: 'tags.add',
      type: 'mutation',
      base: () => ({ customerId: real.customerId, tags: ['fuzz'] }),
      bad: { customerId: badId, tags: badTags, idempotencyKey: badKey, unexpected },
    },
    {
      path: 'tags.remove',
      type: 'mutation',
      base: () => ({ customerId: real.customerId, tags: ['fuzz'] }),
      bad: { customerId: badId, tags: badTags, unexpected },
    },
    {
      path: 'tags.batch',
      type: 'mutation',
      base: () => ({ op: 'apply', customerIds: [real.customerId], tags: ['fuzz'] }),
      bad: {
        op: notInEnum(['apply', 'remove']),
        customerIds: fc.oneof(
          notAString,
          fc.constant([]),
          fc.array(badId, { minLength: 1, maxLength: 3 }),
          fc.constant(Array.from({ length: 1001 }, (_, i) => `c${i}`)),
        ),
        tags: badTags,
        triggerJourneys: notBoolean,
        unexpected,
      },
    },
    {
      path: 'tags.log',
      type: 'query',
      base: () => ({ customerId: real.customerId }),
      bad: { customerId: badId, limit: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 })) },
    },
  ],
  attributes: [
    {
      path: 'attributes.define',
      type: 'mutation',
      base: () => ({ key: 'fuzz_new', type: 'text' }),
      bad: {
        key: badAttributeKey,
        type: notInEnum(['text', 'number', 'date', 'datetime', 'boolean']),
        displayName: fc.oneof(notText, tooLong(100)),
        description: fc.oneof(notAString, tooLong(500)),
        unexpected,
      },
    },
    {
      path: 'attributes.update',
      type: 'mutation',
      base: () => ({ key: 'fuzz_number', description: 'x' }),
      bad: { key: fc.oneof(badAttributeKey, fc.constant('undefined_key')), unexpected },
    },
    { path: 'attributes.archive', type: 'mutation', base: () => ({ key: 'nope_key' }), bad: { key: fc.oneof(badAttributeKey, fc.constant('nope_key')) } },
    { path: 'attributes.delete', type: 'mutation', base: () => ({ key: 'nope_key' }), bad: { key: fc.oneof(badAttributeKey, fc.constant('nope_key')) } },
    {
      path: 'attributes.set',
      type: 'mutation',
      base: () => ({ customerId: real.customerId, key: 'fuzz_number', value: 1 }),
      bad: {
        customerId: badId,
        key: fc.oneof(badAttributeKey, fc.constant('undefined_key')),
        value: fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.boolean(),
          fc.array(fc.integer(), { maxLength: 2 }),
          fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
        ),
        fromText: notBoolean,
        unexpected,
      },
    },
  ],
  points: [
    ...(['points.add', 'points.deduct'] as const).map(
      (path): Target => ({
        path,
        type: 'mutation',
        base: () => ({ customerId: real.customerId, amount: 10, reason: 'fuzz' }),
        bad: { customerId: badId, amount: badAmount, reason: badText(200), idempotencyKey: badKey, unexpected },
      }),
    ),
    // Shaped right, but more than the balance (0): the typed `insufficient` answer, nothing written.
    {
      path: 'points.deduct',
      type: 'mutation',
      base: () => ({ customerId: real.customerId, amount: 10, reason: 'fuzz' }),
      bad: { amount: fc.integer({ min: 1, max: 100_000_000 }) },
    },
    {
      path: 'points.ledger',
      type: 'query',
      base: () => ({ customerId: real.customerId }),
      bad: { customerId: badId, cursor: fc.oneof(fc.constant(''), fc.integer()) },
    },
  ],
  imports: [
    {
      path: 'imports.start',
      type: 'mutation',
      base: () => ({ mode: 'customers', format: 'csv', content: 'Member ID,Name\nF-1,Fuzz' }),
      bad: {
        mode: notInEnum(['customers', 'social_contacts']),
        format: notInEnum(['csv', 'json']),
        content: badContent,
        atomicity: notInEnum(['partial', 'all_or_nothing']),
        triggerJourneys: notBoolean,
        fileName: fc.oneof(notAString, tooLong(255)),
        unexpected,
      },
    },
    { path: 'imports.cancel', type: 'mutation', base: () => ({ id: 'nope' }), bad: { id: badId } },
    { path: 'imports.get', type: 'query', base: () => ({ id: 'nope' }), bad: { id: badId } },
  ],
  testLists: [
    {
      path: 'testLists.add',
      type: 'mutation',
      base: () => ({ channel: 'line', identityIds: [real.identityId] }),
      bad: {
        // A real enum value, but not the contact's channel: refused too.
        channel: fc.oneof(
          notInEnum(['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'wechat', 'sms']),
          fc.constantFrom('messenger', 'whatsapp', 'sms'),
        ),
        identityIds: fc.oneof(
          notAString,
          fc.constant([]),
          fc.array(badId, { minLength: 1, maxLength: 3 }),
          fc.constant(Array.from({ length: 101 }, (_, i) => `i${i}`)),
        ),
        unexpected,
      },
    },
    {
      path: 'testLists.testSend',
      type: 'mutation',
      base: () => ({ channel: 'line', identityIds: [real.identityId], flowId: real.flowId }),
      bad: {
        identityIds: fc.oneof(fc.constant([]), fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 6, maxLength: 10 }), notAString),
        flowId: badId,
        version: fc.oneof(
          fc.integer({ max: 0 }),
          fc.string().filter((s) => s !== 'draft'),
          fc.integer({ min: 1, max: 1000 }),
        ),
        nodeId: fc.oneof(notAString, fc.constant(''), tooLong(64)),
        unexpected,
      },
    },
    {
      path: 'testLists.list',
      type: 'query',
      base: () => ({ channel: 'line' }),
      bad: { channel: notInEnum(['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'wechat', 'sms']) },
    },
  ],
  apiKeys: [
    {
      path: 'apiKeys.create',
      type: 'mutation',
      base: () => ({ name: 'fuzz' }),
      bad: { name: badText(100), role: notInEnum(['admin', 'supervisor', 'marketer']), unexpected },
    },
    { path: 'apiKeys.revoke', type: 'mutation', base: () => ({ id: 'nope' }), bad: { id: badId } },
  ],
};

const topLevelBad = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));

/** A target with a malformed input: not an object at all, or 1+ fields replaced by bad values. */
function malformed(target: Target): fc.Arbitrary<{ path: string; type: Target['type']; input: unknown }> {
  const keys = Object.keys(target.bad);
  const corrupted = fc
    .uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: Math.min(3, keys.length) })
    .chain((chosen) => fc.tuple(...chosen.map((k) => target.bad[k]!)).map((values) => ({ chosen, values })))
    .map(({ chosen, values }) => {
      const input: Input = target.base();
      chosen.forEach((k, i) => {
        input[k] = values[i];
      });
      return input;
    });
  return fc.oneof({ weight: 1, arbitrary: topLevelBad }, { weight: 6, arbitrary: corrupted }).map((input) => ({ path: target.path, type: target.type, input }));
}

/**
 * One call through the server's whole HTTP pipeline (routing, body parsing, tRPC, status codes)
 * with Fastify's `inject`, which skips only the socket: 14,000 calls fit in seconds, not a minute.
 * The other integration tests use real sockets.
 */
async function call(path: string, type: Target['type'], input: unknown): Promise<{ status: number; body: unknown }> {
  const response = await server.app.inject({
    method: type === 'query' ? 'GET' : 'POST',
    url: `/trpc/${path}${type === 'query' ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`,
    headers: { cookie, 'content-type': 'application/json' },
    ...(type === 'mutation' ? { payload: JSON.stringify(input) } : {}),
  });
  return { status: response.statusCode, body: response.json() };
}

async function tableCounts(): Promise<Record<string, number>> {
  const p = server.prisma;
  const entries = await Promise.all([
    p.customer.count().then((n) => ['customer', n] as const),
    p.contactIdentity.count().then((n) => ['contactIdentity', n] as const),
    p.customerTag.count().then((n) => ['customerTag', n] as const),
    p.tagEvent.count().then((n) => ['tagEvent', n] as const),
    p.attributeDefinition.count().then((n) => ['attributeDefinition', n] as const),
    p.attributeValue.count().then((n) => ['attributeValue', n] as const),
    p.pointsLedger.count().then((n) => ['pointsLedger', n] as const),
    p.testListMember.count().then((n) => ['testListMember', n] as const),
    p.importJob.count().then((n) => ['importJob', n] as const),
    p.apiKey.count().then((n) => ['apiKey', n] as const),
    p.auditLog.count().then((n) => ['auditLog', n] as const),
    p.flow.count().then((n) => ['flow', n] as const),
    p.user.count().then((n) => ['user', n] as const),
  ]);
  return Object.fromEntries(entries);
}

beforeAll(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-fuzz-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  const admin = server.firstAdmin!;
  const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  const session = signIn.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  cookie = session!.split(';')[0]!;
  const ok = async (path: string, input: unknown) => {
    const r = await call(path, 'mutation', input);
    if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
    return (r.body as { result: { data: Record<string, unknown> } }).result.data;
  };
  real.customerId = (await ok('contacts.create', { name: 'Fuzz target', phone: '886900000999', memberId: 'FUZZ-1' })).id as string;
  real.identityId = (await ok('contacts.addIdentity', { customerId: real.customerId, channel: 'line', channelId: 'fuzz', externalUserId: 'existing' }))
    .id as string;
  real.flowId = (await ok('flows.create', { kind: 'journey', name: 'Fuzz flow', channels: ['line'] })).id as string;
  await ok('attributes.define', { key: 'fuzz_number', type: 'number' });
  await ok('attributes.set', { customerId: real.customerId, key: 'fuzz_number', value: 1 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
});

describe(`fuzzing customer data with malformed input (${RUNS} per family, seed ${SEED})`, () => {
  it.each(Object.keys(TARGETS))('%s: refused without a 500 and without writing anything', async (family) => {
    const targets = TARGETS[family]!;
    const samples = fc.sample(fc.oneof(...targets.map(malformed)), { numRuns: RUNS, seed: SEED });
    const before = await tableCounts();
    const problems: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < samples.length; i = next++) {
          const { path, type, input } = samples[i]!;
          const { status, body } = await call(path, type, input);
          const error = (body as { error?: { data?: { code?: string } } }).error;
          const data = (body as { result?: { data?: { ok?: boolean; result?: string } } }).result?.data;
          // A 200 is acceptable only as a typed refusal: points' {ok: false} or an attribute result other than ok.
          const typedRefusal = status === 200 && (data?.ok === false || (data?.result !== undefined && data.result !== 'ok'));
          const clientError = status >= 400 && status < 500 && error?.data?.code !== 'INTERNAL_SERVER_ERROR';
          if (!typedRefusal && !clientError) problems.push(`${path} ${JSON.stringify(input).slice(0, 300)} → ${status} ${JSON.stringify(body).slice(0, 300)}`);
        }
      }),
    );
    expect(problems.slice(0, 5)).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });
});
