import { type AnyNodeDefinition, builtinCatalogue, type Catalogue, validateGraph } from '@omniflow/nodes';
import { CHANNEL_LABELS, type ChannelKind, type ChatbotGraph, type NodeInstance, type ValidationIssue, type WebChatStep } from '@omniflow/schemas';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CARD_RENDERERS, ChannelFrame, MessagePreview, SAMPLE_CONTACTS } from '../../cards/index.ts';
import { ConfigForm } from '../editor/ConfigForm.tsx';
import { ConflictDialog } from '../editor/ConflictDialog.tsx';
import { iconFor } from '../editor/icons.ts';
import { ProblemsList } from '../editor/ProblemsList.tsx';
import { PublishDialog } from '../editor/PublishDialog.tsx';
import { useFlowDraft } from '../editor/useDraft.ts';
import { useI18n } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { SimulatorPanel } from '../simulator/SimulatorPanel.tsx';
import { litIds } from '../simulator/session.ts';
import type { ApiClient, FlowDetail } from '../trpc.ts';
import { BotCanvas } from './BotCanvas.tsx';
import {
  addCard,
  addModule,
  addTrigger,
  botChannels,
  botPortsOf,
  cardTypesFor,
  duplicateModule,
  findCard,
  findModule,
  findTrigger,
  moveCard,
  moveModule,
  removeCard,
  removeModule,
  removeTrigger,
  renameModule,
  setEntryModule,
  setTarget,
  targetOf,
  triggerTypesFor,
  updateNodeConfig,
} from './bot-graph.ts';
import { BotStatsPanel, CardChart, CardStats, moduleEntered, useBotStats } from './ChatbotStats.tsx';
import './chatbot.css';

const defaultCatalogue = builtinCatalogue();

type Selection = { kind: 'card'; id: string } | { kind: 'trigger'; id: string } | null;

export interface ChatbotEditorProps {
  client: ApiClient;
  flow: FlowDetail;
  graph: ChatbotGraph;
  catalogue?: Catalogue;
  onBack(): void;
}

function countIssues(issues: readonly ValidationIssue[] | undefined) {
  return { errors: issues?.filter((i) => i.severity === 'error').length ?? 0, warnings: issues?.filter((i) => i.severity === 'warning').length ?? 0 };
}

function Marker({ issues }: { issues: readonly ValidationIssue[] | undefined }) {
  const { t } = useI18n();
  const { errors, warnings } = countIssues(issues);
  if (!errors && !warnings) return null;
  return (
    <span className={`bot-marker ${errors ? 'error' : 'warning'}`} title={t('editor.problems')} data-testid="bot-marker">
      {errors ? `⛔ ${errors}` : `⚠ ${warnings}`}
    </span>
  );
}

/** The chatbot module editor: modules in order, each with its cards as the channel shows them; triggers and button targets as forms. */
export function ChatbotEditor({ client, flow, graph: initial, catalogue = defaultCatalogue, onBack }: ChatbotEditorProps) {
  const { t, l } = useI18n();
  const draft = useFlowDraft<ChatbotGraph>(client, flow.id, initial, flow.draftRevision);
  const { graph } = draft;
  const [moduleId, setModuleId] = useState<string>(initial.entryModuleId);
  const [selection, setSelection] = useState<Selection>(null);
  const [publishing, setPublishing] = useState(false);
  const [simulating, setSimulating] = useState(false);
  /** A published version's counters on the cards and modules, and the bot's funnel. */
  const [statsOn, setStatsOn] = useState(false);
  const botStats = useBotStats(client, flow.id, statsOn);
  const counters = botStats.counters;
  /** The module's cards as the channel shows them, or the whole bot as a flowchart. */
  const [view, setView] = useState<'cards' | 'flow'>('cards');
  const [steps, setSteps] = useState<readonly WebChatStep[]>([]);
  const channels = botChannels(graph);
  const [channel, setChannel] = useState<ChannelKind>(channels[0] ?? 'webchat');

  const validation = useMemo(() => validateGraph(graph, { catalogue }), [graph, catalogue]);
  const issuesOf = useMemo(() => {
    const map = new Map<string, ValidationIssue[]>();
    for (const issue of validation.issues) {
      for (const key of [issue.nodeId, issue.moduleId]) if (key) map.set(key, [...(map.get(key) ?? []), issue]);
    }
    return map;
  }, [validation]);
  const lit = useMemo(() => litIds(steps), [steps]);

  const module = findModule(graph, moduleId) ?? graph.modules[0];
  const defOf = useCallback((n: NodeInstance) => catalogue.get(n.type, n.version) ?? catalogue.get(n.type), [catalogue]);

  /** Selects a card (and shows its module) or a trigger: the problems list and the simulator's steps jump here. */
  const select = useCallback(
    (id: string) => {
      const card = findCard(graph, id);
      if (card) {
        setModuleId(card.module.id);
        setSelection({ kind: 'card', id });
        requestAnimationFrame(() => document.getElementById(`card-${id}`)?.scrollIntoView?.({ block: 'nearest' }));
        return;
      }
      if (findTrigger(graph, id)) setSelection({ kind: 'trigger', id });
      else if (findModule(graph, id)) setModuleId(id);
    },
    [graph],
  );

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
  const unsaved = draft.state !== 'saved';
  useEffect(() => {
    if (!unsaved) return;
    const onLeave = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [unsaved]);

  const selectedNode = selection?.kind === 'card' ? findCard(graph, selection.id)?.card : selection ? findTrigger(graph, selection.id) : undefined;
  const selectedDef = selectedNode ? defOf(selectedNode) : undefined;
  const saveLabel = { saved: t('save.saved'), dirty: t('save.dirty'), saving: t('save.saving'), error: t('save.failed'), conflict: t('conflict.title') }[
    draft.state
  ];
  const prepare = useCallback(async () => {
    if (draft.state !== 'saved') await draft.saveNow();
  }, [draft]);

  return (
    <div className="editor bot-editor">
      <header className="editor-bar">
        <button type="button" onClick={onBack}>
          ← {t('editor.back')}
        </button>
        <h1>{flow.name}</h1>
        <span className="bot-scope">{t('bot.scope', { scope: channels.map((c) => CHANNEL_LABELS[c]).join(', ') })}</span>
        <button type="button" onClick={draft.undo} disabled={draft.history.past.length === 0} aria-keyshortcuts="Control+Z Meta+Z">
          {t('editor.undo')}
        </button>
        <button type="button" onClick={draft.redo} disabled={draft.history.future.length === 0} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z">
          {t('editor.redo')}
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
        <span className="bot-view-toggle">
          <button type="button" aria-pressed={view === 'cards'} onClick={() => setView('cards')}>
            {t('bot.viewCards')}
          </button>
          <button type="button" aria-pressed={view === 'flow'} onClick={() => setView('flow')}>
            {t('bot.viewFlow')}
          </button>
        </span>
        <button type="button" onClick={() => setStatsOn((on) => !on)} aria-pressed={statsOn}>
          {t('bot.stats')}
        </button>
        <button type="button" onClick={() => setSimulating(true)} aria-pressed={simulating}>
          {t('bot.simulate')}
        </button>
        <button type="button" className="primary" onClick={() => setPublishing(true)}>
          {t('editor.publish')}
        </button>
      </header>
      <div className="editor-body bot-body">
        <nav className="palette bot-nav" aria-label={t('bot.modules')}>
          <TriggerList
            graph={graph}
            catalogue={catalogue}
            selectedId={selection?.kind === 'trigger' ? selection.id : undefined}
            issuesOf={issuesOf}
            lit={lit}
            onSelect={(id) => setSelection({ kind: 'trigger', id })}
            onAdd={(def) => {
              const added = addTrigger(graph, def);
              draft.change(added.graph);
              setSelection({ kind: 'trigger', id: added.id });
            }}
          />
          <h2>{t('bot.modules')}</h2>
          <ol className="bot-modules">
            {graph.modules.map((m, i) => (
              <li
                key={m.id}
                className={`bot-module-item${m.id === module?.id ? ' selected' : ''}${lit.has(m.id) ? ' sim-lit' : ''}`}
                data-testid="bot-module-item"
                data-module-id={m.id}
              >
                <button
                  type="button"
                  className="link bot-module-open"
                  aria-current={m.id === module?.id ? 'true' : undefined}
                  onClick={() => setModuleId(m.id)}
                >
                  {m.id === graph.entryModuleId && (
                    <span title={t('bot.entry')}>
                      ▶<span className="visually-hidden">{t('bot.entry')}</span>{' '}
                    </span>
                  )}
                  {m.name}
                </button>
                <span className="bot-module-count">{t('bot.cardCount', { n: m.cards.length })}</span>
                {counters && (
                  <span className="bot-module-entered" data-testid="bot-module-entered">
                    {t('bot.moduleEntered', { n: moduleEntered(m, counters) })}
                  </span>
                )}
                <Marker issues={[...(issuesOf.get(m.id) ?? []), ...m.cards.flatMap((c) => issuesOf.get(c.id) ?? [])]} />
                <span className="bot-reorder">
                  <button
                    type="button"
                    aria-label={`${t('bot.moveUp')}: ${m.name}`}
                    disabled={i === 0}
                    onClick={() => draft.change(moveModule(graph, m.id, -1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={`${t('bot.moveDown')}: ${m.name}`}
                    disabled={i === graph.modules.length - 1}
                    onClick={() => draft.change(moveModule(graph, m.id, 1))}
                  >
                    ↓
                  </button>
                </span>
              </li>
            ))}
          </ol>
          <button
            type="button"
            onClick={() => {
              const added = addModule(graph, `${t('bot.newModuleName')} ${graph.modules.length + 1}`);
              draft.change(added.graph);
              setModuleId(added.id);
              setSelection(null);
            }}
          >
            + {t('bot.addModule')}
          </button>
        </nav>

        {view === 'flow' && (
          <main className="bot-module flow">
            <BotCanvas
              graph={graph}
              catalogue={catalogue}
              issuesOf={issuesOf}
              lit={lit}
              selectedModuleId={module?.id}
              counters={counters}
              onChange={draft.change}
              onSelect={select}
            />
          </main>
        )}
        <main className="bot-module" data-testid="bot-module" hidden={view !== 'cards'}>
          {module && (
            <>
              <div className="bot-module-head">
                <label>
                  {t('bot.moduleName')}{' '}
                  <input
                    type="text"
                    value={module.name}
                    maxLength={100}
                    onChange={(e) => draft.change(renameModule(graph, module.id, e.target.value), `module-name-${module.id}`)}
                  />
                </label>
                <button
                  type="button"
                  onClick={() => {
                    const copy = duplicateModule(graph, module.id, ` ${t('bot.copySuffix')}`);
                    draft.change(copy.graph);
                    setModuleId(copy.id);
                  }}
                >
                  {t('bot.duplicateModule')}
                </button>
                {module.id === graph.entryModuleId ? (
                  <span className="bot-entry-badge">▶ {t('bot.entry')}</span>
                ) : (
                  <>
                    <button type="button" onClick={() => draft.change(setEntryModule(graph, module.id))}>
                      {t('bot.makeEntry')}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        draft.change(removeModule(graph, module.id));
                        setModuleId(graph.entryModuleId);
                        setSelection(null);
                      }}
                    >
                      {t('bot.deleteModule')}
                    </button>
                  </>
                )}
                {channels.length > 1 && (
                  <label>
                    {t('preview.channel')}{' '}
                    <select value={channel} onChange={(e) => setChannel(e.target.value as ChannelKind)}>
                      {channels.map((c) => (
                        <option key={c} value={c}>
                          {CHANNEL_LABELS[c]}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
              </div>
              <Marker issues={issuesOf.get(module.id)} />
              <ChannelFrame channel={channel}>
                {module.cards.length === 0 && <p className="bot-empty">{t('bot.noCards')}</p>}
                <ol className="bot-cards">
                  {module.cards.map((card, i) => {
                    const def = defOf(card);
                    const selected = selection?.kind === 'card' && selection.id === card.id;
                    return (
                      <li
                        key={card.id}
                        id={`card-${card.id}`}
                        className={`bot-card${selected ? ' selected' : ''}${lit.has(card.id) ? ' sim-lit' : ''}`}
                        data-testid="bot-card"
                        data-card-id={card.id}
                        data-node-type={card.type}
                      >
                        <div className="bot-card-bar">
                          <button type="button" className="link bot-card-title" onClick={() => setSelection({ kind: 'card', id: card.id })}>
                            <span aria-hidden="true">{iconFor(def?.icon ?? '', def?.category ?? '')}</span> {card.label || (def ? l(def.label) : card.type)}
                          </button>
                          <Marker issues={issuesOf.get(card.id)} />
                          <button
                            type="button"
                            aria-label={`${t('bot.moveUp')}: ${card.id}`}
                            disabled={i === 0}
                            onClick={() => draft.change(moveCard(graph, card.id, -1))}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            aria-label={`${t('bot.moveDown')}: ${card.id}`}
                            disabled={i === module.cards.length - 1}
                            onClick={() => draft.change(moveCard(graph, card.id, 1))}
                          >
                            ↓
                          </button>
                        </div>
                        {counters && <CardStats counters={counters[card.id]} metrics={botStats.metrics?.[card.id]} />}
                        {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: the title button above is the keyboard path */}
                        <div className="bot-card-preview" onClick={() => setSelection({ kind: 'card', id: card.id })}>
                          {CARD_RENDERERS[card.type] ? (
                            <MessagePreview
                              nodeType={card.type}
                              config={card.config}
                              channel={channel}
                              flowKind="chatbot"
                              scope={graph.bot.scope}
                              catalogue={catalogue}
                              chrome={false}
                              loadImages={false}
                              // Tapping a routed button or option in the preview follows it to its module.
                              onAction={(a) => {
                                const port = botPortsOf(catalogue, card).find((p) => p.id.endsWith(`:${a.id}`));
                                const target = port ? targetOf(graph, card.id, port.id) : undefined;
                                if (target) setModuleId(target);
                              }}
                              contact={SAMPLE_CONTACTS[Object.keys(SAMPLE_CONTACTS)[0] as keyof typeof SAMPLE_CONTACTS]}
                            />
                          ) : (
                            <p className="bot-card-summary">{def ? l(def.description) : card.type}</p>
                          )}
                        </div>
                      </li>
                    );
                  })}
                </ol>
              </ChannelFrame>
              <CardPalette
                types={cardTypesFor(catalogue, graph)}
                onAdd={(def) => {
                  const added = addCard(graph, module.id, def);
                  draft.change(added.graph);
                  setSelection({ kind: 'card', id: added.id });
                }}
              />
            </>
          )}
        </main>

        <aside className="side-panel" aria-label={selectedDef ? l(selectedDef.label) : t('bot.selectSomething')}>
          {selectedNode && selectedDef ? (
            <>
              <h2>{l(selectedDef.label)}</h2>
              <p className="field-help">{l(selectedDef.description)}</p>
              <ConfigForm
                key={selectedNode.id}
                nodeId={selectedNode.id}
                def={selectedDef}
                config={selectedNode.config}
                channels={channels}
                flowKind="chatbot"
                scope={graph.bot.scope}
                onChange={(config, fieldKey) => draft.change(updateNodeConfig(graph, selectedNode.id, config), `${selectedNode.id}:${fieldKey}`)}
              />
              <TargetPicker graph={graph} node={selectedNode} catalogue={catalogue} onChange={draft.change} />
              {counters && (
                <CardChart node={selectedNode} catalogue={catalogue} counters={counters[selectedNode.id]} metrics={botStats.metrics?.[selectedNode.id]} />
              )}
              <button
                type="button"
                className="danger"
                onClick={() => {
                  draft.change(selection?.kind === 'trigger' ? removeTrigger(graph, selectedNode.id) : removeCard(graph, selectedNode.id));
                  setSelection(null);
                }}
              >
                {selection?.kind === 'trigger' ? t('bot.deleteTrigger') : t('bot.deleteCard')}
              </button>
            </>
          ) : (
            <p>{t('bot.selectSomething')}</p>
          )}
          {statsOn && <BotStatsPanel graph={graph} stats={botStats} onSelectModule={select} />}
          <ProblemsList issues={validation.issues} onSelect={select} />
        </aside>
      </div>
      {simulating && (
        <SimulatorPanel
          client={client}
          flowId={flow.id}
          graph={graph}
          catalogue={catalogue}
          prepare={prepare}
          onSteps={setSteps}
          onSelect={select}
          onClose={() => {
            setSimulating(false);
            setSteps([]);
          }}
        />
      )}
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
            select(id);
          }}
        />
      )}
    </div>
  );
}

/** Each output port of a card or trigger (a button, a quick reply, a branch…) picks the module it leads to. */
function TargetPicker({
  graph,
  node,
  catalogue,
  onChange,
}: {
  graph: ChatbotGraph;
  node: NodeInstance;
  catalogue: Catalogue;
  onChange(next: ChatbotGraph): void;
}) {
  const { t, l } = useI18n();
  const ports = botPortsOf(catalogue, node);
  if (ports.length === 0) return null;
  return (
    <fieldset className="bot-targets">
      <legend>{t('bot.targets')}</legend>
      {ports.map((p) => {
        const id = `target-${node.id}-${p.id}`;
        return (
          <div className="field" key={p.id}>
            <label htmlFor={id}>
              {l(p.label)} → {t('bot.goesTo')}
            </label>
            <select
              id={id}
              data-port={p.id}
              value={targetOf(graph, node.id, p.id) ?? ''}
              onChange={(e) => onChange(setTarget(graph, node.id, p.id, e.target.value || undefined))}
            >
              <option value="">{t('bot.noTarget')}</option>
              {graph.modules.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

function TriggerList({
  graph,
  catalogue,
  selectedId,
  issuesOf,
  lit,
  onSelect,
  onAdd,
}: {
  graph: ChatbotGraph;
  catalogue: Catalogue;
  selectedId: string | undefined;
  issuesOf: ReadonlyMap<string, ValidationIssue[]>;
  lit: ReadonlySet<string>;
  onSelect(id: string): void;
  onAdd(def: AnyNodeDefinition): void;
}) {
  const { t, l } = useI18n();
  const types = triggerTypesFor(catalogue, graph);
  const [adding, setAdding] = useState('');
  const summary = (n: NodeInstance) => {
    const keywords = Array.isArray(n.config.keywords) ? (n.config.keywords as unknown[]).filter((k) => typeof k === 'string').join(', ') : '';
    const target = findModule(graph, targetOf(graph, n.id, 'next') ?? '')?.name;
    return [keywords, target ? `→ ${target}` : ''].filter(Boolean).join(' ');
  };
  return (
    <section className="bot-triggers" aria-label={t('bot.triggers')}>
      <h2>{t('bot.triggers')}</h2>
      <ul>
        {graph.triggers.map((n) => {
          const def = catalogue.get(n.type);
          return (
            <li key={n.id} className={`bot-trigger${n.id === selectedId ? ' selected' : ''}${lit.has(n.id) ? ' sim-lit' : ''}`} data-testid="bot-trigger">
              <button type="button" className="link" onClick={() => onSelect(n.id)}>
                ⚡ {n.label || (def ? l(def.label) : n.type)}
              </button>
              <Marker issues={issuesOf.get(n.id)} />
              <span className="bot-trigger-summary">{summary(n)}</span>
            </li>
          );
        })}
      </ul>
      <div className="bot-add-trigger">
        <select aria-label={t('bot.addTrigger')} value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">{t('bot.addTrigger')}…</option>
          {types.map((d) => (
            <option key={d.type} value={d.type}>
              {l(d.label)}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!adding}
          onClick={() => {
            const def = catalogue.get(adding);
            if (def) onAdd(def);
            setAdding('');
          }}
        >
          +
        </button>
      </div>
    </section>
  );
}

/** The card types this bot may use (kind and scope), searchable in both languages. */
export function CardPalette({ types, onAdd }: { types: readonly AnyNodeDefinition[]; onAdd(def: AnyNodeDefinition): void }) {
  const { t, l } = useI18n();
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = types.filter(
    (d) => !q || [d.type, d.label.en, d.label['zh-Hant'], d.description.en, d.description['zh-Hant']].some((s) => s.toLowerCase().includes(q)),
  );
  return (
    <section className="bot-card-palette" aria-label={t('bot.addCard')}>
      <h3>{t('bot.addCard')}</h3>
      <input type="search" placeholder={t('bot.searchCards')} aria-label={t('bot.searchCards')} value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul>
        {shown.map((d) => (
          <li key={d.type}>
            <button type="button" className={`palette-item cat-${d.category}`} data-type={d.type} title={l(d.description)} onClick={() => onAdd(d)}>
              <span aria-hidden="true">{iconFor(d.icon, d.category)}</span> {l(d.label)}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
