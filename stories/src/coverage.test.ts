import { builtinCatalogue } from '@omniflow/nodes';
import { describe, expect, it } from 'vitest';

// Every message card type in the node catalogue has stories, one per channel it can be sent on
// (PRODUCT_SPEC §8.2: "one story per card type and per channel"). Runs in Node: it reads the story
// modules' metadata, it does not render them.

interface StoryModule {
  default: { parameters?: { omniflow?: { nodeType?: string } }; args?: { channel?: string } };
  [name: string]: unknown;
}

const modules = import.meta.glob<StoryModule>('./**/*.stories.tsx', { eager: true });

/** node type → channels with a story. */
function storiesByType(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const mod of Object.values(modules)) {
    const type = mod.default.parameters?.omniflow?.nodeType;
    if (!type) continue;
    const channels = out.get(type) ?? new Set<string>();
    for (const [name, story] of Object.entries(mod)) {
      if (name === 'default' || typeof story !== 'object' || story === null) continue;
      const channel = (story as { args?: { channel?: string } }).args?.channel ?? mod.default.args?.channel;
      if (channel) channels.add(channel);
    }
    out.set(type, channels);
  }
  return out;
}

const messageTypes = builtinCatalogue()
  .list()
  .filter((d) => d.category === 'message');

describe('story coverage of the node catalogue', () => {
  const covered = storiesByType();

  it('finds the story files', () => {
    expect(Object.keys(modules).length).toBeGreaterThan(0);
    expect(messageTypes.length).toBeGreaterThan(0);
  });

  it.each(messageTypes.map((d) => [d.type, d] as const))('%s has a story on every channel it supports', (type, def) => {
    const channels = covered.get(type);
    expect(channels, `no stories for message card type ${type}`).toBeDefined();
    const expected = def.channels === 'any' ? ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'] : def.channels;
    const missing = expected.filter((c) => !channels?.has(c));
    expect(missing, `${type} has no story on ${missing.join(', ')}`).toEqual([]);
  });
});
