import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { optionsListMessage } from './options-list.ts';

const wa: NodeCheckContext = { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' };
const base = { body: 'Pick one', buttonText: 'Options', options: [{ id: 'a', title: 'First' }] };
const codes = (config: unknown, ctx: NodeCheckContext = wa) =>
  validateNodeConfig(optionsListMessage, config, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}`);

describe('message.options_list', () => {
  it('is a WhatsApp-only card that waits and must be last', () => {
    expect(scopesOf(optionsListMessage)).toEqual(['whatsapp']);
    expect(optionsListMessage.placement?.last).toBe(true);
    expect(optionsListMessage.waits).toBe(true);
  });

  it('has a branch per option plus timeout and freeText', () => {
    const config = optionsListMessage.config.parse({
      ...base,
      options: [
        { id: 'a', title: 'First' },
        { id: 'b', title: 'Second' },
      ],
    });
    expect(optionsListMessage.ports(config, { flowKind: 'chatbot' }).map((p) => `${p.id}/${p.role}`)).toEqual([
      'option:a/branch',
      'option:b/branch',
      'timeout/timeout',
      'freeText/event',
    ]);
  });

  it('allows placeholders in the body and descriptions, not in titles, header or button text', () => {
    const name = '{{attr:a}}';
    expect(codes({ ...base, body: `Hi ${name}`, options: [{ id: 'a', title: 'First', description: `For ${name}` }] })).toEqual([]);
    expect(codes({ ...base, header: name, buttonText: name, options: [{ id: 'a', title: name }] })).toEqual([
      'header:placeholder_not_allowed',
      'buttonText:placeholder_not_allowed',
      'options.0.title:placeholder_not_allowed',
    ]);
  });

  it('requires body, button text and an option; titles must be unique', () => {
    expect(codes({ body: '', buttonText: '', options: [] })).toEqual(['body:required', 'buttonText:required', 'options:required']);
    expect(
      codes({
        ...base,
        options: [
          { id: 'a', title: 'Same' },
          { id: 'b', title: 'Same' },
        ],
      }),
    ).toEqual(['options.1.title:duplicate_label']);
  });

  it('checks the attribute an option saves to', () => {
    const attributes: AttributeDefinition[] = [{ key: 'visit', type: 'date', status: 'active' }];
    const config = (value: string) => ({ ...base, options: [{ id: 'a', title: 'First', saveAttribute: { key: 'visit', value } }] });
    expect(codes(config('2025-02-28'), { ...wa, attributes })).toEqual([]);
    expect(codes(config('2025-02-30'), { ...wa, attributes })).toEqual(['options.0.saveAttribute.value:invalid_attribute_value']);
  });
});
