import type { Catalogue } from '@omniflow/nodes';
import type { ChatbotGraph, NodeInstance } from '@omniflow/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { NodeRates } from '../stats/StatsPanel.tsx';
import { NO_COUNTS, type NodeCounters, passed, percent, type VersionCounters } from '../stats/stats-model.ts';
import { useVersionMetrics, useVersionStats, type VersionMetrics } from '../stats/useVersionStats.ts';
import { type ApiClient, type RouterOutputs, toProblem } from '../trpc.ts';
import { StatsBadge } from '../versions/VersionCanvas.tsx';
import { botPortsOf } from './bot-graph.ts';

// Statistics for a chatbot: the engine keys its counters by card / trigger id, so a published
// version's counters sit directly on the editor's cards, modules and funnel.

type VersionItem = RouterOutputs['versions']['list']['items'][number];
type NodeMetrics = VersionMetrics['nodes'][string];

/** Runs that entered a module: what entered its first card (every run through a module starts there). */
export function moduleEntered(module: ChatbotGraph['modules'][number], counters: VersionCounters): number {
  const first = module.cards[0];
  return first ? (counters[first.id]?.entered ?? 0) : 0;
}

export interface BotFunnel {
  /** Sessions the triggers started. */
  sessions: number;
  /** The entry module first, then the other modules in their order. */
  steps: { moduleId: string; name: string; entered: number }[];
}

/** Sessions started → entry module → modules in order. */
export function botFunnel(graph: ChatbotGraph, counters: VersionCounters): BotFunnel {
  const sessions = graph.triggers.reduce((sum, t) => sum + (counters[t.id]?.entered ?? 0), 0);
  const entry = graph.modules.filter((m) => m.id === graph.entryModuleId);
  const ordered = [...entry, ...graph.modules.filter((m) => m.id !== graph.entryModuleId)];
  return { sessions, steps: ordered.map((m) => ({ moduleId: m.id, name: m.name, entered: moduleEntered(m, counters) })) };
}

/** The published versions, the one picked (the live one by default) and its counters and rates, refreshed while shown. */
export function useBotStats(client: ApiClient, flowId: string, enabled: boolean) {
  const versions = useQuery({
    queryKey: ['bot-versions', flowId],
    queryFn: () => client.versions.list.query({ flowId, limit: 20 }),
    enabled,
    retry: false,
  });
  const items: VersionItem[] = versions.data?.items ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const versionId = (picked && items.some((v) => v.id === picked) ? picked : null) ?? items.find((v) => v.isCurrent)?.id ?? items[0]?.id ?? null;
  const stats = useVersionStats(client, flowId, versionId, enabled);
  const metrics = useVersionMetrics(client, flowId, versionId, enabled);
  const on = enabled && versionId !== null;
  return {
    items,
    loaded: versions.isSuccess,
    versionId,
    pick: setPicked,
    counters: on ? (stats.data ?? null) : null,
    metrics: on ? (metrics.data?.nodes ?? null) : null,
    updatedAt: stats.dataUpdatedAt,
    error: versions.error ?? stats.error ?? null,
  };
}

/** Chooses the published version whose statistics are shown. */
export function StatsVersionPicker({ items, versionId, onPick }: { items: readonly VersionItem[]; versionId: string | null; onPick(id: string): void }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="field-help">{t('stats.noVersion')}</p>;
  return (
    <label className="bot-stats-version">
      {t('bot.statsVersion')}{' '}
      <select value={versionId ?? ''} onChange={(e) => onPick(e.target.value)}>
        {items.map((v) => (
          <option key={v.id} value={v.id}>
            {t('history.version', { n: v.number })}
            {v.isCurrent ? ` (${t('history.live')})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A card's counters badge, the runs through each of its ports, and, for message cards that sent, the §7 rates in one line. */
export function CardStats({ counters, metrics }: { counters: NodeCounters | undefined; metrics: NodeMetrics | undefined }) {
  const { t } = useI18n();
  const c = counters ?? NO_COUNTS;
  const ports = Object.entries(c.ports);
  return (
    <div className="bot-card-stats" data-testid="bot-card-stats">
      <StatsBadge counters={c} />
      {ports.length > 0 && (
        <ul className="bot-port-counts">
          {ports.map(([port, n]) => (
            <li key={port}>{t('bot.statsPort', { port: port.replace(/^[a-z]+:/, ''), n })}</li>
          ))}
        </ul>
      )}
      {metrics && metrics.sending > 0 && (
        <div className="node-rates" data-testid="node-rates-line">
          {t('rate.onNode', {
            successful: metrics.successful,
            sending: metrics.sending,
            click: percent(metrics.clickRate.numerator, metrics.clickRate.denominator),
          })}
        </div>
      )}
    </div>
  );
}

/** Sessions started → entry module → modules in order, as bars; a step opens its module. */
export function BotFunnelChart({ graph, counters, onSelect }: { graph: ChatbotGraph; counters: VersionCounters; onSelect(moduleId: string): void }) {
  const { t } = useI18n();
  const f = botFunnel(graph, counters);
  const top = Math.max(f.sessions, ...f.steps.map((s) => s.entered), 1);
  const width = (n: number) => `${Math.max(2, Math.min(100, (n / top) * 100))}%`;
  return (
    <section className="funnel" aria-label={t('stats.funnel')} data-testid="bot-funnel">
      <h3>{t('stats.funnel')}</h3>
      <ol>
        <li>
          <span className="funnel-label">{t('bot.funnelSessions', { n: f.sessions })}</span>
          <span className="funnel-bar entries" style={{ width: width(f.sessions) }} />
        </li>
        {f.steps.map((s) => (
          <li key={s.moduleId}>
            <button type="button" className="link funnel-label" onClick={() => onSelect(s.moduleId)}>
              {t('bot.funnelModule', { name: s.name, count: s.entered, pct: percent(s.entered, f.sessions) })}
            </button>
            <span className="funnel-bar" style={{ width: width(s.entered) }} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The side panel's statistics section: version picker, refresh time or the problem, and the funnel. */
export function BotStatsPanel({
  graph,
  stats,
  onSelectModule,
}: {
  graph: ChatbotGraph;
  stats: ReturnType<typeof useBotStats>;
  onSelectModule(moduleId: string): void;
}) {
  const { t, locale } = useI18n();
  return (
    <section className="bot-stats" aria-label={t('bot.stats')} data-testid="bot-stats">
      <h2>{t('bot.stats')}</h2>
      {stats.loaded && <StatsVersionPicker items={stats.items} versionId={stats.versionId} onPick={stats.pick} />}
      {stats.error && (
        <p role="alert" className="field-error">
          {t('stats.unavailable', { reason: problemText(toProblem(stats.error), t) })}
        </p>
      )}
      {stats.counters && (
        <>
          <p className="field-help">{t('stats.updated', { time: new Date(stats.updatedAt).toLocaleTimeString(locale) })}</p>
          <BotFunnelChart graph={graph} counters={stats.counters} onSelect={onSelectModule} />
        </>
      )}
    </section>
  );
}

/** The selected card's or trigger's counters as labelled SVG bars (entered, waiting, each port, failed), then its §7 rates. */
export function CardChart({
  node,
  catalogue,
  counters,
  metrics,
}: {
  node: NodeInstance;
  catalogue: Catalogue;
  counters: NodeCounters | undefined;
  metrics: NodeMetrics | undefined;
}) {
  const { t, l } = useI18n();
  const c = counters ?? NO_COUNTS;
  const ports = botPortsOf(catalogue, node);
  // Ports the version counted but the draft no longer has still show, under their id.
  const known = new Set(ports.map((p) => p.id));
  const rows = [
    { key: 'entered', label: t('stats.entered'), value: c.entered, kind: 'entered' },
    { key: 'waiting', label: t('stats.waiting'), value: c.waiting, kind: 'waiting' },
    ...ports.map((p) => ({ key: `port:${p.id}`, label: t('stats.port', { port: l(p.label) }), value: c.ports[p.id] ?? 0, kind: 'passed' })),
    ...Object.entries(c.ports)
      .filter(([id]) => !known.has(id))
      .map(([id, n]) => ({ key: `port:${id}`, label: t('stats.port', { port: id }), value: n, kind: 'passed' })),
    { key: 'failed', label: t('stats.failed'), value: c.failed, kind: 'failed' },
  ];
  const max = Math.max(1, ...rows.map((r) => r.value));
  const name = node.label || l((catalogue.get(node.type) ?? { label: { en: node.type, 'zh-Hant': node.type } }).label);
  const rowHeight = 22;
  return (
    <section className="bot-card-chart" data-testid="bot-card-chart">
      <figure className="node-chart">
        <figcaption>{t('stats.chart', { node: name })}</figcaption>
        <svg viewBox={`0 0 300 ${rows.length * rowHeight}`} width="100%" role="img" aria-label={t('stats.chart', { node: name })}>
          {rows.map((r, i) => (
            <g key={r.key} transform={`translate(0 ${i * rowHeight})`}>
              <text x="0" y="15" className="chart-label">
                {r.label}
              </text>
              <rect x="130" y="4" height="14" width={(r.value / max) * 130} className={`chart-bar ${r.kind}`} />
              <text x={136 + (r.value / max) * 130} y="15" className="chart-value">
                {r.value}
              </text>
            </g>
          ))}
        </svg>
        <p className="field-help">
          {t('stats.badge', { entered: c.entered, waiting: c.waiting, passed: passed(c), failed: c.failed })} ({percent(passed(c), c.entered)})
        </p>
      </figure>
      {node.type.startsWith('message.') && <NodeRates metrics={metrics} />}
    </section>
  );
}
