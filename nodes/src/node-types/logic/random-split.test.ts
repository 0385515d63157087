import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { randomSplit } from './random-split.ts';

const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const codes = (config: unknown) => validateNodeConfig(randomSplit, config, ctx).issues.map((i) => `${i.code}@${i.path.join('.')}`);
const v = (id: string, weight: number, label = id.toUpperCase()) => ({ id, label, weight });

describe('logic.random_split', () => {
  it('requires the weights to add up to exactly 100, reported on the last variant', () => {
    expect(codes({ variants: [v('a', 50), v('b', 50)] })).toEqual([]);
    expect(codes({ variants: [v('a', 50), v('b', 40)] })).toEqual(['weights_not_100@variants.1.weight']);
    expect(codes({ variants: [v('a', 60), v('b', 30), v('c', 20)] })).toEqual(['weights_not_100@variants.2.weight']);
  });

  it('flags duplicate variant names', () => {
    expect(codes({ variants: [v('a', 50, 'Same'), v('b', 50, 'Same')] })).toEqual(['duplicate_label@variants.1.label']);
  });

  it('is sticky by default and has one port per variant with its share', () => {
    const config = randomSplit.config.parse({ variants: [v('a', 70), v('b', 30)] });
    expect(config.sticky).toBe(true);
    expect(randomSplit.ports(config, { flowKind: 'journey' }).map((p) => [p.id, p.role, p.label.en])).toEqual([
      ['variant:a', 'branch', 'A (70%)'],
      ['variant:b', 'branch', 'B (30%)'],
    ]);
  });
});
