import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { quickReplyMessage } from './quick-reply.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const codes = (config: unknown, ctx: NodeCheckContext = line) =>
  validateNodeConfig(quickReplyMessage, config, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}`);

describe('message.quick_reply', () => {
  it('is not offered in WhatsApp bots (§4.0), must be last and never with user input', () => {
    expect(scopesOf(quickReplyMessage)).toEqual(['all', 'fb_ig', 'web', 'line']);
    expect(quickReplyMessage.placement).toEqual({ last: true, notWith: ['message.user_input'] });
    expect(quickReplyMessage.waits).toBe(true);
  });

  it('has a branch per option plus timeout and freeText', () => {
    const config = quickReplyMessage.config.parse({
      title: 'Pick',
      options: [
        { id: 'y', label: 'Yes' },
        { id: 'n', label: 'No' },
      ],
    });
    expect(quickReplyMessage.ports(config, { flowKind: 'chatbot' }).map((p) => `${p.id}/${p.role}`)).toEqual([
      'option:y/branch',
      'option:n/branch',
      'timeout/timeout',
      'freeText/event',
    ]);
  });

  it('needs a title and at least one option; labels and ids must be unique', () => {
    expect(codes({ title: '', options: [] })).toEqual(['title:required', 'options:required']);
    expect(
      codes({
        title: 'Pick',
        options: [
          { id: 'a', label: 'Yes' },
          { id: 'a', label: 'Yes' },
        ],
      }),
    ).toEqual(['options.1.id:duplicate_id', 'options.1.label:duplicate_label']);
  });

  it('allows placeholders in the title only', () => {
    expect(codes({ title: 'Hi {{system:customer_name}}', options: [{ id: 'a', label: 'OK' }] })).toEqual([]);
    expect(codes({ title: 'Hi', options: [{ id: 'a', label: '{{attr:tier}}' }] })).toEqual(['options.0.label:placeholder_not_allowed']);
  });

  it('checks the attribute values options save', () => {
    const attributes: AttributeDefinition[] = [{ key: 'agreed', type: 'boolean', status: 'active' }];
    const config = (value: string) => ({ title: 'Agree?', options: [{ id: 'a', label: 'Yes', saveAttribute: { key: 'agreed', value } }] });
    expect(codes(config('true'), { ...line, attributes })).toEqual([]);
    expect(codes(config('yes'), { ...line, attributes })).toEqual(['options.0.saveAttribute.value:invalid_attribute_value']);
  });
});
