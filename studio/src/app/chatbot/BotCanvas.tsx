import type { Catalogue } from '@omniflow/nodes';
import type { ChatbotGraph, LocalizedText, ValidationIssue } from '@omniflow/schemas';
import {
  Background,
  Controls,
  type EdgeChange,
  Handle,
  MiniMap,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  type Edge as RfEdge,
} from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useMemo } from 'react';
import { iconFor } from '../editor/icons.ts';
import { useI18n } from '../i18n.tsx';
import { NO_COUNTS, type NodeCounters, type VersionCounters } from '../stats/stats-model.ts';
import { StatsBadge } from '../versions/VersionCanvas.tsx';
import { botPortsOf, findCard, setModulePosition, setTarget } from './bot-graph.ts';
import { moduleEntered } from './ChatbotStats.tsx';

// The bot as a flowchart (§2.1 graph mapping): a node per module with its cards as rows, a handle per
// output port of each card (buttons, quick-reply options, branches), and one per trigger. Dragging from
// a handle to a module sets where that port leads; moving a module stores its position.

interface Row {
  id: string;
  title: string;
  icon: string;
  ports: { id: string; label: LocalizedText }[];
  errors: number;
  lit: boolean;
  /** A published version's counters for this card or trigger, in statistics mode. */
  stats: NodeCounters | null;
}

interface ModuleData extends Record<string, unknown> {
  name: string;
  entry: boolean;
  trigger: boolean;
  lit: boolean;
  rows: Row[];
  /** Runs that entered the module, in statistics mode. */
  entered: number | null;
}

type ModuleNode = Node<ModuleData, 'module'>;

/** Row clicks reach the editor without putting callbacks into node data (which would re-render every node). */
const SelectContext = createContext<(id: string) => void>(() => {});

/** Handle ids join the card and its port: one module node carries the ports of all its cards. */
const HANDLE_SEP = '|';

const ModuleView = memo(function ModuleView({ id, data, selected }: NodeProps<ModuleNode>) {
  const { l, t } = useI18n();
  const select = useContext(SelectContext);
  return (
    <div
      className={`bot-flow-module${selected ? ' selected' : ''}${data.lit ? ' sim-lit' : ''}${data.trigger ? ' trigger' : ''}`}
      data-testid="bot-flow-module"
    >
      {!data.trigger && <Handle type="target" position={Position.Left} id="in" />}
      <button type="button" className="bot-flow-head link" onClick={() => select(id)}>
        {data.entry && <span title={t('bot.entry')}>▶ </span>}
        {data.trigger && '⚡ '}
        {data.name}
      </button>
      {data.entered !== null && <span className="bot-module-entered">{t('bot.moduleEntered', { n: data.entered })}</span>}
      {data.rows.map((row) => (
        <div key={row.id} className={`bot-flow-row${row.lit ? ' sim-lit' : ''}${row.errors ? ' has-error' : ''}`}>
          {!data.trigger && (
            <button type="button" className="link" onClick={() => select(row.id)}>
              <span aria-hidden="true">{row.icon}</span> {row.title}
            </button>
          )}
          {row.stats && <StatsBadge counters={row.stats} />}
          {row.ports.map((p) => (
            <div key={p.id} className="bot-flow-port">
              <span>
                {l(p.label)}
                {row.stats && <span className="port-count"> · {row.stats.ports[p.id] ?? 0}</span>}
              </span>
              <Handle type="source" position={Position.Right} id={`${row.id}${HANDLE_SEP}${p.id}`} data-testid={`port-${row.id}-${p.id}`} />
            </div>
          ))}
        </div>
      ))}
    </div>
  );
});

const NODE_TYPES = { module: ModuleView };

export function BotCanvas({
  graph,
  catalogue,
  issuesOf,
  lit,
  selectedModuleId,
  counters = null,
  onChange,
  onSelect,
}: {
  graph: ChatbotGraph;
  catalogue: Catalogue;
  issuesOf: ReadonlyMap<string, ValidationIssue[]>;
  lit: ReadonlySet<string>;
  selectedModuleId: string | undefined;
  /** A published version's counters (statistics mode), or null. */
  counters?: VersionCounters | null;
  onChange(next: ChatbotGraph, key?: string): void;
  onSelect(id: string): void;
}) {
  const { l } = useI18n();
  const nodes: ModuleNode[] = useMemo(() => {
    const out: ModuleNode[] = graph.triggers.map((tr, i) => {
      const def = catalogue.get(tr.type);
      return {
        id: tr.id,
        type: 'module',
        position: tr.position ?? { x: -320, y: i * 110 },
        draggable: false,
        data: {
          name: tr.label || (def ? l(def.label) : tr.type),
          entry: false,
          trigger: true,
          lit: lit.has(tr.id),
          rows: [
            {
              id: tr.id,
              title: '',
              icon: '',
              ports: botPortsOf(catalogue, tr),
              errors: issuesOf.get(tr.id)?.length ?? 0,
              lit: false,
              stats: counters ? (counters[tr.id] ?? NO_COUNTS) : null,
            },
          ],
          entered: null,
        },
      };
    });
    graph.modules.forEach((m, i) => {
      out.push({
        id: m.id,
        type: 'module',
        position: m.position ?? { x: (i % 4) * 300, y: Math.floor(i / 4) * 260 },
        selected: m.id === selectedModuleId,
        data: {
          name: m.name,
          entry: m.id === graph.entryModuleId,
          trigger: false,
          lit: lit.has(m.id),
          entered: counters ? moduleEntered(m, counters) : null,
          rows: m.cards.map((c) => {
            const def = catalogue.get(c.type, c.version) ?? catalogue.get(c.type);
            return {
              id: c.id,
              title: c.label || (def ? l(def.label) : c.type),
              icon: iconFor(def?.icon ?? '', def?.category ?? ''),
              ports: botPortsOf(catalogue, c),
              errors: issuesOf.get(c.id)?.filter((x) => x.severity === 'error').length ?? 0,
              lit: lit.has(c.id),
              stats: counters ? (counters[c.id] ?? NO_COUNTS) : null,
            };
          }),
        },
      });
    });
    return out;
  }, [graph, catalogue, issuesOf, lit, selectedModuleId, counters, l]);

  const edges: RfEdge[] = useMemo(
    () =>
      graph.edges.flatMap((e) => {
        const owner = findCard(graph, e.source)?.module.id ?? (graph.triggers.some((t) => t.id === e.source) ? e.source : undefined);
        if (!owner) return [];
        return [
          {
            id: e.id,
            source: owner,
            sourceHandle: `${e.source}${HANDLE_SEP}${e.sourcePort}`,
            target: e.target,
            targetHandle: 'in',
            animated: lit.has(e.source),
          },
        ];
      }),
    [graph, lit],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<ModuleNode>[]) => {
      let next = graph;
      for (const c of changes) if (c.type === 'position' && c.position) next = setModulePosition(next, c.id, c.position);
      if (next !== graph) onChange(next, 'module-drag');
    },
    [graph, onChange],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const gone = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
      if (gone.size) onChange({ ...graph, edges: graph.edges.filter((e) => !gone.has(e.id)) });
    },
    [graph, onChange],
  );
  const parseHandle = (handle: string | null | undefined) => {
    const at = handle?.indexOf(HANDLE_SEP) ?? -1;
    return handle && at > 0 ? { source: handle.slice(0, at), port: handle.slice(at + 1) } : undefined;
  };

  return (
    <SelectContext.Provider value={onSelect}>
      <div className="bot-flow" data-testid="bot-canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          // A port leads to a module (never to a trigger); one target per port.
          isValidConnection={(c) => Boolean(parseHandle(c.sourceHandle)) && graph.modules.some((m) => m.id === c.target)}
          onConnect={(c) => {
            const h = parseHandle(c.sourceHandle);
            if (h) onChange(setTarget(graph, h.source, h.port, c.target));
          }}
          deleteKeyCode={['Backspace', 'Delete']}
          fitView
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <MiniMap pannable zoomable />
          <Controls />
        </ReactFlow>
      </div>
    </SelectContext.Provider>
  );
}
