import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { newContactTrigger } from './new-contact.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line', 'whatsapp'] };
const issues = (config: unknown) =>
  validateNodeConfig(newContactTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.new_contact', () => {
  it('accepts §1.3 sources as snake_case ids only', () => {
    expect(issues({ sources: ['organic_line_search'] })).toEqual([]);
    expect(issues({ sources: ['Organic (LINE search)'] })[0]?.code).toBe('invalid_config');
  });
  it('warns when a source cannot happen on the chosen channels', () => {
    expect(issues({ channels: ['line'], sources: ['ig_story_mention'] })).toEqual([
      { code: 'source_channel_mismatch', path: 'sources.0', severity: 'warning' },
    ]);
    // No channels picked: the journey's channels decide (LINE, WhatsApp here).
    expect(issues({ sources: ['ig_live_comment'] })).toEqual([{ code: 'source_channel_mismatch', path: 'sources.0', severity: 'warning' }]);
    expect(issues({ sources: ['whatsapp_pixel'] })).toEqual([]);
  });
  it('warns about channels outside the journey and duplicate sources', () => {
    expect(issues({ channels: ['messenger'] })).toEqual([{ code: 'channel_not_in_flow', path: 'channels.0', severity: 'warning' }]);
    expect(issues({ sources: ['coupon', 'coupon'] })).toEqual([{ code: 'duplicate_source', path: 'sources.1', severity: 'warning' }]);
  });
  it('does not offer web chat', () => {
    expect(issues({ channels: ['webchat'] })[0]?.code).toBe('invalid_config');
  });
});
