import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { keywordAssignTrigger } from './keyword-assign.ts';

const bot: NodeCheckContext = { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' };
const issues = (config: unknown) =>
  validateNodeConfig(keywordAssignTrigger, config, bot).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.keyword_assign', () => {
  it('is a routing trigger with no output port', () => {
    expect(keywordAssignTrigger.ports(keywordAssignTrigger.config.parse({ keywords: ['x'] }), { flowKind: 'chatbot' })).toEqual([]);
  });

  it('applies the §3.1 keyword rules', () => {
    expect(issues({ keywords: ['A', 'B'], match: 'exact' })).toContainEqual({ code: 'exact_single_keyword', path: 'keywords', severity: 'error' });
    expect(issues({ keywords: ['Refund', 'refund'] })).toContainEqual({ code: 'duplicate_keyword', path: 'keywords.1', severity: 'error' });
  });

  it('needs at least one member when assigning to members, each once', () => {
    expect(issues({ keywords: ['x'], assignTo: { kind: 'member', memberIds: [] } })).toContainEqual({
      code: 'required',
      path: 'assignTo.memberIds',
      severity: 'error',
    });
    expect(issues({ keywords: ['x'], assignTo: { kind: 'member', memberIds: ['m1', 'm1'] } })).toContainEqual({
      code: 'duplicate_member',
      path: 'assignTo.memberIds.1',
      severity: 'error',
    });
    expect(issues({ keywords: ['x'], assignTo: { kind: 'sales_role' } })).toEqual([]);
  });

  it('does not offer Instagram', () => {
    expect(issues({ keywords: ['x'], channels: ['instagram'] })[0]?.code).toBe('invalid_config');
  });
});
