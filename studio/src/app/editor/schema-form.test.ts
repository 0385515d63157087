import { builtinCatalogue } from '@omniflow/nodes';
import { describe, expect, it } from 'vitest';
import { configSchemaOf, counterFor, discriminatorOf, emptyValue, fieldKind, fieldLabel, setAt } from './schema-form.ts';

const catalogue = builtinCatalogue();
const def = (type: string) => {
  const d = catalogue.get(type);
  if (!d) throw new Error(type);
  return d;
};

describe('generated form', () => {
  it('maps widgets and types to controls', () => {
    const props = configSchemaOf(def('action.set_attribute')).properties ?? {};
    expect(fieldKind(props.attributeKey ?? {})).toBe('text');
    expect(fieldKind(props.op ?? {})).toBe('select');
    expect(fieldKind(props.value ?? {})).toBe('textarea');
    const trigger = configSchemaOf(def('trigger.tag_applied')).properties ?? {};
    expect(fieldKind(trigger.tags ?? {})).toBe('tags');
    expect(fieldKind(trigger.includeReapply ?? {})).toBe('toggle');
    expect(fieldKind(trigger.includeSources ?? {})).toBe('multiselect');
    expect(fieldKind({ type: 'integer' })).toBe('number');
    expect(fieldKind({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
    expect(fieldKind({ type: 'array', items: { type: 'object', properties: {} } })).toBe('list');
    expect(fieldKind({ type: 'string', widget: 'json' })).toBe('unsupported');
    expect(fieldKind({ type: 'object', widget: 'json' })).toBe('json');
    expect(fieldKind({ widget: 'condition', oneOf: [{ type: 'object' }] })).toBe('condition');
    expect(
      fieldKind({
        anyOf: [
          { type: 'string', enum: ['this'] },
          { type: 'integer', minimum: 1 },
        ],
      }),
    ).toBe('scalarUnion');
    expect(fieldKind({ anyOf: [{ type: 'string' }, { type: 'string' }] })).toBe('unsupported');
  });

  it('draws a oneOf with a const discriminator as a variant picker', () => {
    const content = configSchemaOf(def('message.send')).properties?.content ?? {};
    expect(fieldKind(content)).toBe('variant');
    expect(discriminatorOf(content.oneOf ?? [])).toBe('kind');
  });

  it('labels fields in both languages from the field metadata', () => {
    const key = configSchemaOf(def('action.set_attribute')).properties?.attributeKey ?? {};
    expect(fieldLabel(key, 'attributeKey', 'en')).toBe('Custom attribute');
    expect(fieldLabel(key, 'attributeKey', 'zh-Hant')).toBe('自訂屬性');
    expect(fieldLabel({}, 'maxItems', 'en')).toBe('Max items');
    expect(fieldLabel({}, 2, 'en')).toBe('#3');
  });

  it('makes empty values that satisfy required keys', () => {
    expect(emptyValue({ type: 'object', required: ['kind', 'n'], properties: { kind: { const: 'text' }, n: { type: 'integer', minimum: 1 } } })).toEqual({
      kind: 'text',
      n: 1,
    });
    expect(emptyValue({ type: 'string', pattern: '^[A-Za-z0-9_-]+$' })).toMatch(/^i[a-z0-9]+$/);
    expect(emptyValue({ type: 'array', default: ['x'] })).toEqual(['x']);
  });

  it('sets nested values immutably', () => {
    const root = { a: { b: [1, 2] }, c: 1 };
    const next = setAt(root, ['a', 'b', 1], 5);
    expect(next).toEqual({ a: { b: [1, 5] }, c: 1 });
    expect(root.a.b).toEqual([1, 2]);
    expect(setAt({ a: 1, b: 2 }, ['a'], undefined)).toEqual({ b: 2 });
  });

  it('counts characters against the tightest limit of the flow channels', () => {
    const send = def('message.send');
    const config = { channelStrategy: { mode: 'trigger' }, content: { kind: 'text', text: 'x'.repeat(2000) } };
    expect(counterFor(send, config, ['content', 'text'], config.content.text, ['line'])).toMatchObject({ size: 2000, max: 5000, over: false });
    expect(counterFor(send, config, ['content', 'text'], config.content.text, ['line', 'messenger'])).toMatchObject({ size: 2000, max: 1999, over: true });
    const attr = def('action.set_attribute');
    expect(counterFor(attr, { attributeKey: 'ab' }, ['attributeKey'], 'ab', ['line'])).toMatchObject({ size: 2, max: 64 });
    expect(counterFor(attr, {}, ['op'], 'set', ['line'])).toBeNull();
  });
});
