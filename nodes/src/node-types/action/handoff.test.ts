import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { handoffAction } from './handoff.ts';

describe('action.handoff', () => {
  const config = handoffAction.config.parse(handoffAction.defaultConfig);

  it('has only the no-agent fallback in a chatbot, and assigned / noAgent in a journey', () => {
    expect(handoffAction.ports(config, { flowKind: 'chatbot' }).map((p) => `${p.id}:${p.role}`)).toEqual(['noAgent:failure']);
    expect(handoffAction.ports(config, { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`)).toEqual(['assigned:next', 'noAgent:failure']);
  });

  it('is the only card of its module', () => {
    expect(handoffAction.placement).toEqual({ alone: true });
  });

  it('needs members when assigning to members, each once', () => {
    const codes = (assignTo: object) =>
      validateNodeConfig(handoffAction, { assignTo }, { flowKind: 'journey', channels: ['line'] }).issues.map(
        (i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`,
      );
    expect(codes({ kind: 'members', memberIds: [] })).toEqual(['error:required@assignTo.memberIds']);
    expect(codes({ kind: 'members', memberIds: ['m1', 'm1'] })).toEqual(['warning:duplicate_member@assignTo.memberIds.1']);
    expect(codes({ kind: 'role', role: 'sales' })).toEqual([]);
  });

  it('allows placeholders in the agent note only', () => {
    const codes = (c: object) => validateNodeConfig(handoffAction, c, { flowKind: 'chatbot', channels: ['line'], scope: 'line' }).issues.map((i) => i.code);
    expect(codes({ note: 'Call {{system:customer_name}}' })).toEqual([]);
    expect(codes({ tag: '{{system:customer_name}}' })).toEqual(['placeholder_not_allowed']);
  });
});
