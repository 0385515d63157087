import type { ErrorDetails } from '@omniflow/api';
import type { FlowGraph, JourneyGraph } from '@omniflow/schemas';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiClient, type ApiProblem, toProblem } from '../trpc.ts';
import { type History, historyOf, record, redo, undo } from './graph.ts';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict';

export interface Conflict<G extends FlowGraph = JourneyGraph> {
  theirs: G;
  currentRevision: number;
  updatedBy: string;
}

type DraftConflict = Extract<ErrorDetails, { kind: 'draft_conflict' }>;

/**
 * The working draft: an undo history, autosaved with optimistic concurrency. A CONFLICT stops
 * autosaving until the person chooses a side; nothing is ever saved over silently.
 */
export function useDraft(client: ApiClient, flowId: string, initial: JourneyGraph, initialRevision: number, delayMs = 800) {
  return useFlowDraft<JourneyGraph>(client, flowId, initial, initialRevision, delayMs);
}

/** As `useDraft`, for either kind of flow (the chatbot module editor uses it with a ChatbotGraph). */
export function useFlowDraft<G extends FlowGraph>(client: ApiClient, flowId: string, initial: G, initialRevision: number, delayMs = 800) {
  const [history, setHistory] = useState<History<G>>(() => historyOf(initial));
  const [state, setState] = useState<SaveState>('saved');
  const [conflict, setConflict] = useState<Conflict<G> | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const revision = useRef(initialRevision);
  const saved = useRef<G>(initial);
  const inFlight = useRef(false);
  const latest = useRef(history.present);
  latest.current = history.present;

  const save = useCallback(
    async (graph: G, baseRevision: number) => {
      inFlight.current = true;
      setState('saving');
      try {
        const result = await client.flows.saveDraft.mutate({ id: flowId, baseRevision, graph });
        revision.current = result.revision;
        saved.current = graph;
        setProblem(null);
        setState(latest.current === graph ? 'saved' : 'dirty');
      } catch (error) {
        const p = toProblem(error);
        if (p.code === 'CONFLICT' && p.details?.kind === 'draft_conflict') {
          const d = p.details as DraftConflict;
          setConflict({ theirs: d.graph as G, currentRevision: d.currentRevision, updatedBy: d.updatedBy?.name ?? '' });
          setState('conflict');
        } else {
          setProblem(p);
          setState('error');
        }
      } finally {
        inFlight.current = false;
      }
    },
    [client, flowId],
  );

  // Autosave: a quiet moment after the last change, unless a save or a conflict is pending.
  useEffect(() => {
    if (history.present === saved.current || conflict || state === 'saving' || state === 'error') return;
    setState('dirty');
    const timer = setTimeout(() => {
      if (!inFlight.current) void save(history.present, revision.current);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [history.present, conflict, state, save, delayMs]);

  return {
    graph: history.present,
    history,
    state,
    conflict,
    problem,
    revision: () => revision.current,
    change: (next: G, key?: string) => setHistory((h) => record(h, next, key)),
    undo: () => setHistory(undo),
    redo: () => setHistory(redo),
    retry: () => void save(latest.current, revision.current),
    saveNow: () => save(latest.current, revision.current),
    /** Keep mine: save my graph over theirs, on their revision. */
    keepMine: async () => {
      const c = conflict;
      if (!c) return;
      setConflict(null);
      await save(latest.current, c.currentRevision);
    },
    /** Take theirs: their graph becomes the draft (one undo step), at their revision. */
    takeTheirs: () => {
      const c = conflict;
      if (!c) return;
      revision.current = c.currentRevision;
      saved.current = c.theirs;
      setHistory((h) => record(h, c.theirs));
      setConflict(null);
      setState('saved');
    },
  };
}
