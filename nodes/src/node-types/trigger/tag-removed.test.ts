import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { tagRemovedTrigger } from './tag-removed.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(tagRemovedTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.tag_removed', () => {
  it('needs a tag', () => {
    expect(issues({ tags: [] })).toContainEqual({ code: 'required', path: 'tags', severity: 'error' });
  });
  it('rejects a source both included and excluded', () => {
    expect(issues({ tags: ['vip'], includeSources: ['batch'], excludeSources: ['batch'] })).toContainEqual({
      code: 'contradiction',
      path: 'excludeSources',
      severity: 'error',
    });
  });
  it('warns about a tag listed twice', () => {
    expect(issues({ tags: ['vip', 'vip'] })).toEqual([{ code: 'duplicate_tag', path: 'tags.1', severity: 'warning' }]);
  });
  it('ignores its own journey by default and continues on next', () => {
    const config = tagRemovedTrigger.config.parse({ tags: ['vip'] });
    expect(config.excludeSameFlow).toBe(true);
    expect(tagRemovedTrigger.ports(config, { flowKind: 'journey' }).map((p) => p.id)).toEqual(['next']);
    expect(tagRemovedTrigger.events).toEqual(['tag.removed']);
  });
});
