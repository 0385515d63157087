import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { welcomeTrigger } from './welcome.ts';

const lineBot: NodeCheckContext = { flowKind: 'chatbot', channels: ['line'], scope: 'line' };

describe('trigger.welcome', () => {
  it('links to one module', () => {
    expect(welcomeTrigger.ports(welcomeTrigger.config.parse({}), { flowKind: 'chatbot' }).map((p) => p.id)).toEqual(['next']);
    expect(welcomeTrigger.flowKinds).toEqual(['chatbot']);
  });
  it('warns about channels the bot does not answer on', () => {
    const result = validateNodeConfig(welcomeTrigger, { channels: ['line', 'messenger'] }, lineBot);
    expect(result.issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity, channel: i.channel }))).toEqual([
      { code: 'channel_not_in_flow', path: ['channels', 1], severity: 'warning', channel: 'messenger' },
    ]);
  });
  it('fires on follow (LINE, including re-adds) and contact creation', () => {
    expect(welcomeTrigger.events).toEqual(['contact.followed', 'contact.created']);
  });
});
