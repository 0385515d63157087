import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { imageCarouselMessage } from './image-carousel.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const image = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  imageUrl: `https://cdn.example.com/${id}.png`,
  action: { kind: 'module' },
  ...extra,
});
const codes = (config: unknown) =>
  validateNodeConfig(imageCarouselMessage, config, line).issues.map((i) => `${i.path.join('.')}:${i.code}${i.severity === 'warning' ? '!' : ''}`);

describe('message.image_carousel', () => {
  it('is offered only in LINE bots, not in all-platform bots (P8)', () => {
    expect(scopesOf(imageCarouselMessage)).toEqual(['line']);
  });

  it('has a port per image whose click goes to a module', () => {
    const config = imageCarouselMessage.config.parse({
      altText: 'x',
      images: [image('a', { label: 'Look' }), image('b', { action: { kind: 'url', url: 'https://e.example.com' } }), image('c')],
    });
    expect(imageCarouselMessage.ports(config, { flowKind: 'chatbot' }).map((p) => [p.id, p.label.en, p.role])).toEqual([
      ['image:a', 'Image Look', 'branch'],
      ['image:c', 'Image #3', 'branch'],
    ]);
  });

  it('requires the notification text and at least one image', () => {
    expect(codes({ altText: '', images: [] })).toEqual(['altText:required', 'images:required']);
  });

  it('limits labels to 12 characters (LINE wins over the spec’s 20 English characters)', () => {
    expect(codes({ altText: 'x', images: [image('a', { label: 'Twelve chars' })] })).toEqual([]);
    expect(codes({ altText: 'x', images: [image('a', { label: 'Thirteen char' })] })).toEqual(['images.0.label:too_long']);
  });

  it('rejects images taller than 3× their width and warns on non-square ones', () => {
    expect(codes({ altText: 'x', images: [image('a', { width: 300, height: 901 })] })).toEqual(['images.0.height:image_too_tall']);
    expect(codes({ altText: 'x', images: [image('a', { width: 300, height: 900 })] })).toEqual(['images.0.height:image_not_square!']);
    expect(codes({ altText: 'x', images: [image('a', { width: 1024, height: 1024 })] })).toEqual([]);
  });

  it('checks image ids, URLs and formats', () => {
    expect(codes({ altText: 'x', images: [image('a'), image('a')] })).toEqual(['images.1.id:duplicate_id']);
    expect(codes({ altText: 'x', images: [image('a', { imageUrl: 'https://cdn.example.com/a.webp' })] })).toEqual(['images.0.imageUrl:unsupported_format']);
    expect(codes({ altText: 'x', images: [image('a', { action: { kind: 'url', url: '' } })] })).toEqual(['images.0.action.url:required']);
  });
});
