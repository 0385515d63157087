import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { goalNode } from './goal.ts';

describe('flow.goal', () => {
  it('ends the run with no outputs and needs a name', () => {
    expect(goalNode.terminal).toBe(true);
    expect(goalNode.ports(goalNode.config.parse({ label: 'Bought' }), { flowKind: 'journey' })).toEqual([]);
    const codes = validateNodeConfig(goalNode, { label: '' }, { flowKind: 'journey', channels: ['line'] }).issues.map((i) => `${i.code}@${i.path.join('.')}`);
    expect(codes).toEqual(['required@label']);
  });
});
