import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { attributeChangedTrigger, needsDailyEvaluation } from './attribute-changed.ts';

const attributes: AttributeDefinition[] = [
  { key: 'member_tier', type: 'text', status: 'active' },
  { key: 'birthday', type: 'date', status: 'active' },
  { key: 'old_score', type: 'number', status: 'archived' },
];
const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'], attributes };
const issues = (config: unknown, ctx: NodeCheckContext = journey) =>
  validateNodeConfig(attributeChangedTrigger, config, ctx).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.attribute_changed', () => {
  it('needs a valid, known attribute key', () => {
    expect(issues({ attributeKey: '' })).toContainEqual({ code: 'required', path: 'attributeKey', severity: 'error' });
    expect(issues({ attributeKey: 'member tier' })).toContainEqual({ code: 'invalid_attribute_key', path: 'attributeKey', severity: 'error' });
    expect(issues({ attributeKey: 'nope' })).toEqual([{ code: 'unknown_attribute', path: 'attributeKey', severity: 'error' }]);
    expect(issues({ attributeKey: 'old_score' })).toEqual([{ code: 'archived_attribute', path: 'attributeKey', severity: 'warning' }]);
    expect(issues({ attributeKey: 'nope' }, { flowKind: 'journey', channels: ['line'] })).toEqual([]);
  });

  it('the condition must test the same attribute, with its type and operands', () => {
    expect(issues({ attributeKey: 'member_tier', condition: { criterion: 'attribute', key: 'birthday', type: 'date', op: 'today' } })).toContainEqual({
      code: 'condition_key_mismatch',
      path: 'condition.key',
      severity: 'error',
    });
    expect(issues({ attributeKey: 'member_tier', condition: { criterion: 'attribute', key: 'member_tier', type: 'number', op: 'gt', value: 1 } })).toEqual([
      { code: 'attribute_type_mismatch', path: 'condition.type', severity: 'error' },
    ]);
    expect(issues({ attributeKey: 'member_tier', condition: { criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals' } })).toEqual([
      { code: 'incomplete_condition', path: 'condition.value', severity: 'error' },
    ]);
  });

  it('reports an unknown attribute once, on the key', () => {
    expect(issues({ attributeKey: 'nope', condition: { criterion: 'attribute', key: 'nope', type: 'text', op: 'isSet' } })).toEqual([
      { code: 'unknown_attribute', path: 'attributeKey', severity: 'error' },
    ]);
  });

  it('knows which conditions need the daily evaluator', () => {
    expect(needsDailyEvaluation({ criterion: 'attribute', key: 'birthday', type: 'date', op: 'withinNextDays', n: 3 })).toBe(true);
    expect(needsDailyEvaluation({ criterion: 'attribute', key: 'birthday', type: 'date', op: 'specificMonth', month: 'this' })).toBe(true);
    expect(needsDailyEvaluation({ criterion: 'attribute', key: 'birthday', type: 'date', op: 'specificMonth', month: 3 })).toBe(false);
    expect(needsDailyEvaluation({ criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'gold' })).toBe(false);
    expect(attributeChangedTrigger.events).toContain('attribute.date_condition_met');
  });
});
