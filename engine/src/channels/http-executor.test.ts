import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../effects.ts';
import { hmacSha256 } from './common.ts';
import { EgressAllowList, isBlockedAddress, type Resolver, vetHost } from './egress.ts';
import { HttpExecutor, parseRetryAfter, RetryableHttpError } from './http-executor.ts';

let server: Server;
let port = 0;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(300 * 1024));
        return;
      }
      if (u.pathname === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 40; i++) res.write('y'.repeat(8 * 1024));
        res.end();
        return;
      }
      if (u.pathname === '/slow') {
        setTimeout(() => res.end('late'), 2000);
        return;
      }
      if (u.pathname === '/redirect') {
        res.writeHead(302, { location: u.searchParams.get('to') ?? '/' });
        res.end();
        return;
      }
      if (u.pathname === '/echo-auth') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
        res.end(JSON.stringify({ youSent: req.headers.authorization }));
        return;
      }
      if (u.pathname === '/member') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { tier: 'gold', points: '1200', items: [{ price: 5 }, { price: 7 }] } }));
        return;
      }
      if (u.pathname === '/limited') {
        res.writeHead(429, { 'retry-after': u.searchParams.get('after') ?? '7' });
        res.end('{"message":"slow down"}');
        return;
      }
      if (u.pathname.startsWith('/status/')) {
        res.writeHead(Number(u.pathname.slice(8)));
        res.end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, method: req.method, path: u.pathname }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const effect = (payload: Record<string, unknown>, attempt = 1): Effect => ({
  idempotencyKey: 'run_1:api:2:0',
  kind: 'http',
  runId: 'run_1',
  flowId: 'f',
  customerId: 'c1',
  nodeId: 'api',
  attempt,
  payload,
});

/** A hostname "api.test" that resolves to the local server, allow-listed by name. */
const local: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
const SECRETS: Record<string, string> = { tok: 'sekret-token-123', pw: 'hunter2-pw', key: 'apikey-abc-999' };

function exec(extra: Partial<ConstructorParameters<typeof HttpExecutor>[0]> = {}) {
  const lines: string[] = [];
  const e = new HttpExecutor({ secrets: (r) => SECRETS[r], resolver: local, allowList: ['api.test'], log: (l) => lines.push(l), ...extra });
  return { e, lines };
}

describe('egress guard', () => {
  it('blocks private, loopback, link-local, CGNAT, multicast, reserved, ULA, link-local v6 and IPv4-mapped', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '0.0.0.0',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:8.8.8.8',
      '64:ff9b::a00:1',
    ])
      expect([a, isBlockedAddress(a)]).toEqual([a, true]);
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111']) expect([a, isBlockedAddress(a)]).toEqual([a, false]);
  });

  it('vets every resolved address; allow-list by host or CIDR', async () => {
    const none = new EgressAllowList();
    await expect(vetHost('evil.test', async () => [{ address: '127.0.0.1', family: 4 }], none)).rejects.toThrow(/private/);
    await expect(
      vetHost(
        'mixed.test',
        async () => [
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.5', family: 4 },
        ],
        none,
      ),
    ).rejects.toThrow(/10\.0\.0\.5/);
    await expect(vetHost('ok.test', async () => [{ address: '93.184.216.34', family: 4 }], none)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(vetHost('[::1]', local, none)).rejects.toThrow();
    await expect(vetHost('127.0.0.1', local, new EgressAllowList(['127.0.0.0/8']))).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(vetHost('x.corp.test', local, new EgressAllowList(['*.corp.test']))).resolves.toMatchObject({ address: '127.0.0.1' });
  });
});

describe('Call an API executor', () => {
  it('refuses literal private IPs, including the decimal and hex spellings', async () => {
    const { e } = exec({ allowList: [] });
    for (const url of [
      `http://127.0.0.1:${port}/`,
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:7f00:1]/',
      'http://2130706433/',
      'http://0x7f.1/',
    ]) {
      const r = await e.deliver(effect({ method: 'GET', url, headers: {}, timeoutMs: 1000 }));
      expect([url, r]).toMatchObject([url, { ok: false, reason: 'blocked' }]);
    }
    expect(seen.length).toBe(0);
  });

  it('refuses a hostname that resolves to 127.0.0.1', async () => {
    const { e } = exec({ allowList: [] });
    const r = await e.deliver(effect({ method: 'GET', url: `http://sneaky.test:${port}/`, headers: {}, timeoutMs: 1000 }));
    expect(r).toMatchObject({ ok: false, reason: 'blocked' });
    expect(r.ok ? '' : r.message).toContain('127.0.0.1');
  });

  it('connects to the vetted address of an allowed host, with the request as rendered', async () => {
    const { e } = exec();
    const r = await e.deliver(
      effect({
        method: 'POST',
        url: `http://api.test:${port}/hook?x=1`,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'run_1:api:2' },
        body: '{"a":1}',
      }),
    );
    expect(r).toMatchObject({ ok: true, status: 200 });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' });
    expect(last.headers['idempotency-key']).toBe('run_1:api:2');
    expect(last.headers.host).toBe(`api.test:${port}`);
  });

  it('re-checks redirect targets: a redirect to a private address is refused', async () => {
    const { e } = exec();
    const before = seen.length;
    const r = await e.deliver(
      effect({ method: 'GET', url: `http://api.test:${port}/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`, headers: {} }),
    );
    expect(r).toMatchObject({ ok: false, reason: 'blocked' });
    expect(seen.length).toBe(before + 1);
    const ok = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/redirect?to=/final`, headers: {} }));
    expect(ok).toMatchObject({ ok: true, status: 200 });
    expect(seen.at(-1)!.url).toBe('/final');
  });

  it('fails responses over 256 KB (declared or streamed)', async () => {
    const { e } = exec();
    expect(await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/big`, headers: {} }))).toMatchObject({ ok: false, reason: 'network' });
    const chunked = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/big-chunked`, headers: {} }));
    expect(chunked).toMatchObject({ ok: false, reason: 'network' });
    expect(chunked.ok ? '' : chunked.message).toContain('response_too_large');
  });

  it('times out (default 10 s, at most 30 s)', async () => {
    const { e } = exec();
    const t0 = Date.now();
    const r = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/slow`, headers: {}, timeoutMs: 200 }));
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('resolves auth from secrets and never logs them', async () => {
    const { e, lines } = exec();
    const url = `http://api.test:${port}/auth`;
    await e.deliver(effect({ method: 'GET', url, headers: {}, auth: { kind: 'bearer', secretRef: 'tok' } }));
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer sekret-token-123');
    await e.deliver(effect({ method: 'GET', url, headers: {}, auth: { kind: 'basic', username: 'omni', secretRef: 'pw' } }));
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('omni:hunter2-pw').toString('base64')}`);
    await e.deliver(effect({ method: 'POST', url, headers: {}, body: '{"x":1}', auth: { kind: 'hmac', secretRef: 'key', header: 'X-Signature' } }));
    expect(seen.at(-1)!.headers['x-signature']).toBe(`sha256=${hmacSha256('apikey-abc-999', '{"x":1}').toString('hex')}`);
    await e.deliver(effect({ method: 'GET', url, headers: {}, auth: { kind: 'apiKey', header: 'X-Shop-Key', secretRef: 'key' } }));
    expect(seen.at(-1)!.headers['x-shop-key']).toBe('apikey-abc-999');
    const joined = lines.join('\n');
    expect(lines).toHaveLength(4);
    for (const s of [...Object.values(SECRETS), Buffer.from('omni:hunter2-pw').toString('base64')]) expect(joined).not.toContain(s);
    expect(joined).toContain('[REDACTED]');
    expect(await e.deliver(effect({ method: 'GET', url, headers: {}, auth: { kind: 'bearer', secretRef: 'missing' } }))).toMatchObject({
      ok: false,
      reason: 'blocked',
    });
  });

  it('leaves retries to the runtime: retryable outcomes throw until the retry budget is spent', async () => {
    const { e } = exec();
    const get = (attempt: number, status: number) =>
      e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/status/${status}`, headers: {} }, attempt));
    await expect(get(1, 503)).rejects.toBeInstanceOf(RetryableHttpError);
    await expect(get(2, 429)).rejects.toBeInstanceOf(RetryableHttpError);
    expect(await get(3, 503)).toMatchObject({ ok: true, status: 503 });
    expect(await get(1, 404)).toMatchObject({ ok: true, status: 404 });
    // POST without an Idempotency-Key is never retried; with one it is.
    const post = (headers: Record<string, string>) => e.deliver(effect({ method: 'POST', url: `http://api.test:${port}/status/500`, headers, body: '{}' }));
    expect(await post({})).toMatchObject({ ok: true, status: 500 });
    await expect(post({ 'Idempotency-Key': 'k' })).rejects.toBeInstanceOf(RetryableHttpError);
    // Network errors are retried; timeouts are not (the node has a timeout port).
    const refused = new HttpExecutor({ secrets: () => undefined, resolver: local, allowList: ['api.test'] });
    await expect(refused.deliver(effect({ method: 'GET', url: 'http://api.test:1/', headers: {} }))).rejects.toBeInstanceOf(RetryableHttpError);
    expect(await refused.deliver(effect({ method: 'GET', url: 'http://api.test:1/', headers: {} }, 3))).toMatchObject({ ok: false, reason: 'network' });
  });

  it('redirects: a hop to a DNS name resolving to a private address is refused; credentials never cross origins', async () => {
    const { e } = exec({ allowList: ['api.test'] });
    const before = seen.length;
    const toInternal = await e.deliver(
      effect({ method: 'GET', url: `http://api.test:${port}/redirect?to=${encodeURIComponent(`http://internal.test:${port}/`)}`, headers: {} }),
    );
    expect(toInternal).toMatchObject({ ok: false, reason: 'blocked' });
    expect(toInternal.ok ? '' : toInternal.message).toContain('internal.test resolves to a private or reserved address (127.0.0.1)');
    expect(seen.length).toBe(before + 1);
    const both = exec({ allowList: ['api.test', 'other.test'] }).e;
    const r = await both.deliver(
      effect({
        method: 'GET',
        url: `http://api.test:${port}/redirect?to=${encodeURIComponent(`http://other.test:${port}/landing`)}`,
        headers: { 'X-Trace': 't1' },
        auth: { kind: 'bearer', secretRef: 'tok' },
      }),
    );
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(seen.at(-2)!.headers.authorization).toBe('Bearer sekret-token-123');
    expect(seen.at(-1)).toMatchObject({ url: '/landing' });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
    expect(seen.at(-1)!.headers['x-trace']).toBe('t1');
  });

  it('refuses schemes other than http and https, and CIDR allow-lists let a private address through', async () => {
    const { e } = exec({ allowList: [] });
    for (const url of ['file:///etc/passwd', 'gopher://api.test/', 'ftp://api.test/']) {
      expect(await e.deliver(effect({ method: 'GET', url, headers: {} }))).toMatchObject({ ok: false, reason: 'blocked' });
    }
    const cidr = exec({ allowList: ['127.0.0.0/8'] }).e;
    expect(await cidr.deliver(effect({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }))).toMatchObject({ ok: true, status: 200 });
  });

  it('respects Retry-After: the retry error carries it; one asking for too long ends the retries', async () => {
    const { e } = exec();
    const err = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/limited?after=7`, headers: {} })).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RetryableHttpError);
    expect((err as RetryableHttpError).retryAfterMs).toBe(7000);
    const tooLong = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/limited?after=3600`, headers: {} }));
    expect(tooLong).toMatchObject({ ok: true, status: 429 });
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('evaluates the response mapping (JSONPath and JSONata) on the final answer', async () => {
    const { e } = exec();
    const r = await e.deliver(
      effect({
        method: 'GET',
        url: `http://api.test:${port}/member`,
        headers: {},
        responseMapping: [
          { id: 'tier', syntax: 'jsonpath', path: '$.data.tier' },
          { id: 'prices', syntax: 'jsonpath', path: '$.data.items[*].price' },
          { id: 'cheap', syntax: 'jsonpath', path: '$.data.items[?(@.price < 6)].price' },
          { id: 'total', syntax: 'jsonata', path: '$sum(data.items.price)' },
          { id: 'shape', syntax: 'jsonata', path: '{"t": data.tier, "n": $count(data.items)}' },
          { id: 'none', syntax: 'jsonpath', path: '$.data.nothing' },
          { id: 'bad', syntax: 'jsonata', path: 'data.(' },
        ],
      }),
    );
    expect(r.ok && 'mapped' in r ? r.mapped : undefined).toEqual({
      tier: { value: 'gold' },
      prices: { value: [5, 7] },
      // A filter may match several items, so its answer stays a list.
      cheap: { value: [5] },
      total: { value: 12 },
      shape: { value: { t: 'gold', n: 2 } },
      none: { missing: true },
      bad: { error: expect.stringMatching(/^\S/) },
    });
    const notJson = await e.deliver(effect({ method: 'GET', url: `http://api.test:${port}/big-chunked`, headers: {}, responseMapping: [] }));
    expect(notJson).toMatchObject({ ok: false });
    const text = await e.deliver(
      effect({ method: 'GET', url: `http://api.test:${port}/status/200`, headers: {}, responseMapping: [{ id: 'x', syntax: 'jsonpath', path: '$.x' }] }),
    );
    expect(text.ok && 'mapped' in text ? text.mapped : undefined).toEqual({ x: { missing: true } });
  });

  it('redacts secrets an API echoes back from the answer stored with the run', async () => {
    const { e } = exec();
    const r = await e.deliver(
      effect({
        method: 'GET',
        url: `http://api.test:${port}/echo-auth`,
        headers: {},
        auth: { kind: 'bearer', secretRef: 'tok' },
        responseMapping: [{ id: 'echo', syntax: 'jsonpath', path: '$.youSent' }],
      }),
    );
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer sekret-token-123');
    expect(JSON.stringify(r)).not.toContain('sekret-token-123');
    expect(r).toMatchObject({ ok: true, body: '{"youSent":"Bearer [REDACTED]"}', headers: { 'x-echo': 'Bearer [REDACTED]' } });
    expect(r.ok && 'mapped' in r ? r.mapped.echo : undefined).toEqual({ value: 'Bearer [REDACTED]' });
  });
});
