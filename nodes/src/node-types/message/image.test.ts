import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { imageMessage } from './image.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const whatsapp: NodeCheckContext = { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' };
const base = { url: 'https://cdn.example.com/a.jpg', mimeType: 'image/jpeg', sizeBytes: 1000 };
const issues = (config: unknown, ctx: NodeCheckContext) => validateNodeConfig(imageMessage, config, ctx).issues;
const codes = (config: unknown, ctx: NodeCheckContext) => issues(config, ctx).map((i) => `${i.path.join('.')}:${i.code}${i.severity === 'warning' ? '!' : ''}`);

describe('message.image', () => {
  it('requires the image and an https URL', () => {
    expect(codes({ url: '' }, line)).toEqual(['url:required']);
    expect(codes({ ...base, url: 'http://cdn.example.com/a.jpg' }, line)).toEqual(['url:invalid_url']);
    expect(codes(base, line)).toEqual([]);
  });

  it('rejects GIF by MIME type or file extension', () => {
    expect(codes({ ...base, mimeType: 'image/gif' }, line)).toEqual(['mimeType:unsupported_format']);
    expect(codes({ url: 'https://cdn.example.com/anim.GIF?v=2' }, line)).toEqual(['url:unsupported_format']);
    // An extension that says nothing about the format is not guessed at.
    expect(codes({ url: 'https://cdn.example.com/img.php?id=3' }, line)).toEqual([]);
  });

  it('warns that WhatsApp compresses images over 5 MB, only where WhatsApp is reached', () => {
    const big = { ...base, sizeBytes: 6 * 1024 * 1024 };
    expect(codes(big, whatsapp)).toEqual(['url:will_compress!']);
    expect(codes(big, line)).toEqual([]);
    expect(codes({ ...base, sizeBytes: 11 * 1024 * 1024 }, line)).toEqual(['sizeBytes:too_large']);
  });

  it('allows placeholders in the caption, warns when the caption cannot be sent', () => {
    const withCaption = { ...base, caption: 'For you, {{system:customer_name}}' };
    expect(codes(withCaption, whatsapp)).toEqual([]);
    expect(codes(withCaption, line)).toEqual(['caption:caption_ignored!']);
    expect(codes({ ...base, caption: '{{attr:}}' }, whatsapp)).toEqual(['caption:malformed_placeholder']);
  });

  it('has no ports: the module continues with its next card', () => {
    expect(imageMessage.ports(imageMessage.config.parse(base), { flowKind: 'chatbot' })).toEqual([]);
  });
});
