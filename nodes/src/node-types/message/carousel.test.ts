import type { AttributeDefinition } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { carouselMessage } from './carousel.ts';

const ctx = (scope: NodeCheckContext['scope'], channels: NodeCheckContext['channels']): NodeCheckContext => ({ flowKind: 'chatbot', channels, scope });
const line = ctx('line', ['line']);
const fb = ctx('fb_ig', ['messenger', 'instagram']);
const web = ctx('web', ['webchat']);
const all = ctx('all', ['messenger', 'instagram', 'line', 'webchat']);

const column = (id: string, buttons: unknown[], extra: Record<string, unknown> = {}) => ({
  id,
  imageUrl: `https://cdn.example.com/${id}.jpg`,
  title: `Card ${id}`,
  subtitle: 'Subtitle',
  buttons,
  ...extra,
});
const moduleButton = (id: string, label = id) => ({ id, label, action: { kind: 'module' } });
const urlButton = (id: string, extra: Record<string, unknown> = {}) => ({ id, label: id, action: { kind: 'url', url: 'https://e.example.com', ...extra } });

const issues = (config: unknown, c: NodeCheckContext) => validateNodeConfig(carouselMessage, config, c).issues;
const codes = (config: unknown, c: NodeCheckContext) => issues(config, c).map((i) => `${i.path.join('.')}:${i.code}${i.severity === 'warning' ? '!' : ''}`);

describe('message.carousel', () => {
  it('has one branch port per module button, across all columns', () => {
    const config = carouselMessage.config.parse({
      columns: [column('a', [moduleButton('b1', 'Buy'), urlButton('b2')]), column('b', [moduleButton('b3', 'Ask')])],
    });
    expect(carouselMessage.ports(config, { flowKind: 'chatbot' })).toEqual([
      { id: 'button:b1', label: { en: 'Card a › Buy', 'zh-Hant': 'Card a › Buy' }, role: 'branch' },
      { id: 'button:b3', label: { en: 'Card b › Ask', 'zh-Hant': 'Card b › Ask' }, role: 'branch' },
    ]);
  });

  it('needs an image, a title and a first button per column', () => {
    expect(codes({ columns: [{ id: 'a', imageUrl: '', title: '', buttons: [] }] }, fb)).toEqual([
      'columns.0.title:required',
      'columns.0.buttons:required',
      'columns.0.imageUrl:required',
    ]);
  });

  it('requires the same number of buttons in every column on LINE only', () => {
    const config = { columns: [column('a', [moduleButton('b1'), moduleButton('b2')]), column('b', [moduleButton('b3')])] };
    expect(codes(config, line)).toEqual(['columns.1.buttons:line_button_count_mismatch']);
    expect(codes(config, fb)).toEqual([]);
    expect(codes(config, all)).toEqual(['columns.1.buttons:line_button_count_mismatch']);
  });

  it('keeps button ids unique across the whole card', () => {
    const config = { columns: [column('a', [moduleButton('same')]), column('b', [moduleButton('same')])] };
    expect(codes(config, fb)).toEqual(['columns.1.buttons.0.id:duplicate_id']);
  });

  it('forbids placeholders in the title but allows them in the subtitle', () => {
    const config = { columns: [column('a', [moduleButton('b')], { title: 'Hi {{system:customer_name}}', subtitle: 'Hi {{system:customer_name}}' })] };
    expect(codes(config, fb)).toEqual(['columns.0.title:placeholder_not_allowed']);
  });

  it('applies the strictest channel limit in an all-platform bot (LINE title 40)', () => {
    const config = { columns: [column('a', [moduleButton('b')], { title: 'x'.repeat(41) })] };
    expect(codes(config, fb)).toEqual([]);
    expect(codes(config, all)).toEqual(['columns.0.title:too_long']);
    expect(issues(config, all)[0]?.channel).toBe('line');
  });

  it('needs an image link for image-click tags, and ignores tags on web chat', () => {
    expect(codes({ columns: [column('a', [moduleButton('b')], { imageClickTags: ['x'] })] }, fb)).toEqual(['columns.0.imageClickTags:tags_need_url']);
    const tagged = { columns: [column('a', [urlButton('b', { tags: ['clicked'] })], { imageClickUrl: 'https://e.example.com', imageClickTags: ['x'] })] };
    expect(codes(tagged, fb)).toEqual([]);
    expect(codes(tagged, web)).toEqual(['columns.0.imageClickTags:channel_rule!', 'columns.0.buttons.0.action.tags:channel_rule!']);
  });

  it('checks URL buttons and system modules against the reachable channels', () => {
    expect(codes({ columns: [column('a', [urlButton('b', { url: 'not a url' })])] }, fb)).toEqual(['columns.0.buttons.0.action.url:invalid_url']);
    expect(codes({ columns: [column('a', [urlButton('b', { url: '' })])] }, fb)).toEqual(['columns.0.buttons.0.action.url:required']);
    const memberCenter = { columns: [column('a', [{ id: 'm', label: 'Members', action: { kind: 'system', module: 'member_center' } }])] };
    expect(codes(memberCenter, line)).toEqual([]);
    expect(codes(memberCenter, web)).toEqual(['columns.0.buttons.0.action.module:system_module_unsupported']);
    expect(codes(memberCenter, all)).toEqual(['columns.0.buttons.0.action.module:system_module_unsupported!']);
  });

  it('checks attribute values a button saves when the attributes are known', () => {
    const attributes: AttributeDefinition[] = [
      { key: 'tier', type: 'number', status: 'active' },
      { key: 'old', type: 'text', status: 'archived' },
    ];
    const save = (key: string, value: string) => ({
      columns: [column('a', [{ id: 'b', label: 'Go', action: { kind: 'module', saveAttribute: { key, value } } }])],
    });
    const withAttrs = { ...fb, attributes };
    expect(codes(save('tier', '3'), withAttrs)).toEqual([]);
    expect(codes(save('tier', 'gold'), withAttrs)).toEqual(['columns.0.buttons.0.action.saveAttribute.value:invalid_attribute_value']);
    expect(codes(save('old', 'x'), withAttrs)).toEqual(['columns.0.buttons.0.action.saveAttribute.key:archived_attribute']);
    expect(codes(save('nope', 'x'), withAttrs)).toEqual(['columns.0.buttons.0.action.saveAttribute.key:unknown_attribute']);
    expect(codes(save('nope', 'x'), fb)).toEqual([]);
  });
});
