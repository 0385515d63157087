import { describe, expect, it } from 'vitest';
import { MESSAGES, type MessageKey, translate } from './i18n.tsx';
import { problemText } from './problem-text.ts';

describe('UI strings', () => {
  it('has every key in English and Traditional Chinese, none empty', () => {
    expect(Object.keys(MESSAGES['zh-Hant']).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    for (const locale of ['en', 'zh-Hant'] as const) for (const v of Object.values(MESSAGES[locale])) expect(v.trim()).not.toBe('');
  });

  it('fills placeholders', () => {
    expect(translate('en', 'publish.done', { n: 3 })).toBe('Published version 3.');
    expect(translate('zh-Hant', 'conflict.summary', { nodes: 2, edges: 1 })).toBe('2 個節點,1 條連線');
  });

  it('never shows raw JSON or internal errors', () => {
    const t = (k: MessageKey) => translate('en', k);
    expect(problemText({ code: 'INTERNAL_SERVER_ERROR', message: 'TypeError: x is undefined at foo.ts:1' }, t)).toBe(translate('en', 'error.generic'));
    expect(problemText({ code: 'BAD_REQUEST', message: '[{"code":"too_small"}]' }, t)).toBe(translate('en', 'error.generic'));
    expect(problemText({ code: 'FORBIDDEN', message: 'no' }, t)).toBe(translate('en', 'error.forbidden'));
    expect(problemText({ code: 'NETWORK', message: 'Failed to fetch' }, t)).toBe(translate('en', 'error.network'));
    expect(problemText({ code: 'NOT_FOUND', message: 'Flow "x" was not found' }, t)).toBe('Flow "x" was not found');
  });
});
