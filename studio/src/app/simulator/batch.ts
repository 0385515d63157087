import type { WebChatServerFrame } from '@omniflow/schemas';
import type { RouterInputs, RouterOutputs } from '../trpc.ts';
import type { SimEvent } from './session.ts';

// The fallback when the simulator socket is down: `simulator.run` (a batch run over the engine's
// simulate()) replayed as the events the socket would have produced, so the panel draws it the same
// way. Every turn re-runs the same simulation (same start time, same inputs so far, one more input or a
// later horizon); the runs are deterministic, so each turn's messages are the new effects at the end.

export type BatchResult = RouterOutputs['simulator']['run'];
export type BatchInput = NonNullable<RouterInputs['simulator']['run']['inputs']>[number];

/** One turn of the conversation: what the tester did (none for the start or a fast-forward), and how many effects existed after it. */
export interface BatchTurn {
  label?: string;
  effectsEnd: number;
}

export function eventsOfBatch(result: BatchResult, turns: readonly BatchTurn[]): SimEvent[] {
  const frame = (f: WebChatServerFrame): SimEvent => ({ type: 'frame', frame: f });
  const events: SimEvent[] = [
    frame({ type: 'welcome', visitorId: 'batch', sessionId: `batch:${result.startedAt}`, simulation: true }),
    frame({ type: 'clock', now: result.endedAt }),
  ];
  for (const s of result.steps) {
    events.push(
      frame({
        type: 'step',
        step: {
          nodeId: s.nodeId,
          ...(s.moduleId ? { moduleId: s.moduleId } : {}),
          outcome: s.outcome,
          ...(s.port ? { port: s.port } : {}),
          ...(s.explanation ? { explanation: s.explanation } : {}),
          ...(s.error ? { error: s.error } : {}),
          at: s.at,
        },
      }),
    );
  }
  let from = 0;
  turns.forEach((turn, t) => {
    if (turn.label) events.push({ type: 'sent', text: turn.label, key: `batch-in-${t}` });
    for (let i = from; i < Math.min(turn.effectsEnd, result.effects.length); i++) {
      const e = result.effects[i];
      if (!e) continue;
      // Drawn as web chat draws it when it can; otherwise the sentence saying what was sent or called.
      const message = e.message ?? {
        id: `batch-${i}`,
        at: result.endedAt,
        nodeType: `effect.${e.kind}`,
        text: e.summary,
        cards: [],
        buttons: [],
        quickReplies: [],
      };
      events.push(frame({ type: 'message', message: { ...message, id: `batch-${i}` } }));
    }
    from = Math.max(from, turn.effectsEnd);
  });
  // As the socket does: a hand-off that went through ends the bot's part of the conversation.
  const handoff = result.steps.find((s) => s.nodeType === 'action.handoff' && s.outcome !== 'failed');
  if (handoff) events.push(frame({ type: 'handoff', ...(handoff.explanation ? { message: handoff.explanation } : {}) }));
  return events;
}
