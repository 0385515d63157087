import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { systemTrigger } from './system.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(systemTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.system', () => {
  it('variable names are identifiers, declared once', () => {
    expect(issues({ variables: [{ name: 'order_id', type: 'text' }] })).toEqual([]);
    expect(issues({ variables: [{ name: '1st', type: 'text' }] })).toEqual([{ code: 'invalid_variable_name', path: 'variables.0.name', severity: 'error' }]);
    expect(issues({ variables: [{ name: 'order-id' }] })).toEqual([{ code: 'invalid_variable_name', path: 'variables.0.name', severity: 'error' }]);
    expect(
      issues({
        variables: [
          { name: 'x', type: 'text' },
          { name: 'x', type: 'number' },
        ],
      }),
    ).toEqual([{ code: 'duplicate_variable', path: 'variables.1.name', severity: 'error' }]);
    expect(issues({ variables: [{ name: '', type: 'text' }] })).toEqual([{ code: 'required', path: 'variables.0.name', severity: 'error' }]);
  });
  it('is entered by invocation only', () => {
    expect(systemTrigger.events).toEqual(['journey.invoked']);
  });
});
