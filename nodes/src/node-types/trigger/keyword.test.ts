import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { keywordTrigger } from './keyword.ts';

const bot: NodeCheckContext = { flowKind: 'chatbot', channels: ['line', 'messenger', 'instagram', 'webchat'], scope: 'all' };
const issues = (config: unknown, ctx: NodeCheckContext = bot) =>
  validateNodeConfig(keywordTrigger, config, ctx).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));
const parse = (config: unknown) => keywordTrigger.config.parse(config);

describe('trigger.keyword', () => {
  it('defaults to pending, bot and closed conversations (in progress is opt-in)', () => {
    expect(parse({}).conversationStates).toEqual(['pending_bot', 'pending_human', 'closed']);
  });

  it('exact match allows exactly one keyword', () => {
    expect(issues({ keywords: ['00', '01'], match: 'exact' })).toContainEqual({ code: 'exact_single_keyword', path: 'keywords', severity: 'error' });
    expect(issues({ keywords: ['00'], match: 'exact' })).toEqual([]);
  });

  it('any input takes no keywords, and needs none', () => {
    expect(issues({ keywords: ['hi'], match: 'anyInput' })).toContainEqual({ code: 'keywords_not_used', path: 'keywords', severity: 'error' });
    expect(issues({ keywords: [], match: 'anyInput' })).toEqual([]);
    expect(issues({ keywords: [], match: 'containsAny' })).toContainEqual({ code: 'required', path: 'keywords', severity: 'error' });
  });

  it('flags duplicates after trimming and lower-casing, but keeps full-width distinct', () => {
    expect(issues({ keywords: ['ABC', ' abc '] })).toContainEqual({ code: 'duplicate_keyword', path: 'keywords.1', severity: 'error' });
    expect(issues({ keywords: ['ABC', 'ＡＢＣ'] }).filter((i) => i.code === 'duplicate_keyword')).toEqual([]);
  });

  it('rejects whitespace-only keywords and placeholders', () => {
    expect(issues({ keywords: ['   '] })).toContainEqual({ code: 'blank_keyword', path: 'keywords.0', severity: 'error' });
    expect(issues({ keywords: ['hi {{system:customer_name}}'] })).toContainEqual({ code: 'placeholder_not_allowed', path: 'keywords.0', severity: 'error' });
  });

  it('warns about picked channels the flow does not reach', () => {
    expect(issues({ keywords: ['hi'], channels: ['whatsapp', 'line'] })).toEqual([{ code: 'channel_not_in_flow', path: 'channels.0', severity: 'warning' }]);
  });

  it('a chatbot rule without reply has no port, and warns when it does nothing at all', () => {
    const silent = parse({ keywords: ['hi'], reply: 'none' });
    expect(keywordTrigger.ports(silent, { flowKind: 'chatbot' })).toEqual([]);
    expect(keywordTrigger.ports(silent, { flowKind: 'journey' }).map((p) => p.id)).toEqual(['next']);
    expect(keywordTrigger.ports(parse({ keywords: ['hi'] }), { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['next']);
    expect(issues({ keywords: ['hi'], reply: 'none' })).toContainEqual({ code: 'no_effect', path: 'reply', severity: 'warning' });
    expect(issues({ keywords: ['hi'], reply: 'none', tags: ['x'] })).toEqual([]);
  });
});
