import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChannelEffectHandler, createEmbeddedEngine, HttpExecutor, ManualClock, MemoryContactStore } from '@omniflow/engine';
import { builtinCatalogue } from '@omniflow/nodes';
import { Customer } from '@omniflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoServer, startEchoServer } from './servers.ts';

// Call an API's response mapping through the runtime: the executor evaluates JSONPath and JSONata on the
// real answer of a local API, the node type-checks the values into run variables and attributes, a
// mismatch takes the failure port with a typed error naming the mapping, and the secret the API echoes
// back never reaches the outbox, the timeline or the logs.

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = 'crm-bearer-secret-7f3a';
let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(() => echo.close());

async function runCrm(responseMapping: unknown[]) {
  const graph = JSON.parse(readFileSync(join(here, '../../examples/flows/new-follower.journey.json'), 'utf8'));
  const crm = graph.nodes.find((n: { id: string }) => n.id === 'crm');
  crm.config.url = `${echo.url}/members/{{system:member_id}}?name={{system:customer_name}}`;
  crm.config.responseMapping = responseMapping;
  const contacts = new MemoryContactStore([
    Customer.parse({
      id: 'c1',
      name: 'Ann & Bo',
      memberId: 'M 1',
      createdAt: '2025-01-01T00:00:00Z',
      identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U1' }],
    }),
  ]);
  const logs: string[] = [];
  const engine = createEmbeddedEngine({
    file: join(mkdtempSync(join(tmpdir(), 'omniflow-mapping-')), 'engine.db'),
    catalogue: builtinCatalogue(),
    contacts,
    effects: new ChannelEffectHandler({
      http: new HttpExecutor({ secrets: (ref) => (ref === 'crm_token' ? SECRET : undefined), allowList: ['127.0.0.1/32'], log: (l) => logs.push(l) }),
    }),
    clock: new ManualClock(new Date('2025-03-03T02:00:00Z')),
    onError: (e) => console.error(e),
  });
  engine.publish('welcome', 'v1', graph);
  engine.start();
  try {
    const { runId } = await engine.enter('welcome', 'c1', { startNodeId: 'crm' });
    await engine.idle();
    return {
      run: engine.getRun(runId!)!,
      step: engine.runTimeline(runId!).steps.find((s) => s.nodeId === 'crm' && s.outcome !== 'waiting'),
      outbox: JSON.stringify(engine.outbox(runId!)),
      timeline: JSON.stringify(engine.runTimeline(runId!)),
      contact: await contacts.get('c1'),
      logs: logs.join('\n'),
    };
  } finally {
    await engine.stop();
  }
}

describe('Call an API response mapping through the runtime', () => {
  it('maps JSONPath and JSONata answers into typed run variables and attributes; URL placeholders are escaped', async () => {
    const r = await runCrm([
      { id: 'path', path: '$.path', syntax: 'jsonpath', target: 'run', key: 'calledPath', type: 'text' },
      { id: 'member', path: '$eval(body).memberId', syntax: 'jsonata', target: 'run', key: 'member', type: 'text' },
      { id: 'shape', path: '{"m": method, "json": $contains(headers."content-type", "json")}', syntax: 'jsonata', target: 'run', key: 'shape', type: 'json' },
      { id: 'tier', path: '$.method', syntax: 'jsonpath', target: 'attribute', key: 'member_tier', type: 'text' },
    ]);
    expect(r.step).toMatchObject({ outcome: 'passed', port: 'success' });
    expect(r.run.vars).toMatchObject({ calledPath: '/members/M%201?name=Ann%20%26%20Bo', member: 'M 1', shape: { m: 'POST', json: true } });
    expect(r.contact?.attributes.member_tier).toBe('POST');
    expect(echo.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    // The echo server sends the Authorization header back in its body.
    for (const stored of [r.outbox, r.timeline, r.logs]) expect(stored).not.toContain(SECRET);
    expect(r.outbox).toContain('[REDACTED]');
  });

  it('a value of the wrong type takes the failure port with a typed error naming the mapping', async () => {
    const r = await runCrm([{ id: 'n', path: '$.method', syntax: 'jsonpath', target: 'run', key: 'amount', type: 'number' }]);
    expect(r.step).toMatchObject({
      outcome: 'failed',
      port: 'failure',
      error: { reason: 'mapping_type_mismatch', message: 'Mapping "amount" ($.method): expected number, got "POST"' },
    });
    expect(r.run.vars).not.toHaveProperty('amount');
  });
});
