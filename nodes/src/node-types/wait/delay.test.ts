import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { delayCard } from './delay.ts';

const on = (channels: NodeCheckContext['channels']): NodeCheckContext => ({ flowKind: 'chatbot', channels, scope: 'all' });
const issues = (config: unknown, ctx: NodeCheckContext) => validateNodeConfig(delayCard, config, ctx).issues;

describe('wait.delay', () => {
  it('has cancelled only when interaction stops the delay', () => {
    const ids = (continueIfInteracted: boolean) =>
      delayCard.ports(delayCard.config.parse({ minutes: 5, continueIfInteracted }), { flowKind: 'chatbot' }).map((p) => `${p.id}:${p.role}`);
    expect(ids(false)).toEqual(['next:next', 'cancelled:skipped', 'windowClosed:failure']);
    expect(ids(true)).toEqual(['next:next', 'windowClosed:failure']);
  });

  it('warns per 24-hour-window channel when the delay is longer than the window', () => {
    const long = issues({ minutes: 1441 }, on(['messenger', 'instagram', 'line']));
    expect(long.map((i) => [i.code, i.channel, i.severity])).toEqual([
      ['window_will_close', 'messenger', 'warning'],
      ['window_will_close', 'instagram', 'warning'],
    ]);
    expect(issues({ minutes: 1440 }, on(['messenger', 'whatsapp']))).toEqual([]);
    expect(issues({ minutes: 5000 }, on(['line']))).toEqual([]);
  });

  it('takes whole minutes only', () => {
    expect(issues({ minutes: 1.5 }, on(['line'])).map((i) => i.code)).toEqual(['invalid_config']);
  });

  it('is not offered in web-chat bots, pauses the run and must end its module', () => {
    expect(delayCard.botScopes).not.toContain('web');
    expect(delayCard.waits).toBe(true);
    expect(delayCard.placement?.last).toBe(true);
  });
});
