import type { Catalogue } from '@omniflow/nodes';
import type { JourneyGraph } from '@omniflow/schemas';
import { portsOf } from '../editor/graph.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { nodeName } from '../versions/diff-model.ts';
import { funnel, NO_COUNTS, type NodeCounters, passed, percent, type VersionCounters } from './stats-model.ts';
import type { VersionMetrics } from './useVersionStats.ts';

const FUNNEL_STEPS = 12;

/** Entries → each step in walking order → goal, as bars; a step selects its node. */
export function FunnelChart({
  graph,
  counters,
  catalogue,
  onSelect,
}: {
  graph: JourneyGraph;
  counters: VersionCounters;
  catalogue: Catalogue;
  onSelect(nodeId: string): void;
}) {
  const { t, locale } = useI18n();
  const f = funnel(graph, counters);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const width = (n: number) => `${f.entries > 0 ? Math.max(2, Math.min(100, (n / f.entries) * 100)) : 2}%`;
  const shown = f.steps.slice(0, FUNNEL_STEPS);
  return (
    <section className="funnel" aria-label={t('stats.funnel')}>
      <h3>{t('stats.funnel')}</h3>
      <ol>
        <li>
          <span className="funnel-label">
            {t('stats.funnelEntries')}: {f.entries}
          </span>
          <span className="funnel-bar entries" style={{ width: width(f.entries) }} />
        </li>
        {shown.map((step) => {
          const node = byId.get(step.nodeId);
          const name = node ? nodeName(node, catalogue, locale) : step.nodeId;
          return (
            <li key={step.nodeId}>
              <button type="button" className="link funnel-label" onClick={() => onSelect(step.nodeId)}>
                {t('stats.funnelStep', { name, count: step.entered, pct: percent(step.entered, f.entries) })}
              </button>
              <span className="funnel-bar" style={{ width: width(step.entered) }} />
            </li>
          );
        })}
        {f.steps.length > shown.length && <li className="funnel-more">{t('stats.funnelMore', { n: f.steps.length - shown.length })}</li>}
        <li>
          {f.goal === null ? (
            <span className="funnel-label">{t('stats.funnelNoGoal')}</span>
          ) : (
            <>
              <span className="funnel-label">
                {t('stats.funnelGoal')}: {f.goal} ({percent(f.goal, f.entries)})
              </span>
              <span className="funnel-bar goal" style={{ width: width(f.goal) }} />
            </>
          )}
        </li>
      </ol>
    </section>
  );
}

/** One node's counters as labelled SVG bars: entered, waiting, passed per port, failed. */
export function NodeChart({
  graph,
  nodeId,
  counters,
  catalogue,
}: {
  graph: JourneyGraph;
  nodeId: string;
  counters: NodeCounters | undefined;
  catalogue: Catalogue;
}) {
  const { t, l, locale } = useI18n();
  const node = [...graph.triggers, ...graph.nodes].find((n) => n.id === nodeId);
  if (!node) return null;
  const c = counters ?? NO_COUNTS;
  const def = catalogue.get(node.type, node.version) ?? catalogue.get(node.type);
  const ports = portsOf(def, node.config, 'journey');
  const rows: { key: string; label: string; value: number; kind: string }[] = [
    { key: 'entered', label: t('stats.entered'), value: c.entered, kind: 'entered' },
    { key: 'waiting', label: t('stats.waiting'), value: c.waiting, kind: 'waiting' },
    ...ports.map((p) => ({ key: `port:${p.id}`, label: t('stats.port', { port: l(p.label) }), value: c.ports[p.id] ?? 0, kind: 'passed' })),
    { key: 'failed', label: t('stats.failed'), value: c.failed, kind: 'failed' },
  ];
  const max = Math.max(1, ...rows.map((r) => r.value));
  const name = nodeName(node, catalogue, locale);
  const rowHeight = 22;
  return (
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
  );
}

type NodeMetrics = VersionMetrics['nodes'][string];
interface Ratio {
  numerator: number;
  denominator: number;
}

/** The §7 rates of one message node, each with its numerator and denominator (successful sends). */
export function NodeRates({ metrics }: { metrics: NodeMetrics | undefined }) {
  const { t } = useI18n();
  if (!metrics || metrics.sending === 0) return <p className="field-help">{t('rate.none')}</p>;
  const rows: [MessageKey, Ratio | null][] = [
    ['rate.success', metrics.successRate],
    ['rate.open', metrics.openRate],
    ['rate.read', metrics.readRate],
    ['rate.click', metrics.clickRate],
    ['rate.response12', metrics.responseRate.h12],
    ['rate.response24', metrics.responseRate.h24],
    ['rate.response48', metrics.responseRate.h48],
    ['rate.unsubscribe', metrics.unsubscribeRate],
  ];
  return (
    <section className="rates" aria-label={t('stats.rates')}>
      <h3>{t('stats.rates')}</h3>
      <p>{t('rate.sends', { successful: metrics.successful, sending: metrics.sending, failed: metrics.failed })}</p>
      <ul data-testid="node-rates">
        {rows
          .filter((row): row is [MessageKey, Ratio] => row[1] !== null)
          .map(([key, r]) => (
            <li key={key}>{t('stats.rate', { name: t(key), pct: percent(r.numerator, r.denominator), num: r.numerator, den: r.denominator })}</li>
          ))}
        {Object.entries(metrics.failureReasons).map(([reason, n]) => (
          <li key={reason} className="field-error">
            {t('rate.failure', { reason, n })}
          </li>
        ))}
      </ul>
    </section>
  );
}
