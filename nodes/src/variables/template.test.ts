import { describe, expect, it } from 'vitest';
import { canonicalTemplate, checkPlaceholder, type Placeholder, parseTemplate, renderTemplate, scanTemplate, TemplateError } from './template.ts';

const contact: Record<string, unknown> = {
  'system:customer_name': '王小明',
  'system:loyaltyPoint:balance': 120,
  'attr:member_tier': 'gold',
  'attr:empty': '',
  'run:order.id': 'A&B 1',
  'trigger:source': 'import',
};
const resolve = (p: Placeholder) => (p.kind === 'named' ? contact[`${p.namespace}:${p.path}`] : `param${p.index}`);

describe('parseTemplate', () => {
  it('splits text and placeholders of every namespace', () => {
    expect(parseTemplate('Hi {{system:customer_name}}, tier {{attr:member_tier}}!')).toEqual([
      'Hi ',
      { kind: 'named', namespace: 'system', path: 'customer_name', start: 3, end: 27 },
      ', tier ',
      { kind: 'named', namespace: 'attr', path: 'member_tier', start: 34, end: 54 },
      '!',
    ]);
  });

  it('reads fallbacks with escaped quotes', () => {
    const [p] = parseTemplate('{{system:customer_name|"朋友 \\"VIP\\""}}');
    expect(p).toMatchObject({ kind: 'named', fallback: '朋友 "VIP"' });
  });

  it('reads WhatsApp positional parameters', () => {
    expect(parseTemplate('{{1}} and {{12}}').filter((p) => typeof p !== 'string')).toMatchObject([
      { kind: 'positional', index: 1 },
      { kind: 'positional', index: 12 },
    ]);
  });

  it.each([
    ['unclosed', 'Hello {{system:customer_name', 6],
    ['empty', 'Hello {{}}', 6],
    ['unknown namespace', 'x {{foo:bar}}', 2],
    ['no namespace', '{{customer_name}}', 0],
    ['bad fallback', '{{attr:a|朋友}}', 0],
    ['zero index', '{{0}}', 0],
  ])('rejects a malformed placeholder (%s) with its position', (_name, source, index) => {
    expect(() => parseTemplate(source)).toThrow(TemplateError);
    const { error } = scanTemplate(source);
    expect(error?.index).toBe(index);
    expect(error?.localized.en).toMatch(/placeholder|variable|\{\{/);
    expect(error?.localized['zh-Hant']).not.toBe('');
  });

  it('treats \\{{ as a literal "{{"', () => {
    expect(parseTemplate('use \\{{ and }} freely')).toEqual(['use {{ and }} freely']);
  });
});

describe('renderTemplate', () => {
  it('renders values and fallbacks; empty values render the fallback or nothing', () => {
    expect(renderTemplate('Hi {{system:customer_name}} ({{system:loyaltyPoint:balance}} pts)', resolve)).toBe('Hi 王小明 (120 pts)');
    expect(renderTemplate('Hi {{attr:empty|"friend"}}', resolve)).toBe('Hi friend');
    expect(renderTemplate('Hi {{attr:missing}}!', resolve)).toBe('Hi !');
  });

  it('accepts the seed misspelling cutomer_name as an alias', () => {
    expect(renderTemplate('{{system:cutomer_name}}', resolve)).toBe('王小明');
    expect(canonicalTemplate('Hi {{system:cutomer_name|"朋友"}} \\{{x')).toBe('Hi {{system:customer_name|"朋友"}} \\{{x');
  });

  it('escapes values for the context: URL percent-encoding and JSON string escaping', () => {
    expect(renderTemplate('https://shop.example/o?id={{run:order.id}}', resolve, { mode: 'url' })).toBe('https://shop.example/o?id=A%26B%201');
    const json = `{"text":"${renderTemplate('{{attr:quote|"say \\"hi\\"\\n"}}', () => undefined, { mode: 'json' })}"}`;
    expect(JSON.parse(json)).toEqual({ text: 'say "hi"\\n' });
  });

  it('formats dates in the team time zone', () => {
    const out = renderTemplate('{{attr:due}}', () => new Date('2026-01-05T10:00:00Z'), { timeZone: 'Asia/Taipei', language: 'en' });
    expect(out).toContain('6:00');
    expect(out).toContain('PM');
  });
});

describe('checkPlaceholder', () => {
  const attributes = [
    { key: 'member_tier', type: 'text' as const, status: 'active' as const },
    { key: 'old', type: 'text' as const, status: 'archived' as const },
  ];
  const check = (src: string, opts = {}) => scanTemplate(src).placeholders.map((p) => checkPlaceholder(p, { attributes, ...opts })?.en);

  it('accepts known system fields and attributes', () => {
    expect(check('{{system:customer_name}} {{system:loyaltyPoint:accumulated}} {{attr:member_tier}} {{run:x}} {{trigger:y}}')).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('names unknown system fields, unknown and archived attributes', () => {
    expect(check('{{system:nickname}}')[0]).toMatch(/not a known contact field/);
    expect(check('{{attr:nope}}')[0]).toMatch(/no custom attribute "nope"/);
    expect(check('{{attr:old}}')[0]).toMatch(/archived/);
  });

  it('allows positional and response placeholders only where the field says so', () => {
    expect(check('{{1}}')[0]).toMatch(/WhatsApp template parameter/);
    expect(check('{{1}}', { positional: true })[0]).toBeUndefined();
    expect(check('{{response:data.points}}')[0]).toMatch(/Call-an-API/);
    expect(check('{{response:data.points}}', { response: true })[0]).toBeUndefined();
  });
});
