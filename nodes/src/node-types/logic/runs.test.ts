import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/fake-run-context.ts';
import { conditionSplit } from './condition.ts';
import { randomSplit } from './random-split.ts';
import { segmentSplit } from './split.ts';

const vip = { op: 'and', items: [{ criterion: 'tag', op: 'hasAny', tags: ['vip'] }] };
const tagged = {
  tags: [{ name: 'vip', count: 1, firstAppliedAt: '2025-01-01T00:00:00Z', lastAppliedAt: '2025-01-01T00:00:00Z', lastSource: 'manual' as const }],
};

describe('logic runs', () => {
  it('split: the first matching branch wins, else otherwise, with an explanation', async () => {
    const config = {
      branches: [
        { id: 'vip', label: 'VIP', condition: vip },
        { id: 'all', label: 'All', condition: { op: 'and', items: [] } },
      ],
    };
    const hit = await runNode(segmentSplit, config, { contact: tagged });
    expect(hit.outcome).toMatchObject({ port: 'branch:vip' });
    const second = await runNode(segmentSplit, config);
    expect(second.outcome).toMatchObject({ port: 'branch:all' });
    expect((second.outcome as { explanation: string }).explanation).toContain('"VIP": ✗');
    const none = await runNode(segmentSplit, { branches: [{ id: 'vip', label: 'VIP', condition: vip }] });
    expect(none.outcome).toMatchObject({ port: 'else' });
  });

  it('condition: met / notMet', async () => {
    expect((await runNode(conditionSplit, { condition: vip }, { contact: tagged })).outcome).toMatchObject({ port: 'met' });
    expect((await runNode(conditionSplit, { condition: vip })).outcome).toMatchObject({ port: 'notMet' });
  });

  it('random split: sticky by customer and node, non-sticky by ctx.random()', async () => {
    const variants = [
      { id: 'a', label: 'A', weight: 50 },
      { id: 'b', label: 'B', weight: 50 },
    ];
    const ports = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const { outcome } = await runNode(randomSplit, { variants, sticky: true }, { customerId: `c${i}` });
      const port = (outcome as { port: string }).port;
      ports.set(port, (ports.get(port) ?? 0) + 1);
      // The same customer always lands on the same variant, whatever ctx.random() says.
      const again = await runNode(randomSplit, { variants, sticky: true }, { customerId: `c${i}`, random: 0.99 });
      expect((again.outcome as { port: string }).port).toBe(port);
    }
    expect(ports.get('variant:a')).toBeGreaterThan(150);
    expect(ports.get('variant:b')).toBeGreaterThan(150);
    expect((await runNode(randomSplit, { variants, sticky: false }, { random: 0.49 })).outcome).toMatchObject({ port: 'variant:a' });
    expect((await runNode(randomSplit, { variants, sticky: false }, { random: 0.5 })).outcome).toMatchObject({ port: 'variant:b' });
  });
});
