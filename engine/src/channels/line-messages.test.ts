import { describe, expect, it } from 'vitest';
import { type LineMessage, parsePostbackData, toLineMessages } from './line-messages.ts';

// The LINE message objects of every card LINE can show (PLATFORMS.md §1.2), and the limits that turn a
// card into an `invalid_message` failure before LINE would answer 400.

const REF = { flowId: 'flow_1', nodeId: 'card_1' };
const ok = (m: ReturnType<typeof toLineMessages>): LineMessage[] => {
  if (!Array.isArray(m)) throw new Error(`expected messages, got ${m.reason}: ${m.message}`);
  return m;
};
const problem = (m: ReturnType<typeof toLineMessages>): string => {
  if (Array.isArray(m)) throw new Error('expected a failure');
  expect(m.retryable).toBe(false);
  return `${m.reason}: ${m.message}`;
};

describe('media', () => {
  it('image: original and preview are the HTTPS URL', () => {
    expect(ok(toLineMessages('message.image', { url: 'https://cdn.example.com/a.jpg' }, REF))).toEqual([
      { type: 'image', originalContentUrl: 'https://cdn.example.com/a.jpg', previewImageUrl: 'https://cdn.example.com/a.jpg' },
    ]);
    expect(problem(toLineMessages('message.image', { url: 'http://cdn.example.com/a.jpg' }, REF))).toContain('image url must be an https URL');
    expect(problem(toLineMessages('message.image', { url: `https://x.example/${'a'.repeat(2000)}` }, REF))).toContain('LINE allows at most 2000');
  });

  it('video needs its preview image', () => {
    expect(ok(toLineMessages('message.video', { url: 'https://cdn.example.com/v.mp4', previewImageUrl: 'https://cdn.example.com/v.jpg' }, REF))).toEqual([
      { type: 'video', originalContentUrl: 'https://cdn.example.com/v.mp4', previewImageUrl: 'https://cdn.example.com/v.jpg' },
    ]);
    expect(problem(toLineMessages('message.video', { url: 'https://cdn.example.com/v.mp4' }, REF))).toContain('video preview image is required');
  });

  it('files cannot be sent on LINE', () => {
    expect(problem(toLineMessages('message.file', { url: 'https://x.example/a.pdf' }, REF))).toMatch(/^unsupported_content/);
  });
});

describe('image carousel', () => {
  const content = {
    altText: 'New arrivals',
    images: [
      { id: 'i1', imageUrl: 'https://cdn.example.com/1.jpg', label: 'Shop', action: { kind: 'url', url: 'https://shop.example.com/1' } },
      { id: 'i2', imageUrl: 'https://cdn.example.com/2.jpg', label: '', action: { kind: 'module', tags: [] } },
    ],
  };
  it('one action per image: uri, or a postback carrying the image id; the label is optional', () => {
    const [m] = ok(toLineMessages('message.image_carousel', content, REF));
    expect(m).toMatchObject({ type: 'template', altText: 'New arrivals', template: { type: 'image_carousel' } });
    const columns = (m!.template as { columns: { imageUrl: string; action: Record<string, string> }[] }).columns;
    expect(columns[0]).toEqual({ imageUrl: 'https://cdn.example.com/1.jpg', action: { type: 'uri', label: 'Shop', uri: 'https://shop.example.com/1' } });
    expect(columns[1]!.action).not.toHaveProperty('label');
    expect(parsePostbackData(columns[1]!.action.data!)).toEqual({ flowId: 'flow_1', nodeId: 'card_1', buttonId: 'i2' });
  });
  it('at most 10 images, labels ≤12 graphemes', () => {
    const many = { images: Array.from({ length: 11 }, (_, i) => ({ ...content.images[0], id: `i${i}` })) };
    expect(problem(toLineMessages('message.image_carousel', many, REF))).toContain('image carousel columns is 11, LINE allows at most 10');
    const long = { images: [{ ...content.images[0], label: '1234567890123' }] };
    expect(problem(toLineMessages('message.image_carousel', long, REF))).toContain('label (graphemes) is 13');
  });
});

describe('imagemap', () => {
  const content = {
    assetId: 'menu_2026',
    altText: 'Our menu',
    baseSize: { width: 1040, height: 1040 },
    areas: [
      { id: 'a1', label: 'Shop', bounds: { x: 0, y: 0, width: 520, height: 520 }, action: { kind: 'url', url: 'https://shop.example.com', tags: [] } },
      { id: 'a2', label: '', bounds: { x: 520, y: 0, width: 520, height: 520 }, action: { kind: 'text', text: 'hours' } },
      { id: 'a3', label: 'Menu', bounds: { x: 0, y: 520, width: 520, height: 520 }, action: { kind: 'module', tags: [] } },
      {
        id: 'a4',
        bounds: { x: 520, y: 520, width: 520, height: 520 },
        action: {
          kind: 'video',
          videoUrl: 'https://cdn.example.com/v.mp4',
          previewImageUrl: 'https://cdn.example.com/v.jpg',
          linkUrl: 'https://x.example',
          tags: [],
        },
      },
    ],
  };
  it('resolves the asset base URL, maps areas to uri / message actions and one video', () => {
    const [m] = ok(toLineMessages('message.imagemap', content, REF, { imagemapBaseUrl: (id) => `https://cdn.example.com/imagemaps/${id}` }));
    expect(m).toMatchObject({
      type: 'imagemap',
      baseUrl: 'https://cdn.example.com/imagemaps/menu_2026',
      altText: 'Our menu',
      baseSize: { width: 1040, height: 1040 },
    });
    expect(m!.actions).toEqual([
      { type: 'uri', linkUri: 'https://shop.example.com', area: { x: 0, y: 0, width: 520, height: 520 }, label: 'Shop' },
      { type: 'message', text: 'hours', area: { x: 520, y: 0, width: 520, height: 520 } },
      { type: 'message', text: 'Menu', area: { x: 0, y: 520, width: 520, height: 520 }, label: 'Menu' },
    ]);
    expect(m!.video).toEqual({
      originalContentUrl: 'https://cdn.example.com/v.mp4',
      previewImageUrl: 'https://cdn.example.com/v.jpg',
      area: { x: 520, y: 520, width: 520, height: 520 },
      externalLink: { linkUri: 'https://x.example', label: 'More' },
    });
  });
  it('fails without a base URL, with a base width other than 1040, or more than 50 actions', () => {
    expect(problem(toLineMessages('message.imagemap', content, REF))).toContain('has no base URL');
    const withUrl = { ...content, baseUrl: 'https://cdn.example.com/im' };
    expect(problem(toLineMessages('message.imagemap', { ...withUrl, baseSize: { width: 1000, height: 1000 } }, REF))).toContain('baseSize.width must be 1040');
    const many = { ...withUrl, areas: Array.from({ length: 51 }, (_, i) => ({ ...content.areas[1], id: `a${i}` })) };
    expect(problem(toLineMessages('message.imagemap', many, REF))).toContain('imagemap actions is 51, LINE allows at most 50');
  });
});

describe('cards built on the buttons template', () => {
  it('coupon: a claim postback button, thumbnail from the custom image', () => {
    const [m] = ok(toLineMessages('message.coupon', { couponId: 'c1', image: { url: 'https://cdn.example.com/c.jpg' }, redeemButtonText: '立即兌換' }, REF));
    const t = m!.template as { thumbnailImageUrl: string; actions: { data: string; label: string }[] };
    expect(t.thumbnailImageUrl).toBe('https://cdn.example.com/c.jpg');
    expect(t.actions[0]!.label).toBe('立即兌換');
    expect(parsePostbackData(t.actions[0]!.data).buttonId).toBe('claim');
  });
  it('omnilink, invoice and system modules carry their button id back', () => {
    const link = ok(toLineMessages('message.omnilink', { content: 'Link WhatsApp for order updates', buttonName: 'Link', targetChannel: 'whatsapp' }, REF));
    expect(parsePostbackData((link[0]!.template as { actions: { data: string }[] }).actions[0]!.data).buttonId).toBe('omnilink');
    const invoice = ok(toLineMessages('message.invoice', { campaignId: 'c', campaignName: '春季抽獎' }, REF));
    expect((invoice[0]!.template as { text: string }).text).toBe('春季抽獎:上傳發票參加活動');
    const center = ok(toLineMessages('flow.system_module', { module: 'member_center', linkValidMinutes: 30 }, REF));
    expect(parsePostbackData((center[0]!.template as { actions: { data: string }[] }).actions[0]!.data).buttonId).toBe('system:member_center');
    expect(problem(toLineMessages('flow.system_module', { module: 'nope' }, REF))).toMatch(/^unsupported_content/);
    expect(problem(toLineMessages('message.omnilink', { content: 'x'.repeat(161), buttonName: 'Link' }, REF))).toContain('text (graphemes) is 161');
  });
  it('cart items: a carousel of the products with links', () => {
    const [m] = ok(
      toLineMessages(
        'message.cart_items',
        { items: [{ name: 'Runner 2', price: 'NT$2,980', imageUrl: 'https://cdn.example.com/r.jpg', url: 'https://shop.example.com/r' }] },
        REF,
      ),
    );
    expect(m!.template).toEqual({
      type: 'carousel',
      columns: [
        {
          thumbnailImageUrl: 'https://cdn.example.com/r.jpg',
          title: 'Runner 2',
          text: 'NT$2,980',
          actions: [{ type: 'uri', label: '查看商品', uri: 'https://shop.example.com/r' }],
        },
      ],
    });
    expect(problem(toLineMessages('message.cart_items', { items: [] }, REF))).toContain('the cart is empty');
  });
  it('carousel: an image link becomes the column default action', () => {
    const [m] = ok(
      toLineMessages(
        'message.carousel',
        {
          columns: [
            {
              imageUrl: 'https://cdn.example.com/a.jpg',
              title: 'A',
              subtitle: 'a',
              imageClickUrl: 'https://shop.example.com/a',
              buttons: [{ id: 'b', label: 'Buy', action: { kind: 'url', url: 'https://shop.example.com/a' } }],
            },
          ],
        },
        REF,
      ),
    );
    expect((m!.template as { columns: { defaultAction: unknown }[] }).columns[0]!.defaultAction).toEqual({
      type: 'uri',
      label: 'View',
      uri: 'https://shop.example.com/a',
    });
  });
});

describe('click tracking', () => {
  const trackUrl = (url: string) => `https://omniflow.example/r/${Buffer.from(url).toString('base64url')}`;
  const untracked = (uri: string) => Buffer.from(uri.slice('https://omniflow.example/r/'.length), 'base64url').toString();

  it('rewrites every http(s) link of buttons, images, imagemap areas and Flex URI actions; tel: stays', () => {
    const buttons = ok(
      toLineMessages(
        'message.text',
        {
          text: 'Hi',
          buttons: [
            { id: 'a', label: 'Site', action: { kind: 'url', url: 'https://shop.example.com/?a=1' } },
            { id: 'b', label: 'Call', action: { kind: 'url', url: 'tel:+886223456789' } },
          ],
        },
        REF,
        { trackUrl },
      ),
    );
    const actions = (buttons[0]!.template as { actions: { uri: string }[] }).actions;
    expect(untracked(actions[0]!.uri)).toBe('https://shop.example.com/?a=1');
    expect(actions[1]!.uri).toBe('tel:+886223456789');

    const flex = ok(
      toLineMessages(
        'message.line_flex',
        {
          altText: 'Menu',
          contents: {
            type: 'bubble',
            body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'https://not-a-link.example stays text' }] },
            footer: {
              type: 'box',
              layout: 'vertical',
              contents: [
                {
                  type: 'button',
                  action: { type: 'uri', label: 'Menu', uri: 'https://example.com/menu', altUri: { desktop: 'https://example.com/menu?pc=1' } },
                },
              ],
            },
          },
        },
        REF,
        { trackUrl },
      ),
    );
    const contents = flex[0]!.contents as {
      body: { contents: { text: string }[] };
      footer: { contents: { action: { uri: string; altUri: { desktop: string } } }[] };
    };
    expect(untracked(contents.footer.contents[0]!.action.uri)).toBe('https://example.com/menu');
    expect(untracked(contents.footer.contents[0]!.action.altUri.desktop)).toBe('https://example.com/menu?pc=1');
    expect(contents.body.contents[0]!.text).toBe('https://not-a-link.example stays text');

    const map = ok(
      toLineMessages(
        'message.imagemap',
        {
          baseUrl: 'https://cdn.example.com/im',
          altText: 'Map',
          areas: [{ id: 'a', bounds: { x: 0, y: 0, width: 1040, height: 1040 }, action: { kind: 'url', url: 'https://shop.example.com' } }],
        },
        REF,
        { trackUrl },
      ),
    );
    expect(untracked((map[0]!.actions as { linkUri: string }[])[0]!.linkUri)).toBe('https://shop.example.com');
  });

  it('keeps the original link when the tracked one would pass LINE’s 1000 characters', () => {
    const long = `https://shop.example.com/${'p'.repeat(900)}`;
    const [m] = ok(toLineMessages('message.text', { text: 'Hi', buttons: [{ id: 'a', label: 'Go', action: { kind: 'url', url: long } }] }, REF, { trackUrl }));
    expect((m!.template as { actions: { uri: string }[] }).actions[0]!.uri).toBe(long);
  });
});
