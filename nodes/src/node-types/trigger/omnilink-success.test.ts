import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { omnilinkSuccessTrigger } from './omnilink-success.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(omnilinkSuccessTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.omnilink_success', () => {
  it('any OmniLink by default; ids must be ids and listed once', () => {
    expect(issues({})).toEqual([]);
    expect(issues({ omnilinkIds: ['a b'] })[0]?.code).toBe('invalid_config');
    expect(issues({ omnilinkIds: ['ol1', 'ol1'] })).toEqual([{ code: 'duplicate', path: 'omnilinkIds.1', severity: 'warning' }]);
  });
  it('continues on next', () => {
    expect(omnilinkSuccessTrigger.ports(omnilinkSuccessTrigger.config.parse({}), { flowKind: 'journey' }).map((p) => p.id)).toEqual(['next']);
  });
});
