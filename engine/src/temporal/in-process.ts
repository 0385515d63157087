import type { FlowGraph } from '@omniflow/schemas';
import type { EffectResult } from '../effects.ts';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import type { PlainIntent, RunActivities, RunEvent, RunInput } from './contract.ts';
import { undeliveredEffect } from './decisions.ts';
import type { RunLedger } from './ledger.ts';
import { type LoopPorts, type LoopResult, RunInterpreter } from './run-loop.ts';

// Runs the run workflow's body (RunInterpreter) in this process, with the real activities and a virtual
// workflow clock standing in for Temporal's timers: how the workflow's decisions are tested without a
// server. Activity failures are handled as the workflow's retry policy ends them: the first failure is
// final (retries are Temporal's job, covered by the activities' own tests).

/** Workflow time: `condition` with a timeout resolves false when advance() passes its deadline. */
export class VirtualWorkflowTime {
  #now: number;
  #waiters: { ready: () => boolean; deadline?: number; resolve: (v: boolean) => void }[] = [];
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  get blocked(): number {
    return this.#waiters.length;
  }
  /** The earliest deadline of a blocked condition. */
  nextDeadline(): number | undefined {
    const deadlines = this.#waiters.map((w) => w.deadline).filter((d): d is number => d !== undefined);
    return deadlines.length ? Math.min(...deadlines) : undefined;
  }
  condition(ready: () => boolean, timeoutMs?: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push({ ready, ...(timeoutMs !== undefined ? { deadline: this.#now + timeoutMs } : {}), resolve }));
  }
  /** Re-evaluates blocked conditions (after a signal). */
  poke(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (w.ready()) w.resolve(true);
      else this.#waiters.push(w);
    }
  }
  advance(ms: number): void {
    this.#now += ms;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (w.ready()) w.resolve(true);
      else if (w.deadline !== undefined && w.deadline <= this.#now) w.resolve(false);
      else this.#waiters.push(w);
    }
  }
}

export interface InProcessRunOptions {
  activities: RunActivities;
  time: VirtualWorkflowTime;
  stepBudget?: number;
  /** Patch ids this "workflow code" has (default: all). */
  patched?: (id: string) => boolean;
}

/** One run driven in process; `result` settles when the run ends or continues as new. */
export class InProcessRun {
  readonly interpreter: RunInterpreter;
  readonly result: Promise<LoopResult>;
  #settled = false;

  constructor(input: RunInput, options: InProcessRunOptions) {
    const budget = options.stepBudget ?? 500;
    const ports: LoopPorts = {
      now: () => options.time.now(),
      activities: options.activities,
      condition: (ready, timeoutMs) => options.time.condition(ready, timeoutMs),
      continueAsNewDue: (steps) => steps >= budget,
      patched: options.patched ?? (() => true),
      effectFailure: (error: unknown, intent: PlainIntent): EffectResult => {
        const details = (error as { details?: unknown[] } | undefined)?.details;
        const carried = details?.[0] as EffectResult | undefined;
        if (carried && typeof carried === 'object' && 'ok' in carried) return carried;
        return undeliveredEffect(intent.kind, error instanceof Error ? error.message : String(error));
      },
      isCancellation: () => false,
    };
    this.interpreter = new RunInterpreter(input, ports);
    this.result = this.interpreter.run().finally(() => {
      this.#settled = true;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  signal(event: RunEvent, time: VirtualWorkflowTime): void {
    this.interpreter.onInbound(event);
    time.poke();
  }
}

/** Lets activities and the interpreter run until `done()` holds (or fails after `turns` event-loop turns). */
export async function settle(done: () => boolean, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('settle: the run did not come to rest');
}

/** The input the runtime facade builds for a run entering `graph` at its first trigger (for tests and the bench). */
export function runInputFor(options: {
  ledger: RunLedger;
  runId: string;
  flowId: string;
  versionId: string;
  graph: FlowGraph;
  customerId: string;
  now: number;
  channel?: 'line';
  vars?: Record<string, unknown>;
  stepBudget?: number;
}): RunInput {
  const flow = new CompiledFlow(options.flowId, options.versionId, options.graph);
  const trigger = options.graph.triggers[0]!;
  const start = flow.startFor(trigger.id)!;
  const vars = options.vars ?? {};
  options.ledger.insertRun({
    id: options.runId,
    flowId: options.flowId,
    versionId: options.versionId,
    customerId: options.customerId,
    ...(options.channel ? { channel: options.channel } : {}),
    kind: flow.kind,
    nodeId: start,
    vars,
    enteredAt: options.now,
  });
  return {
    runId: options.runId,
    flowId: options.flowId,
    versionId: options.versionId,
    graph: options.graph,
    customerId: options.customerId,
    ...(options.channel ? { channel: options.channel } : {}),
    isTest: false,
    trigger: { type: 'api.invoked', payload: { vars }, triggerId: trigger.id, eventId: `entry:${options.runId}` },
    enteredAt: options.now,
    position: { nodeId: start, stepSeq: 0, stepStartedAt: options.now, hops: 0, vars, checkedSeq: -1 },
    ...(options.stepBudget ? { stepBudget: options.stepBudget } : {}),
  };
}
