import { describe, expect, it } from 'vitest';
import { FLEX_SAMPLES, flexJsonBytes, validateFlexContainer } from './index.ts';
import type { FlexBubble, FlexCarousel, FlexContainer } from './types.ts';

// The Flex validator against LINE's documented structure and limits: the five samples pass; each
// broken variant fails with the expected code at the expected path.

const sample = (id: string): FlexContainer => structuredClone(FLEX_SAMPLES.find((s) => s.id === id)!.contents);
const bubble = (id: 'receipt' | 'restaurant' | 'hotel' | 'ticket') => sample(id) as FlexBubble;
const carousel = () => sample('shopping') as FlexCarousel;
// biome-ignore lint/suspicious/noExplicitAny: broken variants deliberately leave the Flex types.
const loose = (v: unknown) => v as any;

const errors = (c: unknown) => validateFlexContainer(c).filter((i) => i.severity !== 'warning');
const codesAt = (c: unknown, path: (string | number)[]) =>
  validateFlexContainer(c)
    .filter((i) => JSON.stringify(i.path) === JSON.stringify(path))
    .map((i) => i.code);

const minimal = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'bubble',
  body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hi' }] },
  ...extra,
});
const withBody = (...contents: unknown[]) => minimal({ body: { type: 'box', layout: 'vertical', contents } });

describe('samples', () => {
  for (const s of FLEX_SAMPLES) {
    it(`${s.id} validates cleanly (no errors, no warnings)`, () => {
      expect(validateFlexContainer(s.contents)).toEqual([]);
      expect(s.altText.length).toBeGreaterThan(0);
    });
  }
  it('cover all five showcase shapes', () => {
    expect(FLEX_SAMPLES.map((s) => s.id)).toEqual(['receipt', 'restaurant', 'hotel', 'shopping', 'ticket']);
  });
});

describe('containers', () => {
  it('rejects anything that is not a bubble or a carousel, without throwing', () => {
    for (const garbage of [null, 42, 'bubble', [], { type: 'flex' }, { type: 'carousel', contents: 'x' }, { type: 'bubble', body: [1] }]) {
      expect(() => validateFlexContainer(garbage)).not.toThrow();
      expect(errors(garbage).length).toBeGreaterThan(0);
    }
    expect(codesAt({ type: 'flex' }, ['type'])).toEqual(['unknown_container']);
  });

  it('prefixes every path with the base path', () => {
    const c = carousel();
    loose(c.contents[2]).footer.contents[1].action.label = 'x'.repeat(41);
    const issues = validateFlexContainer(c, ['contents']);
    expect(issues.map((i) => i.path)).toEqual([['contents', 'contents', 2, 'footer', 'contents', 1, 'action', 'label']]);
    expect(issues[0]?.message['zh-Hant']).toContain('40');
  });

  it('allows 12 bubbles in a carousel and rejects 13', () => {
    const c = carousel();
    const one = c.contents[0]!;
    c.contents = Array.from({ length: 12 }, () => structuredClone(one));
    expect(errors(c)).toEqual([]);
    c.contents.push(structuredClone(one));
    expect(codesAt(c, ['contents'])).toEqual(['too_many']);
  });

  it('rejects an empty carousel and a carousel item that is not a bubble', () => {
    expect(codesAt({ type: 'carousel', contents: [] }, ['contents'])).toEqual(['required']);
    const c = loose(carousel());
    c.contents[1] = { type: 'box', layout: 'vertical', contents: [] };
    expect(codesAt(c, ['contents', 1])).toEqual(['carousel_item_not_bubble']);
  });

  it('requires every bubble of a carousel to have the same size (mega when unset)', () => {
    const c = carousel();
    c.contents[2]!.size = 'giga';
    expect(codesAt(c, ['contents', 2, 'size'])).toEqual(['carousel_size_mismatch']);
    const d = carousel();
    for (const b of d.contents) delete b.size;
    d.contents[3]!.size = 'mega';
    expect(errors(d)).toEqual([]);
  });

  it('limits a bubble to 30 KB and a carousel to 50 KB of JSON', () => {
    const big = withBody({ type: 'text', text: 'x'.repeat(29_950) });
    expect(flexJsonBytes(big)).toBeGreaterThan(30_000);
    expect(codesAt(big, [])).toEqual(['json_too_large']);
    const fits = withBody({ type: 'text', text: 'x'.repeat(29_800) });
    expect(codesAt(fits, [])).toEqual([]);
    // CJK text takes 3 bytes per character in UTF-8.
    const cjk = withBody({ type: 'text', text: '字'.repeat(10_100) });
    expect(codesAt(cjk, [])).toEqual(['json_too_large']);
    const c = { type: 'carousel', contents: Array.from({ length: 2 }, () => withBody({ type: 'text', text: 'x'.repeat(25_100) })) };
    expect(codesAt(c, [])).toEqual(['json_too_large']);
  });

  it('rejects a bubble without any block', () => {
    expect(codesAt({ type: 'bubble', size: 'kilo' }, [])).toEqual(['empty_bubble']);
  });
});

describe('blocks and where components may sit', () => {
  it('requires header, body and footer to be boxes', () => {
    const b = loose(bubble('receipt'));
    b.body = { type: 'image', url: 'https://example.com/a.png' };
    expect(codesAt(b, ['body', 'type'])).toEqual(['component_not_allowed']);
  });

  it('allows a box, image or video as the hero, nothing else', () => {
    const b = loose(bubble('restaurant'));
    b.hero = { type: 'text', text: 'Hero?' };
    expect(codesAt(b, ['hero', 'type'])).toEqual(['component_not_allowed']);
  });

  it('allows icons only in baseline boxes', () => {
    const b = withBody({ type: 'icon', url: 'https://example.com/star.png' });
    expect(codesAt(b, ['body', 'contents', 0, 'type'])).toEqual(['component_not_allowed']);
  });

  it('allows only icon, text and filler in baseline boxes', () => {
    const b = loose(bubble('ticket'));
    b.body.contents[0].contents.push({ type: 'button', action: { type: 'message', label: 'Go', text: 'go' } });
    expect(codesAt(b, ['body', 'contents', 0, 'contents', 2, 'type'])).toEqual(['component_not_allowed']);
  });

  it('allows spans only inside a text', () => {
    const b = withBody({ type: 'span', text: 'loose span' });
    expect(codesAt(b, ['body', 'contents', 0, 'type'])).toEqual(['component_not_allowed']);
    const t = withBody({ type: 'text', contents: [{ type: 'text', text: 'not a span' }] });
    expect(codesAt(t, ['body', 'contents', 0, 'contents', 0, 'type'])).toEqual(['component_not_allowed']);
  });

  it('allows a video only as the hero of a kilo/mega/giga bubble outside a carousel', () => {
    const video = {
      type: 'video',
      url: 'https://example.com/v.mp4',
      previewUrl: 'https://example.com/v.jpg',
      altContent: { type: 'image', url: 'https://example.com/v.jpg', size: 'full' },
      aspectRatio: '16:9',
    };
    expect(errors(minimal({ hero: video }))).toEqual([]);
    expect(codesAt(withBody(video), ['body', 'contents', 0, 'type'])).toEqual(['component_not_allowed']);
    expect(codesAt(minimal({ size: 'micro', hero: video }), ['size'])).toEqual(['video_bubble_size']);
    const c = carousel();
    loose(c.contents[0]).hero = video;
    expect(codesAt(c, ['contents', 0, 'hero'])).toEqual(['video_in_carousel']);
    expect(codesAt(minimal({ hero: { ...video, altContent: undefined } }), ['hero', 'altContent'])).toEqual(['required']);
  });

  it('rejects unknown component types', () => {
    expect(codesAt(withBody({ type: 'carousel' }), ['body', 'contents', 0, 'type'])).toEqual(['unknown_component']);
  });

  it('requires a text to have text or spans, and a box to have a layout', () => {
    expect(codesAt(withBody({ type: 'text' }), ['body', 'contents', 0, 'text'])).toEqual(['required']);
    expect(codesAt(withBody({ type: 'box', contents: [] }), ['body', 'contents', 0, 'layout'])).toEqual(['required']);
    expect(codesAt(withBody({ type: 'box', layout: 'grid', contents: [] }), ['body', 'contents', 0, 'layout'])).toEqual(['invalid_value']);
  });
});

describe('property values', () => {
  it('checks keyword enums: bubble size, spacing, margin, padding, border width, corner radius, button style and height, gravity, align, weight', () => {
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [minimal({ size: 'huge' }), ['size']],
      [withBody({ type: 'box', layout: 'vertical', spacing: 'big', contents: [] }), ['body', 'contents', 0, 'spacing']],
      [withBody({ type: 'separator', margin: '5%' }), ['body', 'contents', 0, 'margin']],
      [withBody({ type: 'box', layout: 'vertical', paddingAll: 'wide', contents: [] }), ['body', 'contents', 0, 'paddingAll']],
      [withBody({ type: 'box', layout: 'vertical', borderWidth: 'thick', contents: [] }), ['body', 'contents', 0, 'borderWidth']],
      [withBody({ type: 'box', layout: 'vertical', cornerRadius: '50%', contents: [] }), ['body', 'contents', 0, 'cornerRadius']],
      [withBody({ type: 'button', style: 'danger', action: { type: 'message', label: 'x', text: 'x' } }), ['body', 'contents', 0, 'style']],
      [withBody({ type: 'button', height: 'lg', action: { type: 'message', label: 'x', text: 'x' } }), ['body', 'contents', 0, 'height']],
      [withBody({ type: 'text', text: 'x', gravity: 'middle' }), ['body', 'contents', 0, 'gravity']],
      [withBody({ type: 'text', text: 'x', align: 'left' }), ['body', 'contents', 0, 'align']],
      [withBody({ type: 'text', text: 'x', weight: 'heavy' }), ['body', 'contents', 0, 'weight']],
      [withBody({ type: 'text', text: 'x', size: 'full' }), ['body', 'contents', 0, 'size']],
      [withBody({ type: 'text', text: 'x', color: 'red' }), ['body', 'contents', 0, 'color']],
      [withBody({ type: 'text', text: 'x', flex: 1.5 }), ['body', 'contents', 0, 'flex']],
    ];
    for (const [c, path] of cases) expect({ path, codes: codesAt(c, path) }).toEqual({ path, codes: ['invalid_value'] });
  });

  it('accepts pixel and percentage values where LINE does', () => {
    const ok = withBody(
      { type: 'box', layout: 'vertical', spacing: '6px', paddingAll: '5%', cornerRadius: '12px', borderWidth: '2px', width: '80%', contents: [] },
      { type: 'image', url: 'https://example.com/a.png', size: '120px' },
      { type: 'text', text: 'x', size: '18px', lineSpacing: '4px', color: '#112233CC' },
    );
    expect(validateFlexContainer(ok)).toEqual([]);
  });

  it('requires https image URLs of at most 2000 characters', () => {
    expect(codesAt(withBody({ type: 'image', url: 'http://example.com/a.png' }), ['body', 'contents', 0, 'url'])).toEqual(['insecure_url']);
    const long = `https://example.com/${'a'.repeat(1981)}`;
    expect(long.length).toBe(2001);
    expect(codesAt(withBody({ type: 'image', url: long }), ['body', 'contents', 0, 'url'])).toEqual(['too_long']);
    expect(codesAt(withBody({ type: 'image', url: long.slice(0, 2000) }), ['body', 'contents', 0, 'url'])).toEqual([]);
  });

  it('requires aspect ratios "w:h" with the height at most 3 × the width', () => {
    const at = ['body', 'contents', 0, 'aspectRatio'];
    const img = (aspectRatio: string) => withBody({ type: 'image', url: 'https://example.com/a.png', aspectRatio });
    expect(codesAt(img('1:3'), at)).toEqual([]);
    expect(codesAt(img('1.51:1'), at)).toEqual([]);
    expect(codesAt(img('10:31'), at)).toEqual(['aspect_ratio_too_tall']);
    expect(codesAt(img('16/9'), at)).toEqual(['invalid_value']);
    expect(codesAt(img('0:1'), at)).toEqual(['invalid_value']);
  });

  it('allows at most 10 animated images per message', () => {
    const anim = { type: 'image', url: 'https://example.com/a.png', animated: true };
    expect(codesAt(withBody(...Array(10).fill(anim)), [])).toEqual([]);
    expect(codesAt(withBody(...Array(11).fill(anim)), [])).toEqual(['too_many_animated']);
  });

  it('checks gradients and block styles', () => {
    const g = withBody({ type: 'box', layout: 'vertical', contents: [], background: { type: 'linearGradient', angle: 'right', startColor: '#000000' } });
    expect(codesAt(g, ['body', 'contents', 0, 'background', 'endColor'])).toEqual(['required']);
    expect(codesAt(g, ['body', 'contents', 0, 'background', 'angle'])).toEqual(['invalid_value']);
    expect(codesAt(minimal({ styles: { body: { separator: 'yes' } } }), ['styles', 'body', 'separator'])).toEqual(['invalid_value']);
  });

  it('warns (only) about unknown properties and the deprecated filler', () => {
    const issues = validateFlexContainer(withBody({ type: 'text', text: 'x', colour: '#000000' }, { type: 'filler' }));
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ['unknown_property', 'warning'],
      ['deprecated', 'warning'],
    ]);
  });

  it('skips format checks on values that hold placeholders, but not on keywords', () => {
    const ok = withBody(
      { type: 'image', url: '{{attr:avatar_url}}' },
      { type: 'text', text: 'Hi {{system:customer_name}}', color: '{{attr:tier_color|"#111111"}}' },
      { type: 'button', action: { type: 'uri', label: 'Open', uri: '{{run:order_url}}' } },
    );
    expect(errors(ok)).toEqual([]);
    expect(codesAt(withBody({ type: 'text', text: 'x', weight: '{{attr:w}}' }), ['body', 'contents', 0, 'weight'])).toEqual(['invalid_value']);
  });
});

describe('actions', () => {
  const button = (action: unknown) => withBody({ type: 'button', action });
  const at = (...rest: string[]) => ['body', 'contents', 0, 'action', ...rest];

  it('requires a button to have an action with a label of at most 40 characters (graphemes)', () => {
    expect(codesAt(withBody({ type: 'button' }), ['body', 'contents', 0, 'action'])).toEqual(['required']);
    expect(codesAt(button({ type: 'uri', uri: 'https://example.com' }), at('label'))).toEqual(['required']);
    expect(codesAt(button({ type: 'uri', label: 'a'.repeat(40), uri: 'https://example.com' }), at('label'))).toEqual([]);
    expect(codesAt(button({ type: 'uri', label: 'a'.repeat(41), uri: 'https://example.com' }), at('label'))).toEqual(['too_long']);
    // 40 family emoji are 40 grapheme clusters but 440 UTF-16 units: still fine.
    expect(codesAt(button({ type: 'uri', label: '👨‍👩‍👧‍👦'.repeat(40), uri: 'https://example.com' }), at('label'))).toEqual([]);
  });

  it("limits other actions' optional labels to 40 too", () => {
    const b = minimal({ action: { type: 'uri', label: 'x'.repeat(41), uri: 'https://example.com' } });
    expect(codesAt(b, ['action', 'label'])).toEqual(['too_long']);
    expect(codesAt(minimal({ action: { type: 'uri', uri: 'https://example.com' } }), ['action', 'label'])).toEqual([]);
  });

  it('limits URI actions to 1000 characters and http/https/line/tel', () => {
    const long = `https://example.com/${'a'.repeat(981)}`;
    expect(codesAt(button({ type: 'uri', label: 'Go', uri: long }), at('uri'))).toEqual(['too_long']);
    expect(codesAt(button({ type: 'uri', label: 'Go', uri: long.slice(0, 1000) }), at('uri'))).toEqual([]);
    expect(codesAt(button({ type: 'uri', label: 'Go', uri: 'ftp://example.com/f' }), at('uri'))).toEqual(['invalid_uri']);
    expect(codesAt(button({ type: 'uri', label: 'Call', uri: 'tel:+886223456789' }), at('uri'))).toEqual([]);
    expect(
      codesAt(button({ type: 'uri', label: 'Go', uri: 'https://m.example.com', altUri: { desktop: 'javascript:alert(1)' } }), at('altUri', 'desktop')),
    ).toEqual(['invalid_uri']);
  });

  it('limits postback data to 300 and message text to 300', () => {
    expect(codesAt(button({ type: 'postback', label: 'Go', data: 'd'.repeat(300) }), at('data'))).toEqual([]);
    expect(codesAt(button({ type: 'postback', label: 'Go', data: 'd'.repeat(301) }), at('data'))).toEqual(['too_long']);
    expect(codesAt(button({ type: 'postback', label: 'Go' }), at('data'))).toEqual(['required']);
    expect(codesAt(button({ type: 'postback', label: 'Go', data: 'd', displayText: 'a', text: 'b' }), at('text'))).toEqual(['conflicting_properties']);
    expect(codesAt(button({ type: 'message', label: 'Go', text: 't'.repeat(300) }), at('text'))).toEqual([]);
    expect(codesAt(button({ type: 'message', label: 'Go', text: 't'.repeat(301) }), at('text'))).toEqual(['too_long']);
  });

  it('checks datetime pickers: mode, formats and range', () => {
    const dt = (extra: Record<string, unknown>) => button({ type: 'datetimepicker', label: 'Pick', data: 'd', ...extra });
    expect(codesAt(dt({}), at('mode'))).toEqual(['required']);
    expect(codesAt(dt({ mode: 'date', initial: '2026-12-24T10:00' }), at('initial'))).toEqual(['invalid_value']);
    expect(codesAt(dt({ mode: 'date', max: '2101-01-01' }), at('max'))).toEqual(['invalid_value']);
    expect(codesAt(dt({ mode: 'time', min: '18:00', max: '09:00' }), at('max'))).toEqual(['invalid_range']);
  });

  it('rejects quick-reply-only and rich-menu-only actions, and unknown ones', () => {
    expect(codesAt(button({ type: 'camera', label: 'Camera' }), at('type'))).toEqual(['action_not_allowed']);
    expect(codesAt(button({ type: 'richmenuswitch', label: 'Menu', richMenuAliasId: 'a', data: 'd' }), at('type'))).toEqual(['action_not_allowed']);
    expect(codesAt(button({ type: 'open', label: 'x' }), at('type'))).toEqual(['unknown_action']);
  });

  it('lets a video open links only', () => {
    const hero = {
      type: 'video',
      url: 'https://example.com/v.mp4',
      previewUrl: 'https://example.com/v.jpg',
      altContent: { type: 'image', url: 'https://example.com/v.jpg' },
      action: { type: 'message', label: 'x', text: 'x' },
    };
    expect(codesAt(minimal({ hero }), ['hero', 'action', 'type'])).toEqual(['action_not_allowed']);
  });

  it('checks clipboard text 1–1000', () => {
    expect(codesAt(button({ type: 'clipboard', label: 'Copy', clipboardText: 'c'.repeat(1001) }), at('clipboardText'))).toEqual(['too_long']);
    expect(codesAt(button({ type: 'clipboard', label: 'Copy', clipboardText: '' }), at('clipboardText'))).toEqual(['required']);
  });
});
