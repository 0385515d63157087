import { describe, expect, it } from 'vitest';
import { isWhatsAppTemplate, toWhatsAppMessage, toWhatsAppTemplate } from './whatsapp-messages.ts';

const ref = { flowId: 'j1', nodeId: 'n1' };
const problems = (r: unknown) => (r && typeof r === 'object' && 'message' in r ? String((r as { message: string }).message) : '');
const template = (over: Record<string, unknown> = {}) => ({
  template: { name: 'order_shipped', language: 'zh_TW', category: 'utility', bodyParameterCount: 2 },
  header: { kind: 'none' },
  parameters: ['Ken', 'A-1001'],
  buttons: [],
  ...over,
});

describe('WhatsApp session messages', () => {
  it('text, reply buttons (≤ 3, unique titles ≤ 20), one link button as cta_url', () => {
    expect(toWhatsAppMessage('message.text', { text: 'See https://x.test', buttons: [] }, ref)).toEqual({
      type: 'text',
      text: { body: 'See https://x.test', preview_url: true },
    });
    const b = (id: string, label: string) => ({ id, label, action: { kind: 'module' } });
    expect(toWhatsAppMessage('message.text', { text: 'Pick', buttons: [b('y', 'Yes'), b('n', 'No')] }, ref)).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'f=j1&n=n1&b=y', title: 'Yes' } },
            { type: 'reply', reply: { id: 'f=j1&n=n1&b=n', title: 'No' } },
          ],
        },
      },
    });
    const four = toWhatsAppMessage('message.text', { text: 'Pick', buttons: ['a', 'b', 'c', 'd'].map((x) => b(x, x)) }, ref);
    expect(problems(four)).toContain('reply buttons is 4');
    expect(problems(toWhatsAppMessage('message.text', { text: 'Pick', buttons: [b('a', 'Same'), b('b', 'Same')] }, ref))).toContain('unique');
    const link = toWhatsAppMessage(
      'message.text',
      { text: 'Shop', buttons: [{ id: 'u', label: 'Open', action: { kind: 'url', url: 'https://x.test' } }] },
      ref,
    );
    expect(link).toMatchObject({ interactive: { type: 'cta_url', action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://x.test' } } } });
    expect(toWhatsAppMessage('message.text', { text: 'x'.repeat(4097), buttons: [] }, ref)).toMatchObject({ reason: 'invalid_message' });
  });

  it('options list: ≤ 10 rows, titles ≤ 24, descriptions ≤ 72, button ≤ 20, header ≤ 60', () => {
    const options = Array.from({ length: 3 }, (_, i) => ({ id: `o${i}`, title: `Option ${i}`, description: 'd' }));
    const ok = toWhatsAppMessage('message.options_list', { header: 'Menu', body: 'Choose', footer: '', buttonText: 'See options', options }, ref);
    expect(ok).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Menu' },
        action: { button: 'See options', sections: [{ rows: [{ id: 'f=j1&n=n1&b=o0', title: 'Option 0' }, {}, {}] }] },
      },
    });
    const bad = toWhatsAppMessage(
      'message.options_list',
      {
        header: 'h'.repeat(61),
        body: 'Choose',
        buttonText: 'b'.repeat(21),
        options: Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, title: 't'.repeat(25), description: 'd'.repeat(73) })),
      },
      ref,
    );
    for (const p of [
      'list rows is 11',
      'list button text (characters) is 21',
      'header text (characters) is 61',
      'row 1 title (characters) is 25',
      'row 1 description (characters) is 73',
    ]) {
      expect(problems(bad)).toContain(p);
    }
  });

  it('media: image with caption, video, file as document', () => {
    expect(toWhatsAppMessage('message.image', { url: 'https://x.test/a.jpg', caption: 'New!' }, ref)).toEqual({
      type: 'image',
      image: { link: 'https://x.test/a.jpg', caption: 'New!' },
    });
    expect(toWhatsAppMessage('message.file', { url: 'https://x.test/a.pdf', fileName: 'menu.pdf' }, ref)).toEqual({
      type: 'document',
      document: { link: 'https://x.test/a.pdf', filename: 'menu.pdf' },
    });
    expect(toWhatsAppMessage('message.carousel', {}, ref)).toMatchObject({ reason: 'unsupported_content' });
  });
});

describe('WhatsApp templates (§4.2.2)', () => {
  it('builds header, body and button components in template order', () => {
    const m = toWhatsAppTemplate(
      template({
        header: { kind: 'image', media: { url: 'https://x.test/h.jpg' } },
        buttons: [
          { type: 'quick_reply', id: 'yes', text: 'Yes', action: 'route' },
          { type: 'url', id: 'shop', text: 'Shop', urlParameter: 'xmas?ref=42' },
          { type: 'phone', id: 'call', text: 'Call' },
        ],
      }),
      ref,
    );
    expect(m).toEqual({
      type: 'template',
      template: {
        name: 'order_shipped',
        language: { policy: 'deterministic', code: 'zh_TW' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.test/h.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ken' },
              { type: 'text', text: 'A-1001' },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'f=j1&n=n1&b=yes' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'xmas?ref=42' }] },
        ],
      },
    });
  });

  it('parameter rules: one value per {{n}}, single line, no tabs, ≤ 4 spaces in a row, not empty', () => {
    expect(problems(toWhatsAppTemplate(template({ parameters: ['Ken'] }), ref))).toContain('2 parameter(s) but 1 value(s)');
    expect(problems(toWhatsAppTemplate(template({ parameters: ['Ken', 'line\nbreak'] }), ref))).toContain('parameter {{2}} must be a single line');
    expect(problems(toWhatsAppTemplate(template({ parameters: ['a\tb', 'x'] }), ref))).toContain('cannot contain tabs');
    expect(problems(toWhatsAppTemplate(template({ parameters: ['a     b', 'x'] }), ref))).toContain('more than 4 spaces');
    expect(problems(toWhatsAppTemplate(template({ parameters: ['a    b', ' '] }), ref))).toBe('parameter {{2}} is empty');
    expect(problems(toWhatsAppTemplate(template({ header: { kind: 'text', parameter: 'two\nlines' } }), ref))).toContain(
      'header parameter must be a single line',
    );
  });

  it('button rules: ≤ 10 total, ≤ 2 website, ≤ 1 phone, no go-to-order, Flow button exclusive and published', () => {
    const qr = (i: number) => ({ type: 'quick_reply', id: `q${i}`, text: `Q${i}`, action: 'route' });
    expect(problems(toWhatsAppTemplate(template({ buttons: Array.from({ length: 11 }, (_, i) => qr(i)) }), ref))).toContain('template buttons is 11');
    const urls = [1, 2, 3].map((i) => ({ type: 'url', id: `u${i}`, text: 'u' }));
    expect(problems(toWhatsAppTemplate(template({ buttons: urls }), ref))).toContain('"visit website" buttons is 3');
    const phones = [1, 2].map((i) => ({ type: 'phone', id: `p${i}`, text: 'p' }));
    expect(problems(toWhatsAppTemplate(template({ buttons: phones }), ref))).toContain('"call phone" buttons is 2');
    expect(problems(toWhatsAppTemplate(template({ buttons: [{ type: 'go_to_order', id: 'o', text: 'o' }] }), ref))).toContain('go to order');
    const flow = { text: '預約試穿', flowId: '123', flowStatus: 'published' };
    const withFlow = toWhatsAppTemplate(template({ buttons: [qr(0)], flowButton: flow }), ref);
    expect(withFlow).toMatchObject({ template: { components: [{}, {}, { sub_type: 'flow', index: '1' }] } });
    expect(problems(toWhatsAppTemplate(template({ buttons: [{ type: 'phone', id: 'p', text: 'p' }], flowButton: flow }), ref))).toContain(
      'Flow button cannot be combined',
    );
    expect(problems(toWhatsAppTemplate(template({ flowButton: { ...flow, flowStatus: 'draft' } }), ref))).toContain('the Flow is draft');
    expect(problems(toWhatsAppTemplate(template({ flowButton: { ...flow, text: '預約試穿吧吧吧' } }), ref))).toContain('Flow button name (CJK counts 3) is 21');
  });

  it('system-notification templates and bad names / languages are refused; the send node’s template content works too', () => {
    expect(
      problems(toWhatsAppTemplate(template({ template: { name: 'x', language: 'en', category: 'system_notification', bodyParameterCount: 2 } }), ref)),
    ).toContain('system-notification');
    expect(problems(toWhatsAppTemplate(template({ template: { name: 'Order Shipped', language: 'english', bodyParameterCount: 2 } }), ref))).toMatch(
      /name.*language/s,
    );
    const send = {
      kind: 'whatsapp_template',
      template: { name: 'hello_world', language: 'en_US', category: 'utility', bodyParameterCount: 0 },
      parameters: [],
      messageTag: 'none',
    };
    expect(toWhatsAppMessage('message.send', send, ref)).toEqual({
      type: 'template',
      template: { name: 'hello_world', language: { policy: 'deterministic', code: 'en_US' } },
    });
    expect(isWhatsAppTemplate('message.send', send)).toBe(true);
    expect(isWhatsAppTemplate('message.send', { kind: 'text' })).toBe(false);
  });
});
