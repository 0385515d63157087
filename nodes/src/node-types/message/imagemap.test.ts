import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { imagemapMessage } from './imagemap.ts';

const line: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };
const bounds = { x: 0, y: 0, width: 520, height: 520 };
const video = {
  kind: 'video',
  videoUrl: 'https://cdn.example.com/v.mp4',
  previewImageUrl: 'https://cdn.example.com/v.jpg',
};
const config = (areas: unknown[], extra: Record<string, unknown> = {}) => ({ assetId: 'im1', altText: 'Menu', areas, ...extra });
const codes = (c: unknown) => validateNodeConfig(imagemapMessage, c, line).issues.map((i) => `${i.path.join('.')}:${i.code}`);

describe('message.imagemap', () => {
  it('is offered only in LINE bots (P8)', () => {
    expect(scopesOf(imagemapMessage)).toEqual(['line']);
  });

  it('has a port per module area only', () => {
    const parsed = imagemapMessage.config.parse(
      config([
        { id: 't', bounds, action: { kind: 'text', text: 'hi' } },
        { id: 'm', label: 'Help', bounds, action: { kind: 'module' } },
        { id: 'u', bounds, action: { kind: 'url', url: 'https://e.example.com' } },
      ]),
    );
    expect(imagemapMessage.ports(parsed, { flowKind: 'chatbot' })).toEqual([
      { id: 'area:m', label: { en: 'Area Help', 'zh-Hant': '區塊 Help' }, role: 'branch' },
    ]);
  });

  it('cannot mix video and module areas', () => {
    expect(
      codes(
        config([
          { id: 'v', bounds, action: video },
          { id: 'm', bounds, action: { kind: 'module' } },
        ]),
      ),
    ).toEqual(['areas.0.action.kind:video_and_module']);
    expect(
      codes(
        config([
          { id: 'v', bounds, action: video },
          { id: 'u', bounds, action: { kind: 'url', url: 'https://e.example.com' } },
        ]),
      ),
    ).toEqual([]);
  });

  it('allows one video area and a complete link after it', () => {
    expect(
      codes(
        config([
          { id: 'v1', bounds, action: video },
          { id: 'v2', bounds, action: video },
        ]),
      ),
    ).toEqual(['areas.1.action.kind:too_many_videos']);
    expect(codes(config([{ id: 'v', bounds, action: { ...video, linkUrl: 'https://e.example.com' } }]))).toEqual(['areas.0.action.linkLabel:incomplete_link']);
    expect(codes(config([{ id: 'v', bounds, action: { ...video, videoUrl: 'https://cdn.example.com/v.webm' } }]))).toEqual([
      'areas.0.action.videoUrl:unsupported_format',
    ]);
  });

  it('keeps areas inside the base image, which is 1040 px wide', () => {
    expect(codes(config([{ id: 'a', bounds: { x: 600, y: 0, width: 520, height: 100 }, action: { kind: 'module' } }]))).toEqual([
      'areas.0.bounds:area_out_of_bounds',
    ]);
    expect(codes(config([{ id: 'a', bounds, action: { kind: 'module' } }], { baseSize: { width: 1024, height: 1024 } }))).toEqual(['baseSize.width:too_small']);
  });

  it('requires the asset, texts and URLs of the actions', () => {
    expect(codes({ assetId: '', altText: '', areas: [] })).toEqual(['assetId:required', 'altText:required', 'areas:required']);
    expect(
      codes(
        config([
          { id: 't', bounds, action: { kind: 'text', text: '' } },
          { id: 'u', bounds, action: { kind: 'url', url: '' } },
        ]),
      ),
    ).toEqual(['areas.0.action.text:required', 'areas.1.action.url:required']);
  });
});
