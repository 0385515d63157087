import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { postInteractionTrigger } from './post-interaction.ts';

const bot: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger', 'instagram'], scope: 'fb_ig' };
const journey: NodeCheckContext = { flowKind: 'journey', channels: ['messenger', 'instagram'] };
const issues = (config: unknown, ctx: NodeCheckContext = bot) =>
  validateNodeConfig(postInteractionTrigger, config, ctx).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));
const reply = { publicReplies: ['Thanks!'] };

describe('trigger.post_interaction', () => {
  it('needs a public or a private reply', () => {
    expect(issues({})).toContainEqual({ code: 'reply_required', path: 'publicReplies', severity: 'error' });
    expect(issues({ dmReplies: [{ id: 'a', kind: 'text', text: 'Hi {{system:customer_name}}' }] })).toEqual([]);
  });

  it('exact match uses only the first keyword (a warning), and keywords are case-sensitive', () => {
    expect(issues({ ...reply, match: 'exact', keywords: ['A', 'B'] })).toEqual([{ code: 'exact_uses_first', path: 'keywords', severity: 'warning' }]);
    expect(issues({ ...reply, match: 'containsAny', keywords: ['ABC', 'abc', 'ＡＢＣ'] })).toEqual([]);
    expect(issues({ ...reply, match: 'containsAny', keywords: ['ABC', ' ABC'] })).toContainEqual({
      code: 'duplicate_keyword',
      path: 'keywords.1',
      severity: 'error',
    });
  });

  it('Instagram cannot count tagged friends; live is Instagram-only', () => {
    expect(issues({ ...reply, channel: 'instagram', minTaggedFriends: 1 })).toContainEqual({
      code: 'channel_rule',
      path: 'minTaggedFriends',
      severity: 'error',
    });
    expect(issues({ ...reply, channel: 'messenger', minTaggedFriends: 1 })).toEqual([]);
    expect(issues({ ...reply, channel: 'messenger', scope: { kind: 'ig_live' } })).toContainEqual({
      code: 'channel_rule',
      path: 'scope.kind',
      severity: 'error',
    });
    expect(issues({ ...reply, channel: 'instagram', scope: { kind: 'ig_live' } })).toEqual([]);
  });

  it('checks post ids per channel', () => {
    expect(issues({ ...reply, scope: { kind: 'manual_post', postId: '1048_2234' } })).toEqual([]);
    expect(issues({ ...reply, scope: { kind: 'manual_post', postId: 'abc' } })).toContainEqual({
      code: 'invalid_post_id',
      path: 'scope.postId',
      severity: 'error',
    });
    expect(issues({ ...reply, channel: 'instagram', scope: { kind: 'post', postId: '1048_2234' } })).toContainEqual({
      code: 'invalid_post_id',
      path: 'scope.postId',
      severity: 'error',
    });
  });

  it('checks the validity period', () => {
    expect(issues({ ...reply, validity: { kind: 'range', start: '2025-03-02T00:00', end: '2025-03-01T00:00' } })).toContainEqual({
      code: 'invalid_range',
      path: 'validity.end',
      severity: 'error',
    });
    expect(issues({ ...reply, validity: { kind: 'range', start: '2025-02-30T00:00', end: '2025-03-01T00:00' } })).toContainEqual({
      code: 'invalid_datetime',
      path: 'validity.start',
      severity: 'error',
    });
  });

  it('warns about identical reply variants', () => {
    expect(issues({ publicReplies: ['Thanks!', ' Thanks! '] })).toContainEqual({ code: 'duplicate_variant', path: 'publicReplies.1', severity: 'warning' });
  });

  it('module replies get a variant port in a chatbot; journeys continue on next and cannot reply with modules', () => {
    const config = postInteractionTrigger.config.parse({
      dmReplies: [
        { id: 't1', kind: 'text', text: 'Hi' },
        { id: 'm1', kind: 'module' },
      ],
    });
    expect(postInteractionTrigger.ports(config, { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['variant:m1']);
    expect(postInteractionTrigger.ports(config, { flowKind: 'journey' }).map((p) => p.id)).toEqual(['next']);
    expect(issues(config, journey)).toContainEqual({ code: 'module_reply_in_journey', path: 'dmReplies.1.kind', severity: 'error' });
  });
});
