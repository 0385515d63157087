// @vitest-environment happy-dom
import { builtinCatalogue } from '@omniflow/nodes';
import { JourneyGraph } from '@omniflow/schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { click, type Rendered, render } from '../test-dom.tsx';
import { StatsBadge } from '../versions/VersionCanvas.tsx';
import { FunnelChart, NodeChart, NodeRates } from './StatsPanel.tsx';
import type { VersionMetrics } from './useVersionStats.ts';

const catalogue = builtinCatalogue();
let view: Rendered | undefined;
afterEach(() => view?.unmount());

const graph = JourneyGraph.parse({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] } }],
  nodes: [
    {
      id: 'split',
      type: 'logic.split',
      version: 1,
      config: { branches: [{ id: 'vip', label: 'VIP', condition: { op: 'or', items: [] } }], elseLabel: 'Others' },
    },
    { id: 'goal', type: 'flow.goal', version: 1, config: { label: 'Bought', note: '' } },
    { id: 'exit', type: 'flow.exit', version: 1, config: { reason: '' } },
  ],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'split' },
    { id: 'e2', source: 'split', sourcePort: 'branch:vip', target: 'goal' },
    { id: 'e3', source: 'split', sourcePort: 'else', target: 'exit' },
  ],
});
const counters = {
  split: { entered: 8, waiting: 0, failed: 1, ports: { 'branch:vip': 3, else: 4 } },
  goal: { entered: 3, waiting: 0, failed: 0, ports: {} },
  exit: { entered: 4, waiting: 0, failed: 0, ports: {} },
};

describe('statistics components', () => {
  it('badge: four counts in words for screen readers, numbers on screen', async () => {
    view = await render(<StatsBadge counters={counters.split} />);
    const badge = view.container.querySelector('[data-testid="node-stats"]');
    expect(badge?.getAttribute('aria-label')).toBe('8 entered, 0 waiting, 7 passed, 1 failed');
    expect(badge?.textContent).toBe('→8⏸0✓7✕1');
    view.unmount();
    view = await render(<StatsBadge counters={counters.split} />, 'zh-Hant');
    expect(view.container.querySelector('[data-testid="node-stats"]')?.getAttribute('aria-label')).toBe('進入 8,等待中 0,通過 7,失敗 1');
  });

  it('funnel: entries, each step with its share, the goal; a step selects its node', async () => {
    const onSelect = vi.fn();
    view = await render(<FunnelChart graph={graph} counters={counters} catalogue={catalogue} onSelect={onSelect} />);
    const text = view.container.textContent ?? '';
    expect(text).toMatch(/Entries: 8.*Segment split: 8 \(100% of entries\).*Exit: 4 \(50% of entries\).*Goal reached: 3 \(37\.5%\)/);
    await click(view.container.querySelector('button') as Element);
    expect(onSelect).toHaveBeenCalledWith('split');
  });

  it('chart: one labelled bar per count and per port, scaled to the largest', async () => {
    view = await render(<NodeChart graph={graph} nodeId="split" counters={counters.split} catalogue={catalogue} />);
    const labels = [...view.container.querySelectorAll('.chart-label')].map((e) => e.textContent);
    expect(labels).toEqual(['Entered', 'Waiting', 'Passed: VIP', 'Passed: Others', 'Failed']);
    const widths = [...view.container.querySelectorAll('rect.chart-bar')].map((e) => Number(e.getAttribute('width')));
    expect(widths).toEqual([130, 0, (3 / 8) * 130, (4 / 8) * 130, (1 / 8) * 130]);
  });

  it('rates: each §7 rate with numerator and denominator; rates a channel does not report are left out', async () => {
    const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
    const metrics: VersionMetrics['nodes'][string] = {
      nodeId: 'send',
      nodeType: 'message.send',
      sending: 10,
      successful: 8,
      failed: 2,
      failureReasons: { blocked: 2 },
      successRate: r(8, 10),
      openRate: r(4, 8),
      readRate: null,
      clickRate: r(2, 8),
      responseRate: { h12: r(1, 8), h24: r(2, 8), h48: r(3, 8) },
      unsubscribeRate: r(0, 8),
    };
    view = await render(<NodeRates metrics={metrics} />);
    const items = [...view.container.querySelectorAll('[data-testid="node-rates"] li')].map((e) => e.textContent);
    expect(items).toEqual([
      'Success rate: 80% (8 of 10)',
      'Open rate (LINE): 50% (4 of 8)',
      'Click rate: 25% (2 of 8)',
      'Response rate, 12 h: 12.5% (1 of 8)',
      'Response rate, 24 h: 25% (2 of 8)',
      'Response rate, 48 h: 37.5% (3 of 8)',
      'Unsubscribe / block rate: 0% (0 of 8)',
      'Failed: blocked (2)',
    ]);
    view.unmount();
    view = await render(<NodeRates metrics={undefined} />);
    expect(view.container.textContent).toBe('This node sent no messages in this version.');
  });
});
