import { describe, expect, it } from 'vitest';
import { KeywordMatcher, type KeywordRule } from './keyword-matcher.ts';

const rule = (id: string, order: number, match: KeywordRule['match'], keywords: string[], extra: Partial<KeywordRule> = {}): KeywordRule => ({
  id,
  order,
  match,
  keywords,
  ...extra,
});

describe('keyword matching (§3.1)', () => {
  // [case, rules, message, filter, expected winner]
  const cases: [string, KeywordRule[], string, { channel?: string; conversationState?: string }, string | undefined][] = [
    ['contains any: one of A, B, C', [rule('r', 1, 'containsAny', ['A', 'B', 'C'])], '我想買A', {}, 'r'],
    ['contains any: none', [rule('r', 1, 'containsAny', ['A', 'B', 'C'])], '我想買D', {}, undefined],
    ['contains all: 買 + B, "我想買A" fails', [rule('r', 1, 'containsAll', ['買', 'B'])], '我想買A', {}, undefined],
    ['contains all: 買 + B, "我想買B" matches', [rule('r', 1, 'containsAll', ['買', 'B'])], '我想買B', {}, 'r'],
    ['exact: "我想買00" fails', [rule('r', 1, 'exact', ['00'])], '我想買00', {}, undefined],
    ['exact: "00" matches', [rule('r', 1, 'exact', ['00'])], '00', {}, 'r'],
    ['exact: surrounding spaces are trimmed', [rule('r', 1, 'exact', ['00'])], '  00 \n', {}, 'r'],
    ['case-insensitive: ABC = abc', [rule('r', 1, 'containsAny', ['ABC'])], 'i want abc', {}, 'r'],
    ['case-insensitive exact', [rule('r', 1, 'exact', ['Menu'])], 'MENU', {}, 'r'],
    ['full-width ≠ half-width: ＡＢＣ vs ABC', [rule('r', 1, 'containsAny', ['ABC'])], 'ＡＢＣ', {}, undefined],
    ['full-width keyword matches full-width text in any case', [rule('r', 1, 'containsAny', ['ＡＢＣ'])], 'ａｂｃ', {}, 'r'],
    [
      'shared keyword: the newest rule wins',
      [rule('old', 1, 'containsAny', ['sale']), rule('new', 2, 'containsAny', ['sale', 'promo'])],
      'any sale?',
      {},
      'new',
    ],
    ['shared keyword across modes: newest wins', [rule('new', 5, 'exact', ['hi']), rule('old', 1, 'containsAny', ['hi', 'hello'])], 'hi', {}, 'new'],
    ['no shared keyword: the oldest (first created) wins', [rule('b', 2, 'containsAny', ['B']), rule('a', 1, 'containsAny', ['A'])], 'A and B', {}, 'a'],
    ['any input sorts last even when newer', [rule('any', 9, 'anyInput', []), rule('kw', 1, 'containsAny', ['hi'])], 'hi there', {}, 'kw'],
    ['any input when nothing else matches', [rule('any', 9, 'anyInput', []), rule('kw', 1, 'containsAny', ['hi'])], 'yo', {}, 'any'],
    ['two any-input rules: the oldest', [rule('any2', 9, 'anyInput', []), rule('any1', 3, 'anyInput', [])], 'yo', {}, 'any1'],
    ['channel filter excludes', [rule('r', 1, 'containsAny', ['hi'], { channels: ['messenger'] })], 'hi', { channel: 'line' }, undefined],
    ['channel filter includes', [rule('r', 1, 'containsAny', ['hi'], { channels: ['line'] })], 'hi', { channel: 'line' }, 'r'],
    [
      'conversation state: in progress is opt-in',
      [rule('r', 1, 'containsAny', ['hi'], { conversationStates: ['pending_bot', 'pending_human', 'closed'] })],
      'hi',
      { conversationState: 'in_progress' },
      undefined,
    ],
    [
      'a newer rule filtered out by channel does not take precedence',
      [rule('old', 1, 'containsAny', ['hi']), rule('new', 2, 'containsAny', ['hi'], { channels: ['whatsapp'] })],
      'hi',
      { channel: 'line' },
      'old',
    ],
    ['overlapping keywords are all found (Aho-Corasick outputs)', [rule('r', 1, 'containsAll', ['she', 'he', 'hers'])], 'ushers', {}, 'r'],
    ['empty message matches only any input', [rule('r', 1, 'containsAny', ['a']), rule('any', 2, 'anyInput', [])], '   ', {}, 'any'],
  ];
  it.each(cases)('%s', (_name, rules, text, filter, expected) => {
    expect(new KeywordMatcher(rules).match(text, filter)?.id).toBe(expected);
  });

  it('lists every matching rule in precedence order, at most one fires', () => {
    const m = new KeywordMatcher([
      rule('a', 1, 'containsAny', ['x']),
      rule('b', 2, 'containsAny', ['x']),
      rule('c', 3, 'containsAny', ['y']),
      rule('z', 4, 'anyInput', []),
    ]);
    expect(m.matchAll('x y').map((r) => r.id)).toEqual(['b', 'a', 'c', 'z']);
  });

  // Speed is measured by `npm run bench:engine` (keyword_match_p99_us, keyword_speedup_vs_scan), not here.
  it('answers correctly with 10,000 rules', () => {
    const rules: KeywordRule[] = [];
    for (let i = 0; i < 10_000; i++) {
      const mode = i % 3 === 0 ? 'containsAny' : i % 3 === 1 ? 'containsAll' : 'exact';
      rules.push(rule(`r${i}`, i, mode, mode === 'exact' ? [`code${i}`] : [`kw${i}x`, `商品${i}`, `alt${i % 97}z`]));
    }
    const m = new KeywordMatcher(rules);
    const messages = Array.from(
      { length: 2000 },
      (_, i) => `hello I'd like 商品${(i * 7) % 10_000} and kw${(i * 13) % 10_000}x please, alt${i % 97}z CODE${i}`,
    );
    let hits = 0;
    for (const text of messages) if (m.match(text)) hits += 1;
    expect(hits).toBe(messages.length);
    expect(m.match('kw9999x')?.id).toBe('r9999');
    // 商品9999 also contains 商品9, 商品99, 商品999: no shared keyword, so the oldest rule wins.
    expect(m.match('商品9999')?.id).toBe('r9');
    expect(m.match('CODE9998')?.id).toBe('r9998');
    expect(m.match('nothing to see')).toBeUndefined();
  });
});

describe('KeywordMatcher.match agrees with matchAll', () => {
  it('returns matchAll(text)[0] on random overlapping rules', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const words = ['sale', 'price', 'hi', 'hello', 'help', 'order', 'ship', 'shipping', 'cart', 'menu'];
    const pick = () => words[Math.floor(random() * words.length)]!;
    const modes = ['containsAny', 'containsAll', 'exact', 'anyInput'] as const;
    for (let round = 0; round < 50; round++) {
      const rules = Array.from({ length: 12 }, (_, i) => ({
        id: `r${i}`,
        keywords: Array.from({ length: 1 + Math.floor(random() * 3) }, pick),
        match: modes[Math.floor(random() * modes.length)]!,
        order: Math.floor(random() * 1000),
      }));
      const matcher = new KeywordMatcher(rules);
      for (let t = 0; t < 20; t++) {
        const text = Array.from({ length: 1 + Math.floor(random() * 4) }, pick).join(' ');
        expect(matcher.match(text)?.id).toBe(matcher.matchAll(text)[0]?.id);
      }
    }
  });
});
