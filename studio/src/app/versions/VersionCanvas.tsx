import type { PortSpec } from '@omniflow/nodes';
import type { LocalizedText } from '@omniflow/schemas';
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  type Edge as RfEdge,
  useReactFlow,
} from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { iconFor } from '../editor/icons.ts';
import { useI18n } from '../i18n.tsx';
import { type NodeCounters, passed } from '../stats/stats-model.ts';
import type { EdgeMark, NodeMark } from './diff-model.ts';

// A published version (or a diff of two) drawn read-only: the editor's node look, plus a diff mark
// (colour, icon and words, never colour alone) and the version's counters.

export interface VersionNodeData extends Record<string, unknown> {
  typeLabel: LocalizedText;
  label?: string | undefined;
  icon: string;
  category: string;
  trigger: boolean;
  ports: PortSpec[];
  mark: NodeMark | null;
  counters: NodeCounters | null;
  /** The §7 rates in one line, for message nodes that sent something. */
  rates: string | null;
}

export type VersionNode = Node<VersionNodeData, 'version'>;

export const MARK_ICON: Record<Exclude<NodeMark, 'same'>, string> = { added: '+', removed: '−', changed: '✎' };
const MARK_TEXT = { added: 'diff.added', removed: 'diff.removed', changed: 'diff.changed' } as const;

export const VersionNodeView = memo(function VersionNodeView({ data, selected }: NodeProps<VersionNode>) {
  const { t, l } = useI18n();
  const title = data.label || l(data.typeLabel);
  const mark = data.mark && data.mark !== 'same' ? data.mark : null;
  return (
    <div
      className={`flow-node cat-${data.category}${selected ? ' selected' : ''}${mark ? ` diff-${mark}` : ''}`}
      data-testid="version-node"
      data-mark={mark ?? undefined}
    >
      {!data.trigger && <Handle type="target" position={Position.Left} id="in" isConnectable={false} />}
      {mark && (
        <span className={`diff-mark diff-mark-${mark}`}>
          <span aria-hidden="true">{MARK_ICON[mark]}</span> {t(MARK_TEXT[mark])}
        </span>
      )}
      <div className="flow-node-head">
        <span className="flow-node-icon" aria-hidden="true">
          {iconFor(data.icon, data.category)}
        </span>
        <span className="flow-node-title">{title}</span>
      </div>
      {data.label && <div className="flow-node-type">{l(data.typeLabel)}</div>}
      {data.counters && !data.trigger && <StatsBadge counters={data.counters} />}
      {data.rates && (
        <div className="node-rates" data-testid="node-rates-line">
          {data.rates}
        </div>
      )}
      <div className="flow-node-ports">
        {data.ports.map((port) => (
          <div key={port.id} className={`port role-${port.role}`}>
            <span>
              {l(port.label)}
              {data.counters && !data.trigger && <span className="port-count"> · {data.counters.ports[port.id] ?? 0}</span>}
            </span>
            <Handle type="source" position={Position.Right} id={port.id} isConnectable={false} />
          </div>
        ))}
      </div>
    </div>
  );
});

/** Entered / waiting / passed / failed in one line, and a bar of where the entries went. */
export function StatsBadge({ counters }: { counters: NodeCounters }) {
  const { t } = useI18n();
  const through = passed(counters);
  const label = t('stats.badge', { entered: counters.entered, waiting: counters.waiting, passed: through, failed: counters.failed });
  const whole = Math.max(counters.entered, through + counters.waiting + counters.failed, 1);
  const w = (n: number) => (n / whole) * 100;
  return (
    <div className="node-stats" role="img" aria-label={label} title={label} data-testid="node-stats">
      <span className="stat entered">
        <span aria-hidden="true">→</span>
        {counters.entered}
      </span>
      <span className="stat waiting">
        <span aria-hidden="true">⏸</span>
        {counters.waiting}
      </span>
      <span className="stat passed">
        <span aria-hidden="true">✓</span>
        {through}
      </span>
      <span className="stat failed">
        <span aria-hidden="true">✕</span>
        {counters.failed}
      </span>
      <svg className="stat-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
        <rect x="0" y="0" width={w(through)} height="4" className="bar-passed" />
        <rect x={w(through)} y="0" width={w(counters.waiting)} height="4" className="bar-waiting" />
        <rect x={w(through + counters.waiting)} y="0" width={w(counters.failed)} height="4" className="bar-failed" />
      </svg>
    </div>
  );
}

const NODE_TYPES = { version: VersionNodeView };

export interface VersionCanvasProps {
  nodes: VersionNode[];
  edges: { key: string; source: string; sourcePort: string; target: string; mark: EdgeMark }[];
  selectedId: string | null;
  /** Centre the canvas on this node (changes each time the person asks). */
  focus: { id: string; seq: number } | null;
  onSelect(id: string | null): void;
}

export function VersionCanvas(props: VersionCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({ nodes, edges, selectedId, focus, onSelect }: VersionCanvasProps) {
  const flowApi = useReactFlow();
  const rfNodes = nodes.map((n) => (n.id === selectedId ? { ...n, selected: true } : n));
  const rfEdges: RfEdge[] = edges.map((e) => ({
    id: e.key,
    source: e.source,
    sourceHandle: e.sourcePort,
    target: e.target,
    targetHandle: 'in',
    className: e.mark === 'same' ? undefined : `diff-edge-${e.mark}`,
    ...(e.mark === 'same' ? {} : { label: e.mark === 'added' ? '+' : '−', ariaLabel: e.mark }),
  }));
  // Centre only when asked again, not when the counters refresh (the nodes change then too).
  const latestNodes = useRef(nodes);
  latestNodes.current = nodes;
  useEffect(() => {
    if (!focus) return;
    const node = latestNodes.current.find((n) => n.id === focus.id);
    if (node) void flowApi.setCenter(node.position.x + 100, node.position.y + 40, { zoom: 1, duration: 200 });
  }, [focus, flowApi]);
  return (
    <ReactFlow
      nodes={rfNodes}
      edges={rfEdges}
      nodeTypes={NODE_TYPES}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      onNodeClick={(_, node) => onSelect(node.id)}
      // Keyboard selection (Tab to a node, Enter) arrives as a select change, not a click.
      onNodesChange={(changes) => {
        for (const c of changes) if (c.type === 'select' && c.selected) onSelect(c.id);
      }}
      onPaneClick={() => onSelect(null)}
      deleteKeyCode={null}
      fitView
      onlyRenderVisibleElements
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <MiniMap pannable zoomable nodeClassName={(n) => ((n.data as VersionNodeData).mark ? `minimap-${(n.data as VersionNodeData).mark}` : '')} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
