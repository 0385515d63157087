import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { conditionSplit } from './condition.ts';

const ctx: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const codes = (config: unknown, c: NodeCheckContext = ctx) => validateNodeConfig(conditionSplit, config, c).issues.map((i) => `${i.code}@${i.path.join('.')}`);

describe('logic.condition', () => {
  it('has met and notMet branches', () => {
    const config = conditionSplit.config.parse(conditionSplit.defaultConfig);
    expect(conditionSplit.ports(config, { flowKind: 'chatbot' }).map((p) => [p.id, p.role])).toEqual([
      ['met', 'branch'],
      ['notMet', 'branch'],
    ]);
  });

  it('requires at least one condition', () => {
    expect(codes({ condition: { op: 'and', items: [] } })).toEqual(['empty_condition@condition.items']);
  });

  it('rejects criteria the chatbot card does not offer, also inside nested groups', () => {
    const config = {
      condition: {
        op: 'and',
        items: [
          { criterion: 'channel', channels: ['line'] },
          {
            op: 'or',
            items: [
              { criterion: 'profile', field: 'name', op: 'isSet' },
              { criterion: 'binding', binding: 'omo', op: 'isBound' },
            ],
          },
          { criterion: 'binding', binding: '91app', op: 'isBound' },
        ],
      },
    };
    expect(codes(config)).toEqual([
      'criterion_not_supported@condition.items.0.criterion',
      'criterion_not_supported@condition.items.1.items.0.criterion',
      'criterion_not_supported@condition.items.1.items.1.criterion',
    ]);
  });

  it('allows one custom attribute only, but several conditions on it', () => {
    const on = (key: string, value: string) => ({ criterion: 'attribute', key, type: 'text', op: 'equals', value });
    expect(codes({ condition: { op: 'or', items: [on('tier', 'gold'), on('tier', 'silver')] } })).toEqual([]);
    expect(codes({ condition: { op: 'or', items: [on('tier', 'gold'), on('city', 'Taipei')] } })).toEqual(['one_attribute_only@condition.items.1.key']);
  });

  it('checks the attribute against known definitions', () => {
    const attributes: AttributeDefinition[] = [{ key: 'tier', type: 'number', status: 'active' }];
    const config = { condition: { op: 'and', items: [{ criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }] } };
    expect(codes(config, { ...ctx, attributes })).toEqual(['attribute_type_mismatch@condition.items.0.type']);
  });

  it('must be the last card of its module', () => {
    expect(conditionSplit.placement).toEqual({ last: true });
  });
});
