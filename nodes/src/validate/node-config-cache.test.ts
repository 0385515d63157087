import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../node-types/index.ts';
import { validateNodeConfig } from './node.ts';
import { clearNodeConfigCache, validateNodeConfigCached } from './node-config-cache.ts';

const catalogue = builtinCatalogue();
const text = catalogue.get('message.text');
if (!text) throw new Error('message.text is not in the catalogue');
const ctx = { flowKind: 'journey' as const, channels: ['line' as const] };

describe('validateNodeConfigCached', () => {
  it('answers exactly what validateNodeConfig answers, valid or not', () => {
    clearNodeConfigCache();
    for (const config of [{ text: 'Hi {{customer_name}}' }, { text: '' }, { text: 'x'.repeat(6000) }, { nope: 1 }, null]) {
      const fresh = validateNodeConfig(text, config, ctx);
      expect(validateNodeConfigCached(text, config, ctx)).toEqual(fresh);
      expect(validateNodeConfigCached(text, config, ctx)).toEqual(fresh); // from the cache
    }
  });

  it('reuses a result for an equal config and context, and only within a minute', () => {
    clearNodeConfigCache();
    const first = validateNodeConfigCached(text, { text: 'Hello' }, ctx, 1_000);
    expect(validateNodeConfigCached(text, { text: 'Hello' }, ctx, 30_000)).toBe(first);
    expect(validateNodeConfigCached(text, { text: 'Hello' }, ctx, 61_001)).not.toBe(first);
  });

  it('keys on the check context: channels and attribute definitions change the answer', () => {
    clearNodeConfigCache();
    const config = { text: 'Your tier: {{attr:tier}}' };
    const unknown = validateNodeConfigCached(text, config, { ...ctx, attributes: [] });
    const known = validateNodeConfigCached(text, config, { ...ctx, attributes: [{ key: 'tier', type: 'text', status: 'active' }] });
    expect(unknown.issues.map((i) => i.code)).toContain('unknown_placeholder');
    expect(known.issues.map((i) => i.code)).not.toContain('unknown_placeholder');
    // A fresh but equal definitions array hits the same entry.
    expect(validateNodeConfigCached(text, config, { ...ctx, attributes: [] })).toBe(unknown);
    const long = { text: 'x'.repeat(2500) };
    const onLine = validateNodeConfigCached(text, long, ctx);
    const onMessenger = validateNodeConfigCached(text, long, { ...ctx, channels: ['messenger'] });
    expect(onMessenger).toEqual(validateNodeConfig(text, long, { ...ctx, channels: ['messenger'] }));
    expect(onMessenger).not.toBe(onLine);
  });
});
