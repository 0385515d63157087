import { describe, expect, it } from 'vitest';
import { resolveFromContact, splitAtLimit } from './core.tsx';
import { SAMPLE_CONTACTS } from './sample-contacts.ts';

describe('splitAtLimit', () => {
  it('keeps text within the limit whole', () => {
    expect(splitAtLimit('hello', 5, 'codepoints')).toEqual(['hello', '']);
  });
  it('cuts after max graphemes, keeping emoji sequences whole', () => {
    expect(splitAtLimit('ab👍🏽c', 3, 'graphemes')).toEqual(['ab👍🏽', 'c']);
  });
  it('counts UTF-16 units where the channel does', () => {
    expect(splitAtLimit('a😀b', 2, 'utf16')).toEqual(['a', '😀b']);
  });
  it('counts a CJK character as 3 in cjk3 mode', () => {
    expect(splitAtLimit('ab字c', 4, 'cjk3')).toEqual(['ab', '字c']);
  });
});

describe('resolveFromContact', () => {
  const resolve = resolveFromContact(SAMPLE_CONTACTS.cjk, ['first']);
  it('reads system fields, attributes, trigger fields and positional parameters', () => {
    expect(resolve({ kind: 'named', namespace: 'system', path: 'customer_name', start: 0, end: 0 })).toBe('林美玲 🌸');
    expect(resolve({ kind: 'named', namespace: 'system', path: 'loyaltyPoint:balance', start: 0, end: 0 })).toBe(35);
    expect(resolve({ kind: 'named', namespace: 'attr', path: 'member_tier', start: 0, end: 0 })).toBe('白金會員');
    expect(resolve({ kind: 'named', namespace: 'trigger', path: 'order_id', start: 0, end: 0 })).toBe('訂單-7788');
    expect(resolve({ kind: 'positional', index: 1, start: 0, end: 0 })).toBe('first');
  });
});
