import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { formSubmittedTrigger } from './form-submitted.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['whatsapp'] };
const issues = (config: unknown) =>
  validateNodeConfig(formSubmittedTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.form_submitted', () => {
  it('needs the Flow', () => {
    expect(issues({})).toEqual([{ code: 'required', path: 'flowId', severity: 'error' }]);
  });
  it('filters name a Flow field and carry a value unless they test presence', () => {
    expect(issues({ flowId: 'f1', filters: [{ field: 'store', op: 'equals', value: '' }] })).toEqual([
      { code: 'incomplete_condition', path: 'filters.0.value', severity: 'error' },
    ]);
    expect(issues({ flowId: 'f1', filters: [{ field: 'Store name', op: 'isSet' }] })).toEqual([
      { code: 'invalid_field_name', path: 'filters.0.field', severity: 'error' },
    ]);
    expect(issues({ flowId: 'f1', filters: [{ field: 'email', op: 'isSet', value: 'x' }] })).toEqual([
      { code: 'value_ignored', path: 'filters.0.value', severity: 'warning' },
    ]);
  });
  it('works in journeys and WhatsApp bots, continuing on next', () => {
    expect(formSubmittedTrigger.flowKinds).toEqual(['journey', 'chatbot']);
    expect(formSubmittedTrigger.botScopes).toEqual(['whatsapp']);
    expect(formSubmittedTrigger.ports(formSubmittedTrigger.config.parse({}), { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['next']);
  });
});
