import { evaluateCondition } from '@omniflow/nodes';
import type { Customer, RunStatus } from '@omniflow/schemas';
import type { CompiledFlow } from './compiled-flow.ts';

/** A goal or exit condition the contact now meets, and why. */
export interface ExitOrGoal {
  status: Extract<RunStatus, 'exited' | 'goal_reached'>;
  reason: string;
  explanation: string;
}

/**
 * The journey's goals, then its exit conditions, checked before each node (§2.2): the first one the
 * contact meets ends the run. Both runtimes call this, so they end runs for the same reasons.
 */
export function exitOrGoal(flow: CompiledFlow, contact: Customer, at: number): ExitOrGoal | undefined {
  const settings = flow.journeySettings;
  if (!settings) return undefined;
  const options = { now: new Date(at), timeZone: flow.timeZone };
  for (const g of settings.goals) {
    if (g.when.kind !== 'condition') continue;
    const r = evaluateCondition(g.when.condition, contact, options);
    if (r.match) return { status: 'goal_reached', reason: `goal:${g.id}`, explanation: `Goal "${g.label}": ${r.explanation}` };
  }
  for (const x of settings.exitConditions) {
    if (x.when.kind !== 'condition') continue;
    const r = evaluateCondition(x.when.condition, contact, options);
    if (r.match) return { status: 'exited', reason: `exit:${x.id}`, explanation: `Exit "${x.label}": ${r.explanation}` };
  }
  return undefined;
}
