import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { videoMessage } from './video.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const messenger: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger'], scope: 'fb_ig' };
const whatsapp: NodeCheckContext = { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' };
const base = {
  url: 'https://cdn.example.com/v.mp4',
  mimeType: 'video/mp4',
  width: 640,
  height: 360,
  previewImageUrl: 'https://cdn.example.com/v.jpg',
  previewWidth: 640,
  previewHeight: 360,
};
const codes = (config: unknown, ctx: NodeCheckContext) =>
  validateNodeConfig(videoMessage, config, ctx).issues.map((i) => `${i.path.join('.')}:${i.code}${i.channel ? `@${i.channel}` : ''}`);

describe('message.video', () => {
  it('is offered in every bot scope but the website one (§4.0)', () => {
    expect(scopesOf(videoMessage)).toEqual(['all', 'fb_ig', 'whatsapp', 'line']);
  });

  it('accepts MP4 only', () => {
    expect(codes({ ...base, mimeType: 'video/quicktime' }, messenger)).toEqual(['mimeType:unsupported_format']);
    expect(codes({ ...base, url: 'https://cdn.example.com/v.mov' }, messenger)).toEqual(['url:unsupported_format']);
    expect(codes({ url: '' }, messenger)).toEqual(['url:required']);
  });

  it('needs a preview image of the same size on LINE only', () => {
    const noPreview = { ...base, previewImageUrl: '', previewWidth: undefined, previewHeight: undefined };
    expect(codes(noPreview, line)).toEqual(['previewImageUrl:required@line']);
    expect(codes(noPreview, messenger)).toEqual([]);
    const mismatch = { ...base, previewWidth: 320, previewHeight: 180 };
    expect(codes(mismatch, line)).toEqual(['previewImageUrl:preview_size_mismatch@line']);
    expect(codes(mismatch, messenger)).toEqual([]);
    // Unknown sizes are not guessed.
    expect(codes({ ...base, width: undefined }, line)).toEqual([]);
  });

  it('checks codecs and audio channels on WhatsApp only', () => {
    const hevc = { ...base, videoCodec: 'hevc', audioCodec: 'opus', audioChannels: 2 };
    expect(codes(hevc, whatsapp)).toEqual([
      'audioChannels:too_large@whatsapp',
      'videoCodec:unsupported_codec@whatsapp',
      'audioCodec:unsupported_codec@whatsapp',
    ]);
    expect(codes(hevc, messenger)).toEqual([]);
    expect(codes({ ...base, videoCodec: 'H.264', audioCodec: 'AAC', audioChannels: 1 }, whatsapp)).toEqual([]);
    expect(codes({ ...base, videoCodec: 'avc1', audioCodec: 'none', audioChannels: 0 }, whatsapp)).toEqual([]);
  });

  it('has no ports', () => {
    expect(videoMessage.ports(videoMessage.config.parse(base), { flowKind: 'chatbot' })).toEqual([]);
  });
});
