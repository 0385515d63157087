// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatbotGraph } from '@omniflow/schemas';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VersionMetrics } from '../stats/useVersionStats.ts';
import { click, type Rendered, render } from '../test-dom.tsx';
import type { ApiClient, FlowDetail } from '../trpc.ts';
import { ChatbotEditor } from './ChatbotEditor.tsx';
import { botFunnel } from './ChatbotStats.tsx';

// vitest runs in studio/; happy-dom's import.meta.url is not a file URL.
const graph = ChatbotGraph.parse(JSON.parse(readFileSync(join(process.cwd(), '../examples/flows/keyword-bot.chatbot.json'), 'utf8')));
const flow = { id: 'f_bot', name: 'Keyword bot', draftRevision: 1 } as unknown as FlowDetail;

const count = (entered: number, ports: Record<string, number> = {}, waiting = 0, failed = 0) => ({ entered, waiting, failed, ports });
// Version 2 (live) and version 1 have different counters so the picker's choice shows.
const byVersion: Record<string, Record<string, ReturnType<typeof count>>> = {
  v2: {
    kw_hello: count(6, { next: 6 }),
    welcome: count(4, { next: 4 }),
    c_hello: count(10, { next: 10 }),
    c_menu: count(10, { 'option:opening': 3, 'option:news': 2, 'option:human': 1 }, 3, 1),
    c_hours: count(3, { 'button:back': 1 }, 2),
    c_email: count(2, { next: 1 }, 1),
  },
  v1: { kw_hello: count(2, { next: 2 }), c_hello: count(2, { next: 2 }), c_menu: count(2, {}, 2) },
};
const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
const helloMetrics: VersionMetrics['nodes'][string] = {
  nodeId: 'c_hello',
  nodeType: 'message.text',
  sending: 10,
  successful: 9,
  failed: 1,
  failureReasons: { blocked: 1 },
  successRate: r(9, 10),
  openRate: null,
  readRate: null,
  clickRate: r(3, 9),
  responseRate: { h12: r(1, 9), h24: r(2, 9), h48: r(3, 9) },
  unsubscribeRate: r(0, 9),
};

function stubClient() {
  const nodeStats = vi.fn(async ({ versionId }: { flowId: string; versionId: string }) => byVersion[versionId] ?? {});
  const client = {
    versions: {
      list: {
        query: async () => ({
          items: [
            { id: 'v2', number: 2, isCurrent: true },
            { id: 'v1', number: 1, isCurrent: false },
          ],
        }),
      },
    },
    runs: {
      nodeStats: { query: nodeStats },
      nodeMetrics: { query: async ({ versionId }: { versionId: string }) => ({ nodes: versionId === 'v2' ? { c_hello: helloMetrics } : {} }) },
    },
    flows: { saveDraft: { mutate: async () => ({ revision: 2 }) } },
  } as unknown as ApiClient;
  return { client, nodeStats };
}

async function settle(check: () => boolean) {
  for (let i = 0; i < 50 && !check(); i++) await act(async () => new Promise((done) => setTimeout(done, 10)));
  expect(check()).toBe(true);
}

let view: Rendered | undefined;
afterEach(() => view?.unmount());

async function mount(client: ApiClient) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  view = await render(
    <QueryClientProvider client={queryClient}>
      <ChatbotEditor client={client} flow={flow} graph={graph} onBack={() => {}} />
    </QueryClientProvider>,
  );
  return view;
}

const button = (root: Element, name: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as Element;

describe('chatbot statistics', () => {
  it('funnel model: sessions from the triggers, then the entry module, then the modules in order', () => {
    const f = botFunnel(graph, byVersion.v2 ?? {});
    expect(f.sessions).toBe(10);
    expect(f.steps.map((s) => [s.moduleId, s.entered])).toEqual([
      ['m_welcome', 10],
      ['m_hours', 3],
      ['m_email', 2],
      ['m_check', 0],
      ['m_thanks', 0],
      ['m_agent', 0],
      ['m_noagent', 0],
    ]);
  });

  it('the Statistics toggle shows the live version: card badges, rates, module totals and the funnel; another version can be picked', async () => {
    const { client, nodeStats } = stubClient();
    const root = (await mount(client)).container;
    expect(root.querySelector('[data-testid="node-stats"]')).toBeNull();
    expect(nodeStats).not.toHaveBeenCalled();

    await click(button(root, 'Statistics'));
    await settle(() => root.querySelector('[data-testid="bot-funnel"]') !== null);

    // The entry module's cards, as the counters for version 2 say.
    const badge = (cardId: string) => root.querySelector(`[data-card-id="${cardId}"] [data-testid="node-stats"]`);
    expect(badge('c_menu')?.getAttribute('aria-label')).toBe('10 entered, 3 waiting, 6 passed, 1 failed');
    expect(badge('c_menu')?.textContent).toBe('→10⏸3✓6✕1');
    expect(root.querySelector('[data-card-id="c_menu"] .bot-port-counts')?.textContent).toBe('opening: 3news: 2human: 1');
    expect(root.querySelector('[data-card-id="c_hello"] [data-testid="node-rates-line"]')?.textContent).toBe('9/10 sent · click 33.3%');
    expect(root.querySelector('[data-card-id="c_menu"] [data-testid="node-rates-line"]')).toBeNull();

    const totals = [...root.querySelectorAll('[data-testid="bot-module-entered"]')].map((e) => e.textContent);
    expect(totals).toEqual(['Entered: 10', 'Entered: 3', 'Entered: 2', 'Entered: 0', 'Entered: 0', 'Entered: 0', 'Entered: 0']);

    const funnel = root.querySelector('[data-testid="bot-funnel"]')?.textContent ?? '';
    expect(funnel).toMatch(
      /Sessions started: 10.*Welcome: 10 \(100% of sessions\).*Opening hours: 3 \(30% of sessions\).*Ask for email: 2 \(20% of sessions\)/,
    );

    // A funnel step opens its module: its card shows its own badge.
    await click(button(root, 'Opening hours: 3 (30% of sessions)'));
    expect(badge('c_hours')?.getAttribute('aria-label')).toBe('3 entered, 2 waiting, 1 passed, 0 failed');

    // Selecting the card shows its chart: one bar per count and per button, scaled to the largest.
    await click(root.querySelector('[data-card-id="c_hours"] .bot-card-title') as Element);
    const chart = root.querySelector('[data-testid="bot-card-chart"]') as Element;
    const labels = [...chart.querySelectorAll('.chart-label')].map((e) => e.textContent);
    expect(labels[0]).toBe('Entered');
    expect(labels[1]).toBe('Waiting');
    expect(labels[2]).toMatch(/^Passed: /);
    expect(labels.at(-1)).toBe('Failed');
    expect([...chart.querySelectorAll('rect.chart-bar')].map((e) => Number(e.getAttribute('width')))).toEqual([130, (2 / 3) * 130, (1 / 3) * 130, 0]);
    expect(chart.textContent).toContain('This node sent no messages in this version.');

    // Version 1 has other counters.
    const picker = root.querySelector('.bot-stats-version select') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['Version 2 (Live)', 'Version 1']);
    await act(async () => {
      picker.value = 'v1';
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle(() => (root.querySelector('[data-testid="bot-funnel"]')?.textContent ?? '').includes('Sessions started: 2'));
    expect(nodeStats).toHaveBeenCalledWith({ flowId: 'f_bot', versionId: 'v1' });

    // The flowchart shows the same counters on its modules and rows.
    await click(button(root, 'Flowchart'));
    await settle(() => root.querySelector('[data-testid="bot-flow-module"] .bot-module-entered') !== null);
    const flowTotals = [...root.querySelectorAll('[data-testid="bot-flow-module"] .bot-module-entered')].map((e) => e.textContent);
    expect(flowTotals.slice(0, 3)).toEqual(['Entered: 2', 'Entered: 0', 'Entered: 0']);
    expect(root.querySelectorAll('[data-testid="bot-flow-module"] [data-testid="node-stats"]').length).toBeGreaterThan(0);
    await click(button(root, 'Cards'));

    // Off again: the badges go.
    await click(button(root, 'Statistics'));
    expect(root.querySelector('[data-testid="node-stats"]')).toBeNull();
    expect(root.querySelector('[data-testid="bot-funnel"]')).toBeNull();
  });
});
