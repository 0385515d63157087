import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { setAttributeAction } from './set-attribute.ts';

const attributes: AttributeDefinition[] = [
  { key: 'tier', type: 'text', status: 'active' },
  { key: 'visits', type: 'number', status: 'active' },
  { key: 'birthday', type: 'date', status: 'active' },
  { key: 'seen_at', type: 'datetime', status: 'active' },
  { key: 'vip', type: 'boolean', status: 'active' },
  { key: 'old_field', type: 'text', status: 'archived' },
];
const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['line'], attributes };
const issues = (config: unknown, c: NodeCheckContext = ctx) =>
  validateNodeConfig(setAttributeAction, config, c).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`);
const set = (attributeKey: string, value: string) => ({ attributeKey, op: 'set', value });

describe('action.set_attribute', () => {
  it('checks the attribute exists and is not archived', () => {
    expect(issues(set('tier', 'gold'))).toEqual([]);
    expect(issues(set('missing', 'x'))).toEqual(['error:unknown_attribute@attributeKey']);
    expect(issues(set('old_field', 'x'))).toEqual(['error:attribute_archived@attributeKey']);
    // Without definitions the reference cannot be checked.
    expect(issues(set('missing', 'x'), { flowKind: 'journey', channels: ['line'] })).toEqual([]);
  });

  it('checks a literal value parses as the attribute type', () => {
    expect(issues(set('visits', '12.5'))).toEqual([]);
    expect(issues(set('visits', 'twelve'))).toEqual(['error:invalid_value@value']);
    expect(issues(set('birthday', '1990-02-28'))).toEqual([]);
    expect(issues(set('birthday', '28/02/1990'))).toEqual(['error:invalid_value@value']);
    expect(issues(set('seen_at', '2025-01-31T09:00:00+08:00'))).toEqual([]);
    expect(issues(set('seen_at', '2025-01-31'))).toEqual(['error:invalid_value@value']);
    expect(issues(set('vip', 'true'))).toEqual([]);
    expect(issues(set('vip', 'yes'))).toEqual(['error:invalid_value@value']);
  });

  it('leaves templated values to run time', () => {
    expect(issues(set('visits', '{{trigger:count}}'))).toEqual([]);
  });

  it('increments numbers only, by a number', () => {
    expect(issues({ attributeKey: 'visits', op: 'increment', value: '-2' })).toEqual([]);
    expect(issues({ attributeKey: 'tier', op: 'increment', value: '1' })).toEqual(['error:op_type_mismatch@op']);
    expect(issues({ attributeKey: 'visits', op: 'increment', value: 'one' })).toEqual(['error:invalid_value@value']);
  });

  it('stamps dates only, and ignores a value for now and clear', () => {
    expect(issues({ attributeKey: 'seen_at', op: 'now' })).toEqual([]);
    expect(issues({ attributeKey: 'tier', op: 'now' })).toEqual(['error:op_type_mismatch@op']);
    expect(issues({ attributeKey: 'tier', op: 'clear', value: 'x' })).toEqual(['warning:value_ignored@op']);
  });

  it('requires a value for set but not for clear', () => {
    expect(issues({ attributeKey: 'tier', op: 'set', value: '' })).toEqual(['error:required@value']);
    expect(issues({ attributeKey: 'tier', op: 'clear', value: '' })).toEqual([]);
  });

  it('continues on next or invalid', () => {
    const config = setAttributeAction.config.parse(setAttributeAction.defaultConfig);
    expect(setAttributeAction.ports(config, { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`)).toEqual(['next:next', 'invalid:failure']);
  });
});
