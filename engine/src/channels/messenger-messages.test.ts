import { describe, expect, it } from 'vitest';
import { parsePostbackData } from './line-messages.ts';
import { toMessengerMessage } from './messenger-messages.ts';

const ref = { flowId: 'bot_1', nodeId: 'card_7' };
const btn = (id: string, label: string, url?: string) => ({ id, label, action: url ? { kind: 'url', url } : { kind: 'module', tags: [] } });
const problems = (r: unknown) => (r && typeof r === 'object' && 'message' in r ? String((r as { message: string }).message) : '');

describe('toMessengerMessage', () => {
  it('text, and text + buttons as a button template whose postbacks route back to the card', () => {
    expect(toMessengerMessage('messenger', 'message.text', { text: 'Hi', buttons: [] }, ref)).toEqual({ text: 'Hi' });
    const m = toMessengerMessage('messenger', 'message.text', { text: 'Pick', buttons: [btn('b1', 'Menu'), btn('b2', 'Site', 'https://x.test/a')] }, ref);
    expect(m).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Pick',
          buttons: [
            { type: 'postback', title: 'Menu', payload: 'f=bot_1&n=card_7&b=b1' },
            { type: 'web_url', title: 'Site', url: 'https://x.test/a' },
          ],
        },
      },
    });
    expect(parsePostbackData('f=bot_1&n=card_7&b=b1')).toEqual({ flowId: 'bot_1', nodeId: 'card_7', buttonId: 'b1' });
  });

  it('enforces the Send API limits: text < 2000, button template 640 / 3 buttons / 20-char titles', () => {
    expect(toMessengerMessage('messenger', 'message.text', { text: 'x'.repeat(1999), buttons: [] }, ref)).toEqual({ text: 'x'.repeat(1999) });
    expect(toMessengerMessage('messenger', 'message.text', { text: 'x'.repeat(2000), buttons: [] }, ref)).toMatchObject({
      reason: 'invalid_message',
      retryable: false,
    });
    // 1999 emoji are 3998 UTF-16 units but 1999 characters.
    expect(toMessengerMessage('messenger', 'message.text', { text: '😀'.repeat(1999), buttons: [] }, ref)).toHaveProperty('text');
    const r = toMessengerMessage('messenger', 'message.text', { text: 'y'.repeat(641), buttons: [1, 2, 3, 4].map((i) => btn(`b${i}`, 'z'.repeat(21))) }, ref);
    expect(problems(r)).toContain('button template text (characters) is 641');
    expect(problems(r)).toContain('button template buttons is 4');
    expect(problems(r)).toContain('button 1 title (characters) is 21');
  });

  it('quick replies: up to 13, titles ≤ 20, payloads carry the option id', () => {
    const ok = toMessengerMessage('instagram', 'message.quick_reply', { title: 'Rate us', options: [{ id: 'good', label: 'Great 👍' }] }, ref);
    expect(ok).toEqual({ text: 'Rate us', quick_replies: [{ content_type: 'text', title: 'Great 👍', payload: 'f=bot_1&n=card_7&b=good' }] });
    const many = Array.from({ length: 14 }, (_, i) => ({ id: `o${i}`, label: `${i}` }));
    expect(problems(toMessengerMessage('messenger', 'message.quick_reply', { title: 'x', options: many }, ref))).toContain('quick replies is 14');
  });

  it('carousel → generic template: ≤ 10 elements, 80/80 title/subtitle, ≤ 3 buttons, default_action from the image link', () => {
    const col = (i: number) => ({
      id: `c${i}`,
      imageUrl: 'https://x.test/i.png',
      imageClickUrl: 'https://x.test/p',
      title: `T${i}`,
      subtitle: 'S',
      buttons: [btn(`b${i}`, 'Buy')],
    });
    const m = toMessengerMessage('messenger', 'message.carousel', { imageAspectRatio: 'square', columns: [col(1)] }, ref);
    expect(m).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          image_aspect_ratio: 'square',
          elements: [
            {
              title: 'T1',
              subtitle: 'S',
              image_url: 'https://x.test/i.png',
              default_action: { type: 'web_url', url: 'https://x.test/p' },
              buttons: [{ type: 'postback', title: 'Buy', payload: 'f=bot_1&n=card_7&b=b1' }],
            },
          ],
        },
      },
    });
    const eleven = toMessengerMessage('messenger', 'message.carousel', { columns: Array.from({ length: 11 }, (_, i) => col(i)) }, ref);
    expect(problems(eleven)).toContain('generic template elements is 11');
    const long = toMessengerMessage('messenger', 'message.carousel', { columns: [{ ...col(1), title: 't'.repeat(81) }] }, ref);
    expect(problems(long)).toContain('element 1 title (characters) is 81');
  });

  it('attachments: image, video and file on Messenger; Instagram refuses video and files', () => {
    expect(toMessengerMessage('messenger', 'message.image', { url: 'https://x.test/a.png' }, ref)).toEqual({
      attachment: { type: 'image', payload: { url: 'https://x.test/a.png', is_reusable: true } },
    });
    expect(toMessengerMessage('messenger', 'message.file', { url: 'https://x.test/a.pdf' }, ref)).toMatchObject({ attachment: { type: 'file' } });
    expect(toMessengerMessage('messenger', 'message.video', { url: 'https://x.test/a.mp4' }, ref)).toMatchObject({ attachment: { type: 'video' } });
    expect(toMessengerMessage('instagram', 'message.video', { url: 'https://x.test/a.mp4' }, ref)).toMatchObject({ reason: 'unsupported_content' });
    expect(toMessengerMessage('instagram', 'message.file', { url: 'https://x.test/a.pdf' }, ref)).toMatchObject({ reason: 'unsupported_content' });
    expect(toMessengerMessage('messenger', 'message.image', { url: 'ftp://x' }, ref)).toMatchObject({ reason: 'invalid_message' });
    expect(toMessengerMessage('messenger', 'message.line_flex', {}, ref)).toMatchObject({ reason: 'unsupported_content' });
  });
});
