import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { exitNode } from './exit.ts';

describe('flow.exit', () => {
  it('ends the run with no outputs; the reason is optional and plain text', () => {
    expect(exitNode.terminal).toBe(true);
    expect(exitNode.ports(exitNode.config.parse({}), { flowKind: 'journey' })).toEqual([]);
    const codes = (reason: string) => validateNodeConfig(exitNode, { reason }, { flowKind: 'journey', channels: ['line'] }).issues.map((i) => i.code);
    expect(codes('')).toEqual([]);
    expect(codes('Left at {{system:customer_name}}')).toEqual(['placeholder_not_allowed']);
  });
});
