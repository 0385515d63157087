import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { userInputMessage } from './user-input.ts';

const fb: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger', 'instagram'], scope: 'fb_ig' };
const attributes: AttributeDefinition[] = [
  { key: 'birthday', type: 'date', status: 'active' },
  { key: 'receipt', type: 'text', status: 'active' },
  { key: 'old_field', type: 'text', status: 'archived' },
];
const withAttrs = { ...fb, attributes };
const codes = (config: unknown, ctx: NodeCheckContext = fb) =>
  validateNodeConfig(userInputMessage, config, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}`);

describe('message.user_input', () => {
  it('is offered in every bot scope, waits, and must be last without a quick reply', () => {
    expect(scopesOf(userInputMessage)).toEqual(['all', 'fb_ig', 'web', 'whatsapp', 'line']);
    expect(userInputMessage.placement).toEqual({ last: true, notWith: ['message.quick_reply'] });
    expect(userInputMessage.waits).toBe(true);
  });

  it('has next, invalid and timeout ports whatever the config', () => {
    const config = userInputMessage.config.parse({ question: 'Name?' });
    expect(userInputMessage.ports(config, { flowKind: 'chatbot' }).map((p) => `${p.id}/${p.role}`)).toEqual([
      'next/next',
      'invalid/failure',
      'timeout/timeout',
    ]);
    expect(config.onInvalid).toEqual({ reask: 1, message: '' });
  });

  it('saves only to an existing, active attribute of the expected type', () => {
    expect(codes({ question: 'Birthday?', saveTo: 'birthday', expectedType: 'date' }, withAttrs)).toEqual([]);
    expect(codes({ question: 'Birthday?', saveTo: 'birthday', expectedType: 'text' }, withAttrs)).toEqual(['expectedType:attribute_type_mismatch']);
    expect(codes({ question: 'Q?', saveTo: 'missing' }, withAttrs)).toEqual(['saveTo:unknown_attribute']);
    expect(codes({ question: 'Q?', saveTo: 'old_field' }, withAttrs)).toEqual(['saveTo:archived_attribute']);
    // Without the attribute list the reference cannot be judged.
    expect(codes({ question: 'Q?', saveTo: 'missing' })).toEqual([]);
  });

  it('stores photos and videos as links, so it needs a text answer', () => {
    expect(codes({ question: 'Photo?', saveTo: 'receipt', acceptMedia: 'image' }, withAttrs)).toEqual([]);
    expect(codes({ question: 'Photo?', expectedType: 'number', acceptMedia: 'video' })).toEqual(['acceptMedia:media_needs_text']);
    expect(codes({ question: 'Photo?', saveTo: 'birthday', expectedType: 'date', acceptMedia: 'image' }, withAttrs)).toEqual(['acceptMedia:media_needs_text']);
  });

  it('allows placeholders in the question and the ask-again message, and caps re-asks', () => {
    const name = '{{system:customer_name}}';
    expect(codes({ question: `Hi ${name}?`, onInvalid: { reask: 3, message: `Sorry ${name}, again?` } })).toEqual([]);
    expect(codes({ question: 'Q?', onInvalid: { reask: 4 } })).toEqual(['onInvalid.reask:too_large']);
  });
});
