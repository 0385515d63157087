import type { WebChatServerFrame } from '@omniflow/schemas';
import type { RouterOutputs } from '../trpc.ts';

// The fallback when the simulator socket is down: `simulator.run` (a batch run over the engine's
// simulate()) replayed as the frames the socket would have sent, so the panel draws it the same way.

export type BatchResult = RouterOutputs['simulator']['run'];

export function framesOfBatch(result: BatchResult): WebChatServerFrame[] {
  const frames: WebChatServerFrame[] = [
    { type: 'welcome', visitorId: 'batch', sessionId: `batch:${result.endedAt}`, simulation: true },
    { type: 'clock', now: result.endedAt },
  ];
  for (const s of result.steps) {
    frames.push({
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
    });
  }
  // Effects as the sentences the batch run gives them: what was sent, called or reported.
  result.effects.forEach((e, i) => {
    frames.push({
      type: 'message',
      message: { id: `batch-${i}`, at: result.endedAt, nodeType: `effect.${e.kind}`, text: e.summary, cards: [], buttons: [], quickReplies: [] },
    });
  });
  return frames;
}
