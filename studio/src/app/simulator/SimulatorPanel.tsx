import type { Catalogue } from '@omniflow/nodes';
import { AttributeKey, type FlowGraph, listNodes, type WebChatAction, type WebChatStep } from '@omniflow/schemas';
import { type FormEvent, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import type { ApiClient } from '../trpc.ts';
import { type BatchInput, type BatchTurn, eventsOfBatch } from './batch.ts';
import { ChatView } from './ChatView.tsx';
import { initialSimState, SimulatorConnection, type SocketFactory, simReducer, simulatorUrl } from './session.ts';
import './simulator.css';

export interface SimulatorPanelProps {
  flowId: string;
  graph: FlowGraph;
  catalogue: Catalogue;
  /** Runs before connecting: the simulator runs the saved draft, so unsaved edits are saved first. */
  prepare(): Promise<void>;
  /** Every step so far, to light the path on the canvas / the cards in the module list. */
  onSteps(steps: readonly WebChatStep[]): void;
  onSelect(nodeId: string): void;
  onClose(): void;
  socketFactory?: SocketFactory;
  location?: { protocol: string; host: string };
  /** Journeys: with the api client, a batch run (`simulator.run`) stands in when the socket is down. */
  client?: ApiClient;
}

export interface TestContactForm {
  tags: string;
  attributes: string;
}

/** "vip, new" and "plan=gold\nage=30" → the hello frame's test contact; a bad line names itself. */
export function parseTestContact(form: TestContactForm): { tags: string[]; attributes: Record<string, string | number | boolean> } | { error: string } {
  const tags = [
    ...new Set(
      form.tags
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const attributes: Record<string, string | number | boolean> = {};
  for (const [i, raw] of form.attributes.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0 || !AttributeKey.safeParse(key).success) return { error: `line ${i + 1}: ${line}` };
    const value = line.slice(eq + 1).trim();
    attributes[key] = value === 'true' ? true : value === 'false' ? false : value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return { tags, attributes };
}

/** Batch runs start at a fixed virtual time, so each fast-forward replays the same run a little further. */
const BATCH_START = '2025-01-06T09:00:00.000Z';

/** The simulator, opened from either editor: a chat with the bot, or a journey run with a test contact and a virtual clock. */
export function SimulatorPanel({ flowId, graph, catalogue, prepare, onSteps, onSelect, onClose, socketFactory, location, client }: SimulatorPanelProps) {
  const { t, l, locale } = useI18n();
  const [state, dispatch] = useReducer(simReducer, initialSimState);
  const connection = useRef<SimulatorConnection | null>(null);
  const [started, setStarted] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const [text, setText] = useState('');
  const [contactForm, setContactForm] = useState<TestContactForm>({ tags: '', attributes: '' });
  const [formError, setFormError] = useState<string | null>(null);
  const [startNodeId, setStartNodeId] = useState('');
  /** Set while the batch fallback drives the panel: the horizon, the next due time, and the conversation so far. */
  const [batch, setBatch] = useState<{ until: string; next?: string; inputs: BatchInput[]; turns: BatchTurn[] } | null>(null);
  const [batchProblem, setBatchProblem] = useState<string | null>(null);
  const isBot = graph.kind === 'chatbot';
  // The drawer starts below the editor's toolbar, so publish, undo and the view switches stay usable.
  const [top, setTop] = useState<number | undefined>(undefined);
  useLayoutEffect(() => {
    const bar = document.querySelector('.editor-bar');
    if (bar) setTop(Math.round(bar.getBoundingClientRect().bottom));
  }, []);

  const nodes = useMemo(() => listNodes(graph), [graph]);
  const nameOf = useCallback(
    (nodeId: string) => {
      const found = nodes.find((n) => n.node.id === nodeId);
      if (!found) return nodeId;
      const def = catalogue.get(found.node.type);
      const base = found.node.label || (def ? l(def.label) : found.node.type);
      return found.kind === 'card' ? `${found.module.name} · ${base}` : base;
    },
    [nodes, catalogue, l],
  );

  const start = useCallback(async () => {
    const contact = parseTestContact(contactForm);
    if ('error' in contact) {
      setFormError(contact.error);
      return;
    }
    setFormError(null);
    setPreparing(true);
    try {
      await prepare();
    } finally {
      setPreparing(false);
    }
    connection.current?.close();
    dispatch({ type: 'reset' });
    setBatch(null);
    connection.current = new SimulatorConnection(
      simulatorUrl({ flowId, ...(startNodeId ? { startNodeId } : {}), ...(location ? { location } : {}) }),
      { type: 'hello', name: locale === 'zh-Hant' ? '測試聯絡人' : 'Test contact', testContact: contact },
      { event: dispatch },
      socketFactory,
    );
    setStarted(true);
  }, [contactForm, prepare, flowId, startNodeId, location, locale, socketFactory]);

  /**
   * The batch fallback: re-runs the simulation to `until` with every input so far (plus `input`), and
   * redraws the conversation turn by turn. `fresh` starts over.
   */
  const runBatch = useCallback(
    async (step: { until?: string; input?: { input: BatchInput; label: string }; fresh?: boolean } = {}) => {
      if (!client) return;
      const contact = parseTestContact(contactForm);
      if ('error' in contact) {
        setFormError(contact.error);
        return;
      }
      const prev = step.fresh ? null : batch;
      const inputs = [...(prev?.inputs ?? []), ...(step.input ? [step.input.input] : [])];
      const until = step.until ?? prev?.until ?? BATCH_START;
      setBatchProblem(null);
      try {
        await prepare();
        const result = await client.simulator.run.mutate({
          flowId,
          ...(startNodeId ? { startNodeId } : {}),
          contact: { tags: contact.tags, attributes: contact.attributes, points: 0 },
          inputs,
          startAt: BATCH_START,
          until,
        });
        const turns: BatchTurn[] = [...(prev?.turns ?? []), { ...(step.input ? { label: step.input.label } : {}), effectsEnd: result.effects.length }];
        connection.current?.close();
        connection.current = null;
        dispatch({ type: 'reset' });
        for (const event of eventsOfBatch(result, turns)) dispatch(event);
        setBatch({ until, inputs, turns, ...(result.nextTimerAt ? { next: result.nextTimerAt } : {}) });
        setStarted(true);
      } catch (error) {
        setBatchProblem(error instanceof Error ? error.message : String(error));
      }
    },
    [client, contactForm, prepare, flowId, startNodeId, batch],
  );

  // A chatbot conversation starts as soon as the panel opens; a journey waits for its test contact.
  const autoStarted = useRef(false);
  useEffect(() => {
    if (isBot && !autoStarted.current) {
      autoStarted.current = true;
      void start();
    }
  }, [isBot, start]);
  useEffect(() => () => connection.current?.close(), []);
  useEffect(() => {
    onSteps(state.steps);
  }, [state.steps, onSteps]);

  const say = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    if (batch) void runBatch({ input: { input: { kind: 'text', text: trimmed }, label: trimmed } });
    else connection.current?.say(trimmed);
    setText('');
  };
  const press = (action: WebChatAction) => {
    if (!batch) connection.current?.press(action);
    else if (action.kind === 'postback')
      void runBatch({ input: { input: { kind: 'postback', payload: action.payload ?? action.label, label: action.label }, label: action.label } });
  };
  const open = state.status === 'open';
  const socketDown = started && !batch && state.status === 'closed';
  const fastForward = () => {
    if (batch) void runBatch({ until: batch.next });
    else connection.current?.fastForward();
  };

  return (
    <aside className="sim-panel" aria-label={t('sim.title')} data-testid="simulator" style={top !== undefined ? { top } : undefined}>
      <header className="sim-head">
        <h2>{t('sim.title')}</h2>
        <span className={`sim-status ${state.status}`} role="status" data-testid="sim-status">
          {batch ? t('sim.status.batch') : started ? t(`sim.status.${state.status}`) : t('sim.status.idle')}
        </span>
        {state.clock && (
          <span className="sim-clock" data-testid="sim-clock" title={t('sim.clock')}>
            🕒 {new Date(state.clock).toISOString().replace('T', ' ').slice(0, 16)} UTC
          </span>
        )}
        <button type="button" onClick={onClose} aria-label={t('sim.close')}>
          ✕
        </button>
      </header>

      {!isBot && (
        <form
          className="sim-contact"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label>
            {t('sim.tags')}
            <input
              type="text"
              value={contactForm.tags}
              placeholder="vip, cart_abandoned"
              onChange={(e) => setContactForm({ ...contactForm, tags: e.target.value })}
            />
          </label>
          <label>
            {t('sim.attributes')}
            <textarea
              rows={2}
              value={contactForm.attributes}
              placeholder="plan=gold"
              onChange={(e) => setContactForm({ ...contactForm, attributes: e.target.value })}
            />
          </label>
          <label>
            {t('sim.startAt')}
            <select value={startNodeId} onChange={(e) => setStartNodeId(e.target.value)}>
              <option value="">{t('sim.fromTrigger')}</option>
              {nodes
                .filter((n) => n.kind !== 'trigger')
                .map((n) => (
                  <option key={n.node.id} value={n.node.id}>
                    {nameOf(n.node.id)}
                  </option>
                ))}
            </select>
          </label>
          {formError && (
            <p className="field-error" role="alert">
              {t('sim.badAttribute', { line: formError })}
            </p>
          )}
          <div className="sim-actions">
            <button type="submit" className="primary" disabled={preparing}>
              {started ? t('sim.runAgain') : t('sim.run')}
            </button>
            <button type="button" disabled={batch ? !batch.next : !open} onClick={fastForward}>
              ⏩ {t('sim.fastForward')}
            </button>
          </div>
        </form>
      )}

      {isBot && (
        <>
          <ChatView transcript={state.transcript} typing={state.typing} onPress={press} />
          <form className="sim-compose" onSubmit={say}>
            <input
              type="text"
              value={text}
              maxLength={2000}
              aria-label={t('sim.message')}
              placeholder={t('sim.message')}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" disabled={!(open || batch) || !text.trim()}>
              {t('sim.send')}
            </button>
          </form>
          <div className="sim-actions">
            <button type="button" disabled={!(open || batch)} onClick={() => (batch ? void runBatch({ fresh: true }) : connection.current?.restart())}>
              {t('sim.restart')}
            </button>
            <button type="button" disabled={batch ? !batch.next : !open} onClick={fastForward}>
              ⏩ {t('sim.fastForward')}
            </button>
          </div>
        </>
      )}
      {!isBot && started && <ChatView transcript={state.transcript} typing={state.typing} onPress={press} emptyText={t('sim.emptyJourney')} />}
      {socketDown && (
        <p className="sim-notice problem" role="alert">
          {t('sim.disconnected')}{' '}
          <button type="button" className="link" onClick={() => void start()}>
            {t('sim.reconnect')}
          </button>
          {client && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => void runBatch({ fresh: true })}>
                {t('sim.runBatch')}
              </button>
            </>
          )}
        </p>
      )}
      {batchProblem && (
        <p className="sim-notice problem" role="alert">
          {batchProblem}
        </p>
      )}

      <section className="sim-steps" aria-label={t('sim.steps')}>
        <h3>
          {t('sim.steps')} ({state.steps.length})
        </h3>
        <ol data-testid="sim-steps">
          {state.steps.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are an append-only log
            <li key={i} className={`sim-step ${s.outcome}`}>
              <button type="button" className="link" onClick={() => onSelect(s.nodeId)}>
                {nameOf(s.nodeId)}
              </button>{' '}
              <span className="sim-outcome">{s.outcome}</span>
              {s.port && <span className="sim-port"> → {s.port}</span>}
              {s.explanation && <p className="sim-explanation">{s.explanation}</p>}
              {s.error && <p className="sim-explanation error">{s.error}</p>}
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
