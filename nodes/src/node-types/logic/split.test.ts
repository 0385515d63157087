import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { segmentSplit } from './split.ts';

const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['line', 'whatsapp'] };
const issues = (config: unknown) => validateNodeConfig(segmentSplit, config, ctx).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`);
const vip = { op: 'and', items: [{ criterion: 'tag', op: 'hasAny', tags: ['vip'] }] };

describe('logic.split', () => {
  it('has a port per branch in order, then else', () => {
    const config = segmentSplit.config.parse({
      branches: [
        { id: 'vip', label: 'VIP', condition: vip },
        { id: 'new', label: 'New', condition: vip },
      ],
    });
    expect(segmentSplit.ports(config, { flowKind: 'journey' }).map((p) => [p.id, p.role, p.label.en])).toEqual([
      ['branch:vip', 'branch', 'VIP'],
      ['branch:new', 'branch', 'New'],
      ['else', 'branch', 'Everyone else'],
    ]);
    const named = segmentSplit.config.parse({ branches: [], elseLabel: 'Others' });
    expect(segmentSplit.ports(named, { flowKind: 'journey' })).toEqual([{ id: 'else', label: { en: 'Others', 'zh-Hant': 'Others' }, role: 'branch' }]);
  });

  it('checks every branch condition with its path', () => {
    expect(
      issues({
        branches: [
          { id: 'a', label: 'A', condition: vip },
          { id: 'b', label: 'B', condition: { op: 'and', items: [] } },
        ],
      }),
    ).toEqual(['error:empty_condition@branches.1.condition.items']);
  });

  it('flags duplicate names and ids, and warns about a branch that repeats an earlier condition', () => {
    expect(
      issues({
        branches: [
          { id: 'a', label: 'VIP', condition: vip },
          { id: 'a', label: 'VIP', condition: vip },
        ],
      }),
    ).toEqual(['error:duplicate_id@branches.1.id', 'error:duplicate_label@branches.1.label', 'warning:unreachable_branch@branches.1.condition']);
  });
});
