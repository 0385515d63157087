import { parsePostbackData } from '@omniflow/engine';
import { WebChatBotMessage } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { toWebChatMessage, WEBCHAT_MESSAGE_TYPES } from './render.ts';

const ref = { flowId: 'flow_1', nodeId: 'card_1' };
const meta = { id: 'wcm_1', at: '2026-01-01T00:00:00.000Z' };
const render = (nodeType: string, content: Record<string, unknown>) => toWebChatMessage({ nodeType, content }, ref, meta);

function message(nodeType: string, content: Record<string, unknown>): WebChatBotMessage {
  const m = render(nodeType, content);
  if (!('id' in m)) throw new Error(`expected a message, got ${m.reason}: ${m.message}`);
  // Whatever the renderer makes is a valid protocol message.
  return WebChatBotMessage.parse(m);
}

describe('toWebChatMessage', () => {
  it('draws text with URL buttons as links and flow buttons as postbacks the engine can route', () => {
    const m = message('message.text', {
      text: 'Hours',
      buttons: [
        { id: 'map', label: 'Find a store', action: { kind: 'url', url: 'https://shop.example.com/stores' } },
        { id: 'back', label: 'Back', action: { kind: 'module' } },
      ],
    });
    expect(m).toMatchObject({ id: 'wcm_1', nodeType: 'message.text', text: 'Hours', quickReplies: [], cards: [] });
    expect(m.buttons[0]).toEqual({ label: 'Find a store', kind: 'url', url: 'https://shop.example.com/stores' });
    expect(m.buttons[1]?.kind).toBe('postback');
    expect(parsePostbackData(m.buttons[1]!.payload!)).toEqual({ flowId: 'flow_1', nodeId: 'card_1', buttonId: 'back' });
  });

  it('draws quick replies and option lists as quick-reply postbacks', () => {
    const q = message('message.quick_reply', { title: 'Pick one', options: [{ id: 'a', label: 'A' }] });
    expect(q.text).toBe('Pick one');
    expect(parsePostbackData(q.quickReplies[0]!.payload!)).toMatchObject({ buttonId: 'a', nodeId: 'card_1' });
    const list = message('message.options_list', { header: 'Menu', body: 'Choose', footer: '', options: [{ id: 'x', title: 'X', description: '' }] });
    expect(list.text).toBe('Menu\n\nChoose');
    expect(list.quickReplies.map((o) => o.label)).toEqual(['X']);
  });

  it('draws media: image with caption, file with its name, video with its preview', () => {
    expect(message('message.image', { url: 'https://cdn.example.com/a.png', caption: 'New!' })).toMatchObject({
      imageUrl: 'https://cdn.example.com/a.png',
      text: 'New!',
    });
    expect(message('message.file', { url: 'https://cdn.example.com/menu.pdf', fileName: 'menu.pdf' })).toMatchObject({
      fileUrl: 'https://cdn.example.com/menu.pdf',
      fileName: 'menu.pdf',
    });
    expect(message('message.video', { url: 'https://cdn.example.com/v.mp4', previewImageUrl: 'https://cdn.example.com/v.jpg' })).toMatchObject({
      videoUrl: 'https://cdn.example.com/v.mp4',
      previewImageUrl: 'https://cdn.example.com/v.jpg',
    });
  });

  it('draws carousels and image carousels as cards with their actions', () => {
    const c = message('message.carousel', {
      columns: [
        { id: 'c1', imageUrl: 'https://cdn.example.com/1.png', subtitle: 'Shoes', buttons: [{ id: 'buy', label: 'Buy', action: { kind: 'module' } }] },
        {
          id: 'c2',
          imageUrl: 'https://cdn.example.com/2.png',
          subtitle: 'Bags',
          buttons: [{ id: 'see', label: 'See', action: { kind: 'url', url: 'https://x.example' } }],
        },
      ],
    });
    expect(c.cards).toHaveLength(2);
    expect(c.cards[0]).toMatchObject({ imageUrl: 'https://cdn.example.com/1.png', text: 'Shoes' });
    expect(parsePostbackData(c.cards[0]!.actions[0]!.payload!).buttonId).toBe('buy');
    expect(c.cards[1]!.actions[0]).toEqual({ label: 'See', kind: 'url', url: 'https://x.example' });
    const ic = message('message.image_carousel', {
      altText: 'Pick',
      images: [{ id: 'i1', imageUrl: 'https://cdn.example.com/i.png', label: 'Go', action: { kind: 'module' } }],
    });
    expect(ic.cards[0]).toMatchObject({ imageUrl: 'https://cdn.example.com/i.png', actions: [{ label: 'Go', kind: 'postback' }] });
  });

  it('shows a journey text send and a Flex message by its notification text', () => {
    expect(message('message.send', { kind: 'text', text: 'Hi', messageTag: 'none' }).text).toBe('Hi');
    expect(message('message.line_flex', { altText: 'Your order', contents: { type: 'bubble' } }).text).toBe('Your order');
  });

  it('refuses what web chat cannot draw, and malformed content naming the field', () => {
    expect(render('message.imagemap', {})).toMatchObject({ ok: false, reason: 'unsupported_content', retryable: false });
    expect(render('message.send', { kind: 'whatsapp_template', template: {} })).toMatchObject({ ok: false, reason: 'invalid_message' });
    const bad = render('message.text', { text: 42, buttons: [] });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid_message' });
    expect('message' in bad && bad.message).toMatch(/message\.text: text:/);
    expect(WEBCHAT_MESSAGE_TYPES).toContain('message.carousel');
  });
});
