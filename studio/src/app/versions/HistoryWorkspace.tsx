import type { Catalogue } from '@omniflow/nodes';
import type { FlowGraph, JourneyGraph } from '@omniflow/schemas';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Dialog } from '../editor/Dialog.tsx';
import { portsOf } from '../editor/graph.ts';
import { useI18n } from '../i18n.tsx';
import { FunnelChart, NodeChart, NodeRates } from '../stats/StatsPanel.tsx';
import { percent, type VersionCounters } from '../stats/stats-model.ts';
import { useVersionMetrics, useVersionStats, type VersionMetrics } from '../stats/useVersionStats.ts';

type VersionMetricsNodes = VersionMetrics['nodes'];

import { type ApiClient, type ApiProblem, type FlowDetail, type RouterOutputs, toProblem } from '../trpc.ts';
import { type DiffCanvas, describeFlowChanges, describeNodeChanges, diffCanvas, nodeName } from './diff-model.ts';
import { lifecycleProblemText, statusText } from './lifecycle-text.ts';
import { canPublish } from './permissions.ts';
import { MARK_ICON, VersionCanvas, type VersionNode } from './VersionCanvas.tsx';
import './versions.css';

// The editor's history and statistics mode: the version list, a published version drawn read-only
// with its counters, the visual diff of any two versions (or a version and the draft), rollback
// and the lifecycle actions.

type VersionItem = RouterOutputs['versions']['list']['items'][number];
type View = { kind: 'version'; number: number } | { kind: 'diff'; from: number; to: number | 'draft' };
type Policy = 'keep' | 'move_at_next_wait' | 'cancel';

export interface HistoryWorkspaceProps {
  client: ApiClient;
  flow: FlowDetail;
  catalogue: Catalogue;
  onClose(): void;
}

/** Message nodes have the §7 rates. */
function isMessageNode(graph: JourneyGraph, id: string, catalogue: Catalogue): boolean {
  const node = graph.nodes.find((n) => n.id === id);
  return !!node && (catalogue.get(node.type, node.version) ?? catalogue.get(node.type))?.category === 'message';
}

const asJourney = (graph: FlowGraph | undefined): JourneyGraph | undefined => (graph?.kind === 'journey' ? graph : undefined);

export function HistoryWorkspace({ client, flow: initialFlow, catalogue, onClose }: HistoryWorkspaceProps) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const flowId = initialFlow.id;
  const me = useQuery({ queryKey: ['me'], queryFn: () => client.auth.me.query() });
  // The flow as the server has it now: status, live version and the saved draft (for "draft" diffs).
  const flowQuery = useQuery({ queryKey: ['flow-history', flowId], queryFn: () => client.flows.get.query({ id: flowId }), initialData: initialFlow });
  const flow = flowQuery.data;
  const versions = useInfiniteQuery({
    queryKey: ['versions', flowId],
    queryFn: ({ pageParam }) => client.versions.list.query({ flowId, limit: 20, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: 0,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });
  const items: VersionItem[] = useMemo(() => versions.data?.pages.flatMap((p) => p.items) ?? [], [versions.data]);
  const live = items.find((v) => v.isCurrent) ?? null;
  const latest = items[0] ?? null;

  const [picked, setPicked] = useState<View | null>(null);
  const view: View | null = picked ?? (live ? { kind: 'version', number: live.number } : latest ? { kind: 'version', number: latest.number } : null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const [showStats, setShowStats] = useState(true);
  const [rollbackOf, setRollbackOf] = useState<VersionItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const shownNumber = view?.kind === 'version' ? view.number : null;
  const versionQuery = useQuery({
    queryKey: ['version', flowId, shownNumber],
    queryFn: () => client.versions.get.query({ flowId, number: shownNumber ?? 1 }),
    enabled: shownNumber !== null,
    staleTime: Number.POSITIVE_INFINITY, // versions never change
  });
  const diffFrom = view?.kind === 'diff' ? view.from : null;
  const diffTo = view?.kind === 'diff' ? view.to : null;
  const diffQuery = useQuery({
    queryKey: ['diff', flowId, diffFrom, diffTo],
    queryFn: async () => {
      const from = diffFrom ?? 1;
      const to = diffTo ?? 'draft';
      const [diff, before, after] = await Promise.all([
        client.versions.diff.query({ flowId, from, to }),
        client.versions.get.query({ flowId, number: from }),
        to === 'draft'
          ? client.flows.get.query({ id: flowId }).then((f) => f.draftGraph)
          : client.versions.get.query({ flowId, number: to }).then((v) => v.graph),
      ]);
      return { diff: diff.diff, before: asJourney(before.graph), after: asJourney(after) };
    },
    enabled: view?.kind === 'diff',
    staleTime: diffTo === 'draft' ? 0 : Number.POSITIVE_INFINITY,
  });

  const versionId = view?.kind === 'version' ? (versionQuery.data?.id ?? null) : null;
  const stats = useVersionStats(client, flowId, versionId, showStats);
  const metrics = useVersionMetrics(client, flowId, versionId, showStats);
  const counters: VersionCounters | null = showStats && view?.kind === 'version' ? (stats.data ?? null) : null;
  const rates = showStats && view?.kind === 'version' ? (metrics.data?.nodes ?? null) : null;
  const ratesLine = useCallback(
    (m: VersionMetricsNodes[string] | undefined) =>
      m && m.sending > 0
        ? t('rate.onNode', { successful: m.successful, sending: m.sending, click: percent(m.clickRate.numerator, m.clickRate.denominator) })
        : null,
    [t],
  );

  const shownGraph = view?.kind === 'version' ? asJourney(versionQuery.data?.graph) : undefined;
  const diff: DiffCanvas | null = useMemo(() => {
    const d = diffQuery.data;
    return d?.before && d.after ? diffCanvas(d.before, d.after, d.diff) : null;
  }, [diffQuery.data]);

  const canvasNodes: VersionNode[] = useMemo(() => {
    const items = diff
      ? diff.nodes
      : shownGraph
        ? [...shownGraph.triggers, ...shownGraph.nodes].map((node, i) => ({ node, trigger: i < shownGraph.triggers.length, mark: 'same' as const }))
        : [];
    return items.map(({ node, trigger, mark }) => {
      const def = catalogue.get(node.type, node.version) ?? catalogue.get(node.type);
      return {
        id: node.id,
        type: 'version',
        position: node.position ?? { x: 0, y: 0 },
        initialWidth: 200,
        initialHeight: 60,
        data: {
          typeLabel: def?.label ?? { en: node.type, 'zh-Hant': node.type },
          label: node.label,
          icon: def?.icon ?? '',
          category: def?.category ?? 'unknown',
          trigger,
          ports: portsOf(def, node.config, 'journey'),
          mark: diff ? mark : null,
          counters: counters ? (counters[node.id] ?? { entered: 0, waiting: 0, failed: 0, ports: {} }) : null,
          rates: ratesLine(rates?.[node.id]),
        },
      };
    });
  }, [diff, shownGraph, counters, rates, catalogue, ratesLine]);
  const canvasEdges = useMemo(
    () =>
      diff
        ? diff.edges.map((e) => ({ key: e.key, source: e.edge.source, sourcePort: e.edge.sourcePort, target: e.edge.target, mark: e.mark }))
        : (shownGraph?.edges ?? []).map((e) => ({ key: e.id, source: e.source, sourcePort: e.sourcePort, target: e.target, mark: 'same' as const })),
    [diff, shownGraph],
  );

  const mayPublish = canPublish(me.data, flow.kind);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['versions', flowId] });
    void queryClient.invalidateQueries({ queryKey: ['flow-history', flowId] });
  };
  const select = (id: string) => {
    setSelectedId(id);
    setFocus((f) => ({ id, seq: (f?.seq ?? 0) + 1 }));
  };
  const show = (next: View) => {
    setPicked(next);
    setSelectedId(null);
    setNotice(null);
  };

  const graphForNames = diff ? (diffQuery.data?.after ?? diffQuery.data?.before) : shownGraph;
  const nameOf = (id: string) => {
    const node =
      diff?.nodes.find((n) => n.node.id === id)?.node ?? [...(graphForNames?.triggers ?? []), ...(graphForNames?.nodes ?? [])].find((n) => n.id === id);
    return node ? nodeName(node, catalogue, locale) : id;
  };

  return (
    <div className="editor-body history-body">
      <main className="canvas" data-testid="history-canvas" aria-label={t('history.title')}>
        {view?.kind === 'version' && (
          <p className="canvas-caption" role="status">
            {t('history.readOnly', { n: view.number })}
          </p>
        )}
        {view?.kind === 'diff' && diff && <DiffLegend diff={diff} />}
        {(shownGraph || diff) && <VersionCanvas nodes={canvasNodes} edges={canvasEdges} selectedId={selectedId} focus={focus} onSelect={setSelectedId} />}
      </main>
      <aside className="side-panel history-panel" aria-label={t('history.title')}>
        <button type="button" onClick={onClose}>
          ← {t('history.backToDraft')}
        </button>
        {notice && (
          <p role="status" className="notice">
            {notice}
          </p>
        )}
        <LifecycleActions
          client={client}
          flowId={flowId}
          status={flow.status}
          allowed={mayPublish}
          onDone={(status) => {
            setNotice(t('lifecycle.done', { status: statusText(status, t) }));
            refresh();
          }}
        />

        {view?.kind === 'diff' && diff && diffQuery.data && (
          <DiffDetails
            view={view}
            diff={diff}
            flowChanges={describeFlowChanges(diffQuery.data.diff.flow, t, locale)}
            describe={(id) => {
              const node = diff.nodes.find((n) => n.node.id === id)?.node;
              const def = node ? (catalogue.get(node.type, node.version) ?? catalogue.get(node.type)) : undefined;
              return describeNodeChanges(diff.changes.get(id) ?? [], def, t, locale);
            }}
            nameOf={nameOf}
            onSelect={select}
          />
        )}
        {view?.kind === 'diff' && diffQuery.isError && (
          <p role="alert" className="field-error">
            {lifecycleProblemText(toProblem(diffQuery.error), t)}
          </p>
        )}

        {view?.kind === 'version' && shownGraph && (
          <section className="stats-panel" aria-label={t('stats.title', { n: view.number })}>
            <h2>{t('stats.title', { n: view.number })}</h2>
            <label className="check">
              <input type="checkbox" checked={showStats} onChange={(e) => setShowStats(e.target.checked)} />
              {t('stats.show')}
            </label>
            {showStats && stats.isError && (
              <p role="alert" className="field-error">
                {t('stats.unavailable', { reason: lifecycleProblemText(toProblem(stats.error), t) })}
              </p>
            )}
            {showStats && counters && (
              <>
                <p className="field-help">{t('stats.updated', { time: new Date(stats.dataUpdatedAt).toLocaleTimeString(locale) })}</p>
                {selectedId ? (
                  <>
                    <NodeChart graph={shownGraph} nodeId={selectedId} counters={counters[selectedId]} catalogue={catalogue} />
                    {isMessageNode(shownGraph, selectedId, catalogue) && <NodeRates metrics={metrics.data?.nodes[selectedId]} />}
                  </>
                ) : (
                  <p className="field-help">{t('stats.selectNode')}</p>
                )}
                <FunnelChart graph={shownGraph} counters={counters} catalogue={catalogue} onSelect={select} />
                {metrics.isError && <p className="field-help">{t('stats.noRates')}</p>}
              </>
            )}
          </section>
        )}
        {!live && !latest && versions.isSuccess && <p>{t('stats.noVersion')}</p>}

        <CompareForm
          items={items}
          initial={view?.kind === 'diff' ? view : null}
          liveNumber={live?.number ?? latest?.number ?? null}
          onCompare={(from, to) => show({ kind: 'diff', from, to })}
        />

        <section className="version-list" aria-label={t('history.title')}>
          <h2>{t('history.title')}</h2>
          {versions.isSuccess && items.length === 0 && <p>{t('history.empty')}</p>}
          <ol>
            {items.map((v) => (
              <li
                key={v.id}
                className={`version-item${view?.kind === 'version' && view.number === v.number ? ' shown' : ''}`}
                data-testid={`version-${v.number}`}
              >
                <div className="version-head">
                  <strong>{t('history.version', { n: v.number })}</strong>
                  <span className={`badge ${v.isCurrent ? 'live' : 'earlier'}`}>{v.isCurrent ? t('history.live') : t('history.earlier')}</span>
                </div>
                <div className="version-meta">
                  {t('history.by', { who: v.publishedBy.name })} · <time dateTime={v.publishedAt}>{new Date(v.publishedAt).toLocaleString(locale)}</time>
                </div>
                <div className="version-notes">{v.notes || t('history.noNotes')}</div>
                <div className="version-meta" title={v.checksum}>
                  {t('history.checksum', { sum: v.checksum.slice(0, 8) })}
                </div>
                <div className="version-actions">
                  <button type="button" aria-label={t('history.viewVersion', { n: v.number })} onClick={() => show({ kind: 'version', number: v.number })}>
                    {t('history.view')}
                  </button>
                  {!v.isCurrent && (
                    <button
                      type="button"
                      aria-label={t('history.rollbackTo', { n: v.number })}
                      disabled={!mayPublish}
                      title={mayPublish ? undefined : t('rollback.notAllowed')}
                      onClick={() => setRollbackOf(v)}
                    >
                      {t('history.rollback')}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ol>
          {!mayPublish && me.isSuccess && <p className="field-help">{t('rollback.notAllowed')}</p>}
          {versions.hasNextPage && (
            <button type="button" onClick={() => void versions.fetchNextPage()}>
              {t('history.more')}
            </button>
          )}
        </section>
      </aside>
      {rollbackOf && (
        <RollbackDialog
          client={client}
          flowId={flowId}
          version={rollbackOf}
          onClose={() => setRollbackOf(null)}
          onDone={(newNumber) => {
            show({ kind: 'version', number: newNumber });
            setNotice(t('rollback.done', { n: rollbackOf.number, m: newNumber }));
            setRollbackOf(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}

function DiffLegend({ diff }: { diff: DiffCanvas }) {
  const { t } = useI18n();
  return (
    <p className="diff-legend" data-testid="diff-legend">
      <strong>{t('diff.legend')}:</strong>
      <span className="diff-mark diff-mark-added">
        <span aria-hidden="true">{MARK_ICON.added}</span> {t('diff.added')} ({diff.counts.added})
      </span>
      <span className="diff-mark diff-mark-removed">
        <span aria-hidden="true">{MARK_ICON.removed}</span> {t('diff.removed')} ({diff.counts.removed})
      </span>
      <span className="diff-mark diff-mark-changed">
        <span aria-hidden="true">{MARK_ICON.changed}</span> {t('diff.changed')} ({diff.counts.changed})
      </span>
      <span className="legend-edge added">{t('diff.edgesAdded', { n: diff.counts.edgesAdded })}</span>
      <span className="legend-edge removed">{t('diff.edgesRemoved', { n: diff.counts.edgesRemoved })}</span>
    </p>
  );
}

function DiffDetails({
  view,
  diff,
  flowChanges,
  describe,
  nameOf,
  onSelect,
}: {
  view: { from: number; to: number | 'draft' };
  diff: DiffCanvas;
  flowChanges: string[];
  describe(id: string): string[];
  nameOf(id: string): string;
  onSelect(id: string): void;
}) {
  const { t } = useI18n();
  const marked = diff.nodes.filter((n) => n.mark !== 'same');
  const to = view.to === 'draft' ? t('compare.draft') : t('history.version', { n: view.to });
  const heading = t('compare.heading', { from: t('history.version', { n: view.from }), to });
  return (
    <section className="diff-details" aria-label={heading}>
      <h2>{heading}</h2>
      {marked.length === 0 && flowChanges.length === 0 && diff.counts.edgesAdded + diff.counts.edgesRemoved === 0 && <p>{t('compare.identical')}</p>}
      <ul className="diff-list">
        {marked.map(({ node, mark }) => (
          <li key={`${mark}:${node.id}`} className={`diff-${mark}`} data-testid={`diff-${node.id}`}>
            <button type="button" className="link" onClick={() => onSelect(node.id)}>
              <span className={`diff-mark diff-mark-${mark}`}>
                <span aria-hidden="true">{MARK_ICON[mark as 'added' | 'removed' | 'changed']}</span>{' '}
                {t(mark === 'added' ? 'diff.added' : mark === 'removed' ? 'diff.removed' : 'diff.changed')}
              </span>{' '}
              {nameOf(node.id)}
            </button>
            {mark === 'changed' && (
              <ul>
                {describe(node.id).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {(diff.counts.edgesAdded > 0 || diff.counts.edgesRemoved > 0) && (
        <p>
          {t('diff.edgesAdded', { n: diff.counts.edgesAdded })} · {t('diff.edgesRemoved', { n: diff.counts.edgesRemoved })}
        </p>
      )}
      {flowChanges.length > 0 && (
        <>
          <h3>{t('diff.flowSettings')}</h3>
          <ul>
            {flowChanges.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function CompareForm({
  items,
  initial,
  liveNumber,
  onCompare,
}: {
  items: VersionItem[];
  initial: { from: number; to: number | 'draft' } | null;
  liveNumber: number | null;
  onCompare(from: number, to: number | 'draft'): void;
}) {
  const { t } = useI18n();
  const [from, setFrom] = useState<string>(initial ? String(initial.from) : '');
  const [to, setTo] = useState<string>(initial ? String(initial.to) : 'draft');
  if (items.length === 0) return null;
  const fromValue = from || String(liveNumber ?? items[0]?.number ?? '');
  const same = fromValue === to;
  return (
    <form
      className="compare-form"
      aria-label={t('compare.title')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!same) onCompare(Number(fromValue), to === 'draft' ? 'draft' : Number(to));
      }}
    >
      <h2>{t('compare.title')}</h2>
      <label>
        {t('compare.from')}{' '}
        <select value={fromValue} onChange={(e) => setFrom(e.target.value)}>
          {items.map((v) => (
            <option key={v.id} value={v.number}>
              {t('history.version', { n: v.number })}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        {t('compare.to')}{' '}
        <select value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="draft">{t('compare.draft')}</option>
          {items.map((v) => (
            <option key={v.id} value={v.number}>
              {t('history.version', { n: v.number })}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" disabled={same}>
        {t('compare.show')}
      </button>
      {same && <p className="field-help">{t('compare.samePick')}</p>}
    </form>
  );
}

function LifecycleActions({
  client,
  flowId,
  status,
  allowed,
  onDone,
}: {
  client: ApiClient;
  flowId: string;
  status: string;
  allowed: boolean;
  onDone(status: string): void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const run = async (action: 'pause' | 'resume' | 'end') => {
    if (action === 'end' && !window.confirm(t('lifecycle.confirmEnd'))) return;
    setBusy(true);
    setProblem(null);
    try {
      const result = await client.lifecycle[action].mutate({ flowId });
      onDone(result.status);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };
  // Every action is offered whenever the role allows it: the api's transition rules decide, and a
  // refusal is shown as a sentence naming why.
  return (
    <section className="lifecycle" aria-label={t('lifecycle.title')}>
      <p data-testid="flow-status">{t('history.status', { status: statusText(status, t) })}</p>
      <div className="version-actions">
        {(['pause', 'resume', 'end'] as const).map((action) => (
          <button key={action} type="button" disabled={busy || !allowed} onClick={() => void run(action)}>
            {t(`lifecycle.${action}`)}
          </button>
        ))}
      </div>
      {problem && (
        <p role="alert" className="field-error">
          {lifecycleProblemText(problem, t)}
        </p>
      )}
    </section>
  );
}

function RollbackDialog({
  client,
  flowId,
  version,
  onClose,
  onDone,
}: {
  client: ApiClient;
  flowId: string;
  version: VersionItem;
  onClose(): void;
  onDone(newNumber: number): void;
}) {
  const { t } = useI18n();
  const [notes, setNotes] = useState('');
  const [policy, setPolicy] = useState<Policy>('keep');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await client.versions.rollback.mutate({
        flowId,
        versionNumber: version.number,
        inFlightPolicy: policy,
        ...(notes.trim() ? { notes } : {}),
      });
      onDone(result.version.number);
    } catch (error) {
      setProblem(toProblem(error));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('rollback.title', { n: version.number })} onClose={onClose}>
      <p>{t('rollback.body', { n: version.number })}</p>
      <div className="field">
        <label htmlFor="rollback-notes">{t('rollback.notes')}</label>
        <textarea id="rollback-notes" rows={2} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>{t('publish.inFlight')}</legend>
        {(
          [
            ['keep', t('publish.keep')],
            ['move_at_next_wait', t('publish.move')],
            ['cancel', t('publish.cancel')],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input type="radio" name="rollback-in-flight" value={value} checked={policy === value} onChange={() => setPolicy(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {problem && (
        <p role="alert" className="field-error">
          {lifecycleProblemText(problem, t)}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
          {t('rollback.confirm', { n: version.number })}
        </button>
      </div>
    </Dialog>
  );
}
