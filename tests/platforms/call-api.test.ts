import { type Effect, HttpExecutor, RetryableHttpError } from '@omniflow/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoServer, startEchoServer } from './servers.ts';

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

const effect = (payload: Record<string, unknown>, attempt = 1): Effect => ({
  idempotencyKey: 'run_1:api:2:0',
  kind: 'http',
  runId: 'run_1',
  flowId: 'f',
  customerId: 'c1',
  nodeId: 'api',
  attempt,
  payload: { headers: {}, ...payload },
});

describe('Call an API executor against the local echo server', () => {
  const allowed = () => new HttpExecutor({ secrets: (r) => (r === 'crm' ? 'crm-secret-value' : undefined), allowList: ['127.0.0.1/32'] });

  it('is refused by default: the echo server is on loopback', async () => {
    const guarded = new HttpExecutor({ secrets: () => undefined });
    const before = echo.requests.length;
    expect(await guarded.deliver(effect({ method: 'GET', url: `${echo.url}/x` }))).toMatchObject({ ok: false, reason: 'blocked' });
    const viaName = new HttpExecutor({ secrets: () => undefined, resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    const port = new URL(echo.url).port;
    expect(await viaName.deliver(effect({ method: 'GET', url: `http://crm.example.com:${port}/x` }))).toMatchObject({ ok: false, reason: 'blocked' });
    expect(echo.requests.length).toBe(before);
  });

  it('sends the rendered request with auth and the Idempotency-Key when allow-listed', async () => {
    const r = await allowed().deliver(
      effect({
        method: 'POST',
        url: `${echo.url}/leads?src=bot`,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'run_1:api:2' },
        body: '{"phone":"886911223344"}',
        auth: { kind: 'bearer', secretRef: 'crm' },
        timeoutMs: 5000,
      }),
    );
    expect(r).toMatchObject({ ok: true, status: 200 });
    const got = echo.requests.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', path: '/leads?src=bot', body: '{"phone":"886911223344"}' });
    expect(got.headers.authorization).toBe('Bearer crm-secret-value');
    expect(got.headers['idempotency-key']).toBe('run_1:api:2');
  });

  it('redirect to a private target from an allowed host is refused', async () => {
    const onlyEcho = new HttpExecutor({ secrets: () => undefined, allowList: ['127.0.0.1/32'] });
    expect(await onlyEcho.deliver(effect({ method: 'GET', url: `${echo.url}/redirect?to=${encodeURIComponent('http://192.168.0.10/admin')}` }))).toMatchObject({
      ok: false,
      reason: 'blocked',
    });
  });

  it('oversized responses and timeouts fail with their reasons', async () => {
    expect(await allowed().deliver(effect({ method: 'GET', url: `${echo.url}/big/300000` }))).toMatchObject({ ok: false, reason: 'network' });
    expect(await allowed().deliver(effect({ method: 'GET', url: `${echo.url}/big/200000` }))).toMatchObject({ ok: true, status: 200 });
    expect(await allowed().deliver(effect({ method: 'GET', url: `${echo.url}/slow/1500`, timeoutMs: 150 }))).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('5xx on an idempotent request is handed back to the runtime to retry', async () => {
    await expect(allowed().deliver(effect({ method: 'GET', url: `${echo.url}/status/502` }))).rejects.toBeInstanceOf(RetryableHttpError);
    expect(await allowed().deliver(effect({ method: 'GET', url: `${echo.url}/status/502` }, 3))).toMatchObject({ ok: true, status: 502 });
  });
});
