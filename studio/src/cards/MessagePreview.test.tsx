import { builtinCatalogue } from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MessagePreview } from './MessagePreview.tsx';
import { CARD_RENDERERS } from './renderers.tsx';
import { SAMPLE_CONTACTS } from './sample-contacts.ts';

const messageTypes = builtinCatalogue()
  .list()
  .filter((d) => d.category === 'message');

describe('card renderers', () => {
  it('cover exactly the message types of the catalogue', () => {
    expect(Object.keys(CARD_RENDERERS).sort()).toEqual(messageTypes.map((d) => d.type).sort());
  });

  const cases = messageTypes.flatMap((def) =>
    (def.channels === 'any' ? (['line'] as ChannelKind[]) : def.channels).flatMap((channel) =>
      def.examples.map((ex) => [def.type, channel, ex.name, ex.config] as const),
    ),
  );

  it.each(cases)('%s on %s renders example "%s"', (nodeType, channel, _name, config) => {
    const html = renderToStaticMarkup(
      <MessagePreview nodeType={nodeType} config={config} channel={channel} contact={SAMPLE_CONTACTS.latin} loadImages={false} />,
    );
    expect(html).toContain(`data-node-type="${nodeType}"`);
    expect(html).not.toContain('data-invalid-config');
    expect(html).not.toContain('of-unsupported');
  });

  it('resolves placeholders with the sample contact, or shows them as chips', () => {
    const config = { text: 'Hi {{system:customer_name|"there"}}!', buttons: [] };
    expect(renderToStaticMarkup(<MessagePreview nodeType="message.text" config={config} channel="line" contact={SAMPLE_CONTACTS.cjk} />)).toContain(
      'Hi 林美玲 🌸!',
    );
    expect(renderToStaticMarkup(<MessagePreview nodeType="message.text" config={config} channel="line" contact={SAMPLE_CONTACTS.empty} />)).toContain(
      'Hi there!',
    );
    expect(renderToStaticMarkup(<MessagePreview nodeType="message.text" config={config} channel="line" placeholders="chips" />)).toContain(
      'data-placeholder="system:customer_name | there"',
    );
  });

  it('strikes the buttons past the channel maximum and flags the list', () => {
    const def = builtinCatalogue().get('message.text')!;
    const max = Math.min(...(def.limits ?? []).filter((r) => r.path === 'buttons' && r.channels?.includes('whatsapp')).map((r) => r.max ?? Infinity));
    const buttons = Array.from({ length: max + 1 }, (_, i) => ({ id: `b${i}`, label: `B${i}`, action: { kind: 'module' } }));
    const html = renderToStaticMarkup(<MessagePreview nodeType="message.text" config={{ text: 'Pick', buttons }} channel="whatsapp" />);
    expect(html.match(/of-over-item/g)).toHaveLength(1);
    expect(html).toContain('data-issue="too_many"');
  });
});
