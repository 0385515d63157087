import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { FLEX_SAMPLES } from '../shared/flex/index.ts';
import { lineFlexMessage } from './line-flex.ts';

const bot: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const sampleConfig = (id: string) => {
  const s = FLEX_SAMPLES.find((x) => x.id === id)!;
  return { altText: s.altText, contents: structuredClone(s.contents) as unknown as Record<string, unknown> };
};
const issues = (config: unknown, ctx = bot) => validateNodeConfig(lineFlexMessage, config, ctx).issues;
const codes = (config: unknown, ctx = bot) => issues(config, ctx).map((i) => [i.code, i.path.join('.')]);

describe('message.line_flex', () => {
  it('accepts every showcase sample, in bots and journeys', () => {
    for (const s of FLEX_SAMPLES) {
      expect(issues(sampleConfig(s.id))).toEqual([]);
      expect(issues(sampleConfig(s.id), journey)).toEqual([]);
    }
  });

  it('continues on sent / failed / skipped in journeys, and has no ports as a bot card', () => {
    const parsed = lineFlexMessage.config.parse(sampleConfig('receipt'));
    expect(lineFlexMessage.ports(parsed, { flowKind: 'journey' }).map((p) => [p.id, p.role])).toEqual([
      ['sent', 'next'],
      ['failed', 'failure'],
      ['skipped', 'skipped'],
    ]);
    expect(lineFlexMessage.ports(parsed, { flowKind: 'chatbot' })).toEqual([]);
  });

  it('reports Flex errors with paths into the config and the LINE channel', () => {
    const config = sampleConfig('shopping');
    // biome-ignore lint/suspicious/noExplicitAny: editing pasted JSON.
    const c = config.contents as any;
    c.contents[2].footer.contents[0].action.label = '我'.repeat(41);
    c.contents[1].size = 'giga';
    const found = issues(config);
    expect(found.map((i) => [i.code, i.path])).toEqual([
      ['carousel_size_mismatch', ['contents', 'contents', 1, 'size']],
      ['too_long', ['contents', 'contents', 2, 'footer', 'contents', 0, 'action', 'label']],
    ]);
    expect(found.every((i) => i.channel === 'line')).toBe(true);
  });

  it('reports a carousel of 13 bubbles once (as the limit), not twice', () => {
    const config = sampleConfig('shopping');
    // biome-ignore lint/suspicious/noExplicitAny: editing pasted JSON.
    const c = config.contents as any;
    c.contents = Array.from({ length: 13 }, () => structuredClone(c.contents[0]));
    expect(codes(config)).toEqual([['too_many', 'contents.contents']]);
  });

  it('rejects JSON that is not a Flex container', () => {
    expect(codes({ altText: 'x', contents: { type: 'template', text: 'hi' } })).toEqual([['unknown_container', 'contents.type']]);
    expect(codes({ altText: 'x', contents: { type: 'bubble' } })).toEqual([['empty_bubble', 'contents']]);
  });

  it('allows placeholders in altText and in Flex string values, and checks them', () => {
    const config = sampleConfig('receipt');
    config.altText = '{{system:customer_name}},您的收據';
    // biome-ignore lint/suspicious/noExplicitAny: editing pasted JSON.
    (config.contents as any).body.contents[1].text = '{{attr:store_name|"好日子"}}';
    expect(issues(config)).toEqual([]);
    // biome-ignore lint/suspicious/noExplicitAny: editing pasted JSON.
    (config.contents as any).body.contents[1].text = '{{system:shoe_size}}';
    expect(codes(config)).toEqual([['unknown_placeholder', 'contents.body.contents.1.text']]);
  });

  it('needs an alt text', () => {
    expect(codes({ ...sampleConfig('ticket'), altText: '' })).toEqual([['required', 'altText']]);
  });
});
