import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { importTrigger } from './import.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(importTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.import', () => {
  it('a customer import never creates contacts', () => {
    expect(issues({ mode: 'customers', effects: ['tag_applied', 'new_contact'] })).toEqual([
      { code: 'effect_unavailable', path: 'effects.1', severity: 'error' },
    ]);
    expect(issues({ mode: 'social_contacts', effects: ['tag_applied', 'attribute_changed', 'new_contact'] })).toEqual([]);
  });
  it('needs at least one effect and warns about repeats', () => {
    expect(issues({ effects: [] })).toEqual([{ code: 'required', path: 'effects', severity: 'error' }]);
    expect(issues({ effects: ['tag_applied', 'tag_applied'] })).toEqual([{ code: 'duplicate', path: 'effects.1', severity: 'warning' }]);
  });
});
