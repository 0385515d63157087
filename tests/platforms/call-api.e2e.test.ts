import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChannelEffectHandler, createEmbeddedEngine, HttpExecutor, ManualClock, MemoryContactStore } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoServer, startEchoServer } from './servers.ts';

// Call an API inside a journey: the API answers 503 once; the executor hands the retry to the runtime,
// whose back-off sends the same request (same Idempotency-Key) again, and the node takes `success`.

const here = dirname(fileURLToPath(import.meta.url));
let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

describe('Call an API through the runtime', () => {
  it('retries a 503 once through the outbox back-off, with the same Idempotency-Key, then succeeds', async () => {
    const graph = JSON.parse(readFileSync(join(here, '../../examples/flows/new-follower.journey.json'), 'utf8'));
    const crm = graph.nodes.find((n: { id: string }) => n.id === 'crm');
    crm.config.url = `${echo.url}/flaky/1`;
    crm.config.responseMapping = [{ id: 'tier', path: '$.tier', syntax: 'jsonpath', target: 'run', key: 'tier', type: 'text' }];
    const contacts = new MemoryContactStore([
      Customer.parse({
        id: 'c1',
        name: 'Ann',
        memberId: 'M1',
        createdAt: '2025-01-01T00:00:00Z',
        identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U1' }],
      }),
    ]);
    const logs: string[] = [];
    const clock = new ManualClock(new Date('2025-03-03T02:00:00Z'));
    const engine = createEmbeddedEngine({
      file: join(mkdtempSync(join(tmpdir(), 'omniflow-callapi-')), 'engine.db'),
      catalogue: builtinCatalogue(),
      contacts,
      effects: new ChannelEffectHandler({
        http: new HttpExecutor({
          secrets: (ref) => (ref === 'crm_token' ? 'crm-bearer-secret' : undefined),
          allowList: ['127.0.0.1/32'],
          log: (l) => logs.push(l),
        }),
      }),
      clock,
      retryInitialMs: 1000,
      onError: (e) => console.error(e),
    });
    engine.publish('welcome', 'v1', graph);
    engine.start();
    try {
      const { runId } = await engine.enter('welcome', 'c1', { startNodeId: 'crm' });
      await engine.idle();
      clock.advance(1000);
      await engine.idle();
      const hits = echo.requests.filter((r) => r.path === '/flaky/1');
      expect(hits).toHaveLength(2);
      expect(hits[0]!.headers['idempotency-key']).toBe(hits[1]!.headers['idempotency-key']);
      expect(hits[0]!.headers.authorization).toBe('Bearer crm-bearer-secret');
      expect(JSON.parse(hits[0]!.body)).toEqual({ lineName: 'Ann', memberId: 'M1' });
      const step = engine.runTimeline(runId!).steps.find((s) => s.nodeId === 'crm' && s.port);
      expect(step?.port).toBe('success');
      expect(engine.getRun(runId!)?.vars.tier).toBe('gold');
      expect(engine.outbox(runId!).find((o) => o.kind === 'http')?.attempts).toBe(2);
      expect(logs.join('\n')).not.toContain('crm-bearer-secret');
    } finally {
      await engine.stop();
    }
  });
});
