import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { apiTrigger, isIpOrCidr } from './api.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(apiTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.api', () => {
  it('the trigger key is URL-safe, 8 to 64 characters', () => {
    expect(issues({ triggerKey: 'order-shipped' })).toEqual([]);
    expect(issues({ triggerKey: 'order shipped' })).toEqual([{ code: 'invalid_trigger_key', path: 'triggerKey', severity: 'error' }]);
    expect(issues({ triggerKey: 'short' })).toEqual([{ code: 'too_short', path: 'triggerKey', severity: 'error' }]);
  });
  it('does not create customers by default, and cannot create channel contacts', () => {
    expect(apiTrigger.config.parse({}).createCustomerIfMissing).toBe(false);
    expect(issues({ triggerKey: 'order-shipped', lookup: 'channelUserId', createCustomerIfMissing: true })).toEqual([
      { code: 'unsupported_combination', path: 'createCustomerIfMissing', severity: 'error' },
    ]);
  });
  it('validates each allow-list entry', () => {
    expect(['203.0.113.10', '198.51.100.0/24', '2001:db8::1', '2001:db8::/32'].every(isIpOrCidr)).toBe(true);
    expect(['203.0.113', '10.0.0.0/33', 'example.com', ' 203.0.113.10'].some(isIpOrCidr)).toBe(false);
    expect(issues({ triggerKey: 'order-shipped', ipAllowList: ['203.0.113.10', '10.0.0.0/33', '0.0.0.0/0', '203.0.113.10'] })).toEqual([
      { code: 'invalid_ip', path: 'ipAllowList.1', severity: 'error' },
      { code: 'allows_everyone', path: 'ipAllowList.2', severity: 'warning' },
      { code: 'duplicate', path: 'ipAllowList.3', severity: 'warning' },
    ]);
  });
  it('checks expected variables like the system trigger', () => {
    expect(issues({ triggerKey: 'order-shipped', variables: [{ name: 'order id' }] })).toEqual([
      { code: 'invalid_variable_name', path: 'variables.0.name', severity: 'error' },
    ]);
  });
});
