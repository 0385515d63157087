import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { jumpToModule } from './jump.ts';

describe('flow.jump', () => {
  it('has a single next port and must end its module', () => {
    expect(jumpToModule.ports(jumpToModule.config.parse({}), { flowKind: 'chatbot' })).toEqual([
      { id: 'next', label: { en: 'Go to module', 'zh-Hant': '前往模組' }, role: 'next' },
    ]);
    expect(jumpToModule.placement).toEqual({ last: true });
    expect(jumpToModule.flowKinds).toEqual(['chatbot']);
  });

  it('keeps no target in its config: the edge is the target', () => {
    const result = validateNodeConfig(jumpToModule, { moduleId: 'stale' }, { flowKind: 'chatbot', channels: ['line'], scope: 'line' });
    expect(result).toEqual({ config: {}, issues: [] });
  });
});

describe('flow.jump run', () => {
  it('takes next, whose edge names the module', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    expect((await runNode(jumpToModule, {})).outcome).toEqual({ kind: 'next', port: 'next', explanation: 'Go to module' });
  });
});
