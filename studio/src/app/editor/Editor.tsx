import { builtinCatalogue, type Catalogue, validateGraph } from '@omniflow/nodes';
import type { JourneyGraph, ValidationIssue, WebChatStep } from '@omniflow/schemas';
import {
  Background,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  type Edge as RfEdge,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ChatbotEditor } from '../chatbot/ChatbotEditor.tsx';
import { useI18n } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { SimulatorPanel } from '../simulator/SimulatorPanel.tsx';
import { litIds } from '../simulator/session.ts';
import type { ApiClient, FlowDetail } from '../trpc.ts';
import { HistoryWorkspace } from '../versions/HistoryWorkspace.tsx';
import { CardPreview } from './CardPreview.tsx';
import { ConfigForm } from './ConfigForm.tsx';
import { ConflictDialog } from './ConflictDialog.tsx';
import { type CanvasNodeCache, canvasNodes, onlyPositionsChanged } from './canvas-nodes.ts';
import { addNode, connect, connectionProblem, findNode, removeEdges, removeNodes, setPositions, updateConfig, updateLabel } from './graph.ts';
import { autoLayout } from './layout.ts';
import { type FlowNode, NodeView } from './NodeView.tsx';
import { PALETTE_MIME, Palette } from './Palette.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import { useDraft } from './useDraft.ts';

const NODE_TYPES = { omniflow: NodeView };
const defaultCatalogue = builtinCatalogue();
const NOT_VALIDATED_YET: { issues: ValidationIssue[] } = { issues: [] };

export interface EditorProps {
  client: ApiClient;
  flow: FlowDetail;
  catalogue?: Catalogue;
  onBack(): void;
}

export function Editor(props: EditorProps) {
  if (props.flow.draftGraph.kind !== 'journey') return <ChatbotEditor {...props} graph={props.flow.draftGraph} />;
  return (
    <ReactFlowProvider>
      <JourneyEditor {...props} graph={props.flow.draftGraph} />
    </ReactFlowProvider>
  );
}

function JourneyEditor({ client, flow, catalogue = defaultCatalogue, onBack, graph: initial }: EditorProps & { graph: JourneyGraph }) {
  const { t, l } = useI18n();
  const draft = useDraft(client, flow.id, initial, flow.draftRevision);
  const { graph } = draft;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [history, setHistory] = useState(false);
  /** The simulator's steps so far, lit on the canvas; null while the simulator is closed. */
  const [simSteps, setSimSteps] = useState<readonly WebChatStep[] | null>(null);
  const flowApi = useReactFlow();
  const dragStep = useRef(0);

  // Validation (a few hundred ms at 1,000 nodes) follows the graph as a deferred value: the canvas
  // paints first on open and keystrokes render before the markers catch up. Dragging changes only
  // positions, every frame: the last validation still holds then.
  const validatedGraph = useDeferredValue<JourneyGraph | null>(graph, null);
  const lastValidation = useRef<{ graph: JourneyGraph; catalogue: Catalogue; result: { issues: ValidationIssue[] } } | null>(null);
  const validation = useMemo(() => {
    if (!validatedGraph) return NOT_VALIDATED_YET;
    const last = lastValidation.current;
    if (last && last.catalogue === catalogue && onlyPositionsChanged(last.graph, validatedGraph)) return last.result;
    const result = validateGraph(validatedGraph, { catalogue });
    lastValidation.current = { graph: validatedGraph, catalogue, result };
    return result;
  }, [validatedGraph, catalogue]);
  const issuesByNode = useMemo(() => {
    const map = new Map<string, ValidationIssue[]>();
    for (const issue of validation.issues) if (issue.nodeId) map.set(issue.nodeId, [...(map.get(issue.nodeId) ?? []), issue]);
    return map;
  }, [validation]);

  const nodeCache = useRef<CanvasNodeCache>(new Map());
  const nodes: FlowNode[] = useMemo(
    () => canvasNodes(graph, catalogue, issuesByNode, selectedId, nodeCache.current),
    [graph, catalogue, issuesByNode, selectedId],
  );
  const shownNodes = useMemo(() => {
    if (!simSteps?.length) return nodes;
    const lit = litIds(simSteps);
    return nodes.map((n) => (lit.has(n.id) ? { ...n, className: 'sim-lit' } : n));
  }, [nodes, simSteps]);
  const edges: RfEdge[] = useMemo(
    () => graph.edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.sourcePort, target: e.target, targetHandle: 'in' })),
    [graph.edges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      let next = graph;
      const removed: string[] = [];
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          next = setPositions(next, new Map([[c.id, c.position]]));
        } else if (c.type === 'select') {
          if (c.selected) setSelectedId(c.id);
          else setSelectedId((s) => (s === c.id ? null : s));
        } else if (c.type === 'remove') removed.push(c.id);
      }
      if (removed.length) next = removeNodes(next, removed);
      if (next !== graph) draft.change(next, removed.length ? undefined : `drag-${dragStep.current}`);
    },
    [graph, draft],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id);
      if (removed.length) draft.change(removeEdges(graph, removed));
    },
    [graph, draft],
  );

  const isValidConnection = useCallback(
    (c: { source: string; target: string; sourceHandle?: string | null }) =>
      connectionProblem(graph, catalogue, { source: c.source, target: c.target, sourcePort: c.sourceHandle ?? '' }) === null,
    [graph, catalogue],
  );

  const place = useCallback(
    (type: string, position: { x: number; y: number }) => {
      const def = catalogue.get(type);
      if (!def) return;
      const added = addNode(graph, def, position);
      draft.change(added.graph);
      setSelectedId(added.id);
    },
    [graph, catalogue, draft],
  );

  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(PALETTE_MIME);
    if (!type) return;
    e.preventDefault();
    place(type, flowApi.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  // Leaving with unsaved changes asks first (the browser shows its own wording).
  const unsaved = draft.state !== 'saved';
  useEffect(() => {
    if (!unsaved) return;
    const onLeave = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [unsaved]);

  // Undo / redo from the keyboard, except inside text fields (they keep their own undo).
  const { undo, redo } = draft;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z') return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  const layout = async () => {
    const positions = await autoLayout(graph);
    draft.change(setPositions(graph, positions));
    requestAnimationFrame(() => void flowApi.fitView({ padding: 0.2 }));
  };

  const selectNode = (id: string) => {
    setSelectedId(id);
    const n = findNode(graph, id);
    if (n?.position) void flowApi.setCenter(n.position.x + 110, n.position.y + 45, { zoom: 1, duration: 200 });
  };

  const selected = selectedId ? findNode(graph, selectedId) : undefined;
  const selectedDef = selected ? (catalogue.get(selected.type, selected.version) ?? catalogue.get(selected.type)) : undefined;
  const saveLabel = { saved: t('save.saved'), dirty: t('save.dirty'), saving: t('save.saving'), error: t('save.failed'), conflict: t('conflict.title') }[
    draft.state
  ];

  return (
    <div className="editor">
      <header className="editor-bar">
        <button type="button" onClick={onBack}>
          ← {t('editor.back')}
        </button>
        <h1>{flow.name}</h1>
        <button type="button" onClick={draft.undo} disabled={draft.history.past.length === 0} aria-keyshortcuts="Control+Z Meta+Z">
          {t('editor.undo')}
        </button>
        <button type="button" onClick={draft.redo} disabled={draft.history.future.length === 0} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z">
          {t('editor.redo')}
        </button>
        <button type="button" onClick={() => void layout()}>
          {t('editor.layout')}
        </button>
        <button type="button" onClick={() => void flowApi.fitView({ padding: 0.2 })}>
          {t('editor.fit')}
        </button>
        <span className={`save-state ${draft.state}`} role="status" data-testid="save-state">
          {saveLabel}
          {draft.state === 'error' && draft.problem && <> — {problemText(draft.problem, t)}</>}
        </span>
        {draft.state === 'error' && (
          <button type="button" onClick={draft.retry}>
            {t('save.retry')}
          </button>
        )}
        <button type="button" onClick={() => setSimSteps((s) => s ?? [])} aria-pressed={simSteps !== null}>
          {t('bot.simulate')}
        </button>
        <button type="button" aria-pressed={history} onClick={() => setHistory((h) => !h)}>
          {t('history.open')}
        </button>
        <button type="button" className="primary" onClick={() => setPublishing(true)}>
          {t('editor.publish')}
        </button>
      </header>
      {history && <HistoryWorkspace client={client} flow={flow} catalogue={catalogue} onClose={() => setHistory(false)} />}
      {/* Hidden, not unmounted, while the history is open: the canvas keeps its viewport and selection. */}
      <div className="editor-body" style={history ? { display: 'none' } : undefined}>
        <Palette catalogue={catalogue} channels={graph.channels} onAdd={(type) => place(type, flowApi.screenToFlowPosition({ x: 400, y: 300 }))} />
        <main className="canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="canvas">
          <ReactFlow
            nodes={shownNodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onNodeDragStart={() => {
              dragStep.current += 1;
            }}
            onConnect={(c) => draft.change(connect(graph, { source: c.source, target: c.target, sourcePort: c.sourceHandle ?? '' }))}
            isValidConnection={isValidConnection}
            onPaneClick={() => setSelectedId(null)}
            deleteKeyCode={['Backspace', 'Delete']}
            fitView
            onlyRenderVisibleElements
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <MiniMap pannable zoomable />
            <Controls />
          </ReactFlow>
        </main>
        <aside className="side-panel" aria-label={selectedDef ? l(selectedDef.label) : t('editor.selectNode')}>
          {selected && selectedDef ? (
            <>
              <h2>{l(selectedDef.label)}</h2>
              <p className="field-help">{l(selectedDef.description)}</p>
              <div className="field">
                <label htmlFor="node-label">{t('form.label')}</label>
                <input
                  id="node-label"
                  type="text"
                  maxLength={100}
                  value={selected.label ?? ''}
                  onChange={(e) => draft.change(updateLabel(graph, selected.id, e.target.value), `label-${selected.id}`)}
                />
              </div>
              <ConfigForm
                key={selected.id}
                nodeId={selected.id}
                def={selectedDef}
                config={selected.config}
                channels={graph.channels}
                onChange={(config, fieldKey) => draft.change(updateConfig(graph, selected.id, config), `${selected.id}:${fieldKey}`)}
              />
              {selectedDef.category === 'message' && <CardPreview nodeType={selected.type} config={selected.config} channels={graph.channels} />}
              <button type="button" className="danger" onClick={() => draft.change(removeNodes(graph, [selected.id]))}>
                {t('editor.delete')}
              </button>
            </>
          ) : (
            <p>{t('editor.selectNode')}</p>
          )}
          <ProblemsList issues={validation.issues} onSelect={selectNode} />
        </aside>
      </div>
      {draft.conflict && (
        <ConflictDialog
          mine={graph}
          theirs={draft.conflict.theirs}
          who={draft.conflict.updatedBy}
          nodeName={(n) => n.label || l((catalogue.get(n.type) ?? { label: { en: n.type, 'zh-Hant': n.type } }).label)}
          onKeepMine={() => void draft.keepMine()}
          onTakeTheirs={draft.takeTheirs}
        />
      )}
      {simSteps !== null && (
        <SimulatorPanel
          client={client}
          flowId={flow.id}
          graph={graph}
          catalogue={catalogue}
          prepare={async () => {
            if (draft.state !== 'saved') await draft.saveNow();
          }}
          onSteps={setSimSteps}
          onSelect={selectNode}
          onClose={() => setSimSteps(null)}
        />
      )}
      {publishing && (
        <PublishDialog
          client={client}
          flowId={flow.id}
          beforePublish={async () => {
            if (draft.state !== 'saved') await draft.saveNow();
            return draft.revision();
          }}
          onClose={() => setPublishing(false)}
          onSelectIssue={(id) => {
            setPublishing(false);
            selectNode(id);
          }}
        />
      )}
    </div>
  );
}
