import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { callApiAction } from './call-api.ts';

const chatbot: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const base = { method: 'POST', url: 'https://api.example.com/hook' };
const issues = (config: object, ctx: NodeCheckContext = chatbot) =>
  validateNodeConfig(callApiAction, { ...base, ...config }, ctx).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`);

describe('action.call_api', () => {
  it('requires an http(s) URL, warns on http and blocks private addresses', () => {
    expect(issues({})).toEqual([]);
    expect(issues({ url: '' })).toEqual(['error:required@url']);
    expect(issues({ url: 'ftp://example.com/x' })).toEqual(['error:invalid_url@url']);
    expect(issues({ url: 'http://api.example.com/x' })).toEqual(['warning:insecure_url@url']);
    expect(issues({ url: 'https://192.168.1.10/x' })).toEqual(['error:private_address@url']);
    expect(issues({ url: 'http://localhost:8080/x' })).toEqual(['warning:insecure_url@url', 'error:private_address@url']);
    expect(issues({ url: '{{run:callback_url}}' })).toEqual([]);
  });

  it('rejects a literal Authorization header and points to auth', () => {
    const found = validateNodeConfig(callApiAction, { ...base, headers: [{ name: 'Authorization', value: 'Bearer abc123' }] }, chatbot).issues;
    expect(found.map((i) => `${i.code}@${i.path.join('.')}`)).toEqual(['inline_secret@headers.0.value']);
    expect(found[0]?.message.en).toMatch(/authentication method/);
    expect(issues({ headers: [{ name: 'authorization', value: 'Bearer {{attr:member_token}}' }] })).toEqual([]);
    expect(issues({ headers: [{ name: 'X-Api-Key', value: 'k-123' }] })).toEqual(['warning:possible_inline_secret@headers.0.value']);
  });

  it('checks header names and repeats', () => {
    expect(issues({ headers: [{ name: 'Bad Header', value: 'x' }] })).toEqual(['error:invalid_header_name@headers.0.name']);
    expect(
      issues({
        headers: [
          { name: 'Accept', value: 'a' },
          { name: 'accept', value: 'b' },
        ],
      }),
    ).toEqual(['warning:duplicate_header@headers.1.name']);
  });

  it('checks JSON payloads with placeholders in and out of quotes', () => {
    expect(issues({ body: '{"phone": "{{system:phone}}", "n": {{attr:count}}}' })).toEqual([]);
    expect(issues({ body: '{"phone": {{system:phone}}' })).toEqual(['error:invalid_json@body']);
    expect(issues({ method: 'GET', body: 'a=1' })).toEqual(['warning:body_ignored@method']);
  });

  it('stores secrets by reference only', () => {
    expect(issues({ auth: { kind: 'bearer', secretRef: 'crm_token' } })).toEqual([]);
    expect(issues({ auth: { kind: 'bearer', secretRef: '' } })).toEqual(['error:required@auth.secretRef']);
    expect(issues({ auth: { kind: 'bearer', secretRef: 'eyJhbGciOi JIUzI1NiJ9' } })).toEqual(['error:invalid_secret_ref@auth.secretRef']);
    expect(issues({ auth: { kind: 'hmac', secretRef: 'key', header: 'X Sig' } })).toEqual(['error:invalid_header_name@auth.header']);
    expect(() => callApiAction.config.parse({ auth: { kind: 'bearer', token: 'abc' } })).not.toThrow();
    expect(callApiAction.config.parse({ auth: { kind: 'bearer', token: 'abc' } }).auth).toEqual({ kind: 'bearer', secretRef: '' });
  });

  it('warns when retries cannot happen', () => {
    expect(issues({ method: 'POST', retries: 2, idempotencyKey: false })).toEqual(['warning:retries_disabled@idempotencyKey']);
    expect(issues({ method: 'PUT', retries: 2, idempotencyKey: false })).toEqual([]);
    expect(issues({ method: 'POST', retries: 0, idempotencyKey: false })).toEqual([]);
  });

  it('checks the success rule and the response mapping', () => {
    expect(issues({ successRule: { kind: 'jsonPath', path: '$.data[0', op: 'exists' } })).toEqual(['error:invalid_path@successRule.path']);
    expect(issues({ successRule: { kind: 'jsonPath', path: '$.status', op: 'equals', value: '' } })).toEqual(['error:required@successRule.value']);
    const attributes: AttributeDefinition[] = [
      { key: 'points', type: 'number', status: 'active' },
      { key: 'tier', type: 'text', status: 'archived' },
    ];
    const mapping = (m: object) => ({ responseMapping: [{ id: 'm1', path: '$.data.points', ...m }] });
    const withAttrs = { ...chatbot, attributes };
    expect(issues(mapping({ target: 'attribute', key: 'points', type: 'number' }), withAttrs)).toEqual([]);
    expect(issues(mapping({ target: 'attribute', key: 'points', type: 'text' }), withAttrs)).toEqual(['error:attribute_type_mismatch@responseMapping.0.key']);
    expect(issues(mapping({ target: 'attribute', key: 'tier', type: 'text' }), withAttrs)).toEqual(['error:attribute_archived@responseMapping.0.key']);
    expect(issues(mapping({ target: 'attribute', key: 'points', type: 'json' }), withAttrs)).toEqual(['error:invalid_type@responseMapping.0.type']);
    expect(issues(mapping({ target: 'run', key: '1st', type: 'json' }))).toEqual(['error:invalid_variable_name@responseMapping.0.key']);
    expect(issues(mapping({ path: 'items[*].sku', target: 'run', key: 'skus', type: 'json' }))).toEqual([]);
    expect(issues(mapping({ path: '$sum(items.price)', syntax: 'jsonata', target: 'run', key: 'total', type: 'number' }))).toEqual([]);
  });

  it('shows response fields in the chatbot reply only', () => {
    const reply = { messageTemplate: 'You have {{response:data.points}} points.' };
    expect(issues(reply)).toEqual([]);
    expect(issues(reply, journey)).toEqual(['error:chatbot_only@messageTemplate']);
    expect(issues({ body: '{"p": "{{response:x}}"}' })).toEqual(['error:unknown_placeholder@body']);
  });

  it('continues on success, failure or timeout, and must end its chatbot module', () => {
    const config = callApiAction.config.parse(callApiAction.defaultConfig);
    for (const flowKind of ['chatbot', 'journey'] as const) {
      expect(callApiAction.ports(config, { flowKind }).map((p) => `${p.id}:${p.role}`)).toEqual(['success:success', 'failure:failure', 'timeout:timeout']);
    }
    expect(config).toMatchObject({ timeoutMs: 10_000, retries: 2, successRule: { kind: 'status2xx' } });
    expect(callApiAction.placement?.last).toBe(true);
  });
});

describe('action.call_api run: request and typed response mapping', () => {
  const config = {
    method: 'POST',
    url: 'https://crm.example.com/m/{{system:customer_name}}',
    headers: [{ name: 'X-Who', value: '{{system:customer_name}}' }],
    body: '{"who": "{{system:customer_name}}"}',
    retries: 3,
    responseMapping: [
      { id: 'tier', path: '$.data.tier', syntax: 'jsonpath', target: 'attribute', key: 'member_tier', type: 'text' },
      { id: 'pts', path: 'data.points', syntax: 'jsonata', target: 'run', key: 'points', type: 'number' },
      { id: 'since', path: '$.data.since', syntax: 'jsonpath', target: 'run', key: 'since', type: 'date' },
    ],
  };
  const answer = (mapped: Record<string, unknown>) => () => ({ ok: true as const, status: 200, headers: {}, body: '{}', mapped: mapped as never });

  it('passes retries and the mapping expressions; strips line breaks from rendered headers', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const r = await runNode(callApiAction, config, {
      contact: { name: 'Amy\r\nX-Evil: 1' },
      http: answer({ tier: { value: 'gold' }, pts: { value: '42' }, since: { missing: true } }),
    });
    const request = r.calls.http[0]!;
    expect(request.retries).toBe(3);
    expect(request.responseMapping).toEqual([
      { id: 'tier', syntax: 'jsonpath', path: '$.data.tier' },
      { id: 'pts', syntax: 'jsonata', path: 'data.points' },
      { id: 'since', syntax: 'jsonpath', path: '$.data.since' },
    ]);
    expect(request.headers['X-Who']).toBe('Amy X-Evil: 1');
    expect(request.url).toBe('https://crm.example.com/m/Amy%0D%0AX-Evil%3A%201');
    expect(request.body).toBe('{"who": "Amy\\r\\nX-Evil: 1"}');
    expect(r.outcome).toMatchObject({ kind: 'next', port: 'success', vars: { points: 42 } });
    expect((r.outcome as { vars: Record<string, unknown> }).vars).not.toHaveProperty('since');
    expect(r.calls.attributes).toEqual([{ key: 'member_tier', value: 'gold' }]);
  });

  it('a value of the wrong type fails the step naming the mapping, before anything is saved', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const r = await runNode(callApiAction, config, { http: answer({ tier: { value: 'gold' }, pts: { value: 'lots' }, since: { value: '2025-02-30' } }) });
    expect(r.outcome).toEqual({
      kind: 'fail',
      reason: 'mapping_type_mismatch',
      message: 'Mapping "points" (data.points): expected number, got "lots"',
      retryable: false,
      port: 'failure',
    });
    expect(r.calls.attributes).toEqual([]);
    const date = await runNode(callApiAction, config, { http: answer({ tier: { value: 'gold' }, pts: { value: 1 }, since: { value: '2025-02-30' } }) });
    expect(date.outcome).toMatchObject({ reason: 'mapping_type_mismatch', message: 'Mapping "since" ($.data.since): expected date, got "2025-02-30"' });
    const obj = await runNode(callApiAction, config, { http: answer({ tier: { value: { a: 1 } }, pts: { value: 1 }, since: { missing: true } }) });
    expect(obj.outcome).toMatchObject({ reason: 'mapping_type_mismatch', message: 'Mapping "member_tier" ($.data.tier): expected text, got an object' });
  });

  it('an expression the runtime could not evaluate, or an attribute that refuses the value, is a typed failure', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const broken = await runNode(callApiAction, config, {
      http: answer({ tier: { value: 'gold' }, pts: { error: 'Syntax error: ")"' }, since: { missing: true } }),
    });
    expect(broken.outcome).toMatchObject({
      kind: 'fail',
      reason: 'mapping_failed',
      message: 'Mapping "points" (data.points): Syntax error: ")"',
      port: 'failure',
    });
    // Without the runtime's answers, JSONPath falls back to the node's own reader; JSONata cannot.
    const noRuntime = await runNode(callApiAction, config, { http: () => ({ ok: true, status: 200, headers: {}, body: '{"data":{"tier":"gold"}}' }) });
    expect(noRuntime.outcome).toMatchObject({ reason: 'mapping_failed', message: expect.stringContaining('points') });
    const refused = await runNode(callApiAction, config, {
      attributeResult: 'invalid_format',
      http: answer({ tier: { value: 'gold' }, pts: { value: 1 }, since: { missing: true } }),
    });
    expect(refused.outcome).toMatchObject({ reason: 'mapping_type_mismatch', message: expect.stringContaining('member_tier') });
  });
});
