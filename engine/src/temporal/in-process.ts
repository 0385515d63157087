import type { FlowGraph } from '@omniflow/schemas';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import type { PlainIntent, RunActivities, RunEvent, RunInput, RunSnapshot } from './contract.ts';
import { effectResultOfFailure } from './decisions.ts';
import type { RunLedger } from './ledger.ts';
import { type LoopPorts, type LoopResult, RunInterpreter } from './run-loop.ts';
import type { RunSignals, RunWorkflowGateway } from './runtime.ts';

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
  /** Which errors are the workflow being cancelled (default: none). */
  isCancellation?: (error: unknown) => boolean;
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
      effectFailure: (error: unknown, intent: PlainIntent) => effectResultOfFailure(error, intent.kind),
      isCancellation: options.isCancellation ?? (() => false),
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

/**
 * The runtime's gateway to Temporal, served in process: each started run is an InProcessRun of the real
 * workflow body, signals go to its handlers, continue-as-new starts the next execution under the same
 * id, and a workflow id is never reused (REJECT_DUPLICATE). Lets the runtime facade be tested end to end
 * (triggers, dedupe, re-entry, inbound routing, publish policies, ending a flow) without a server.
 */
export class InProcessGateway implements RunWorkflowGateway {
  readonly runs = new Map<string, InProcessRun>();
  readonly #used = new Set<string>();
  /** Set once the activities exist (they need the runtime, which needs this gateway). */
  activities: RunActivities | undefined;

  constructor(
    readonly time: VirtualWorkflowTime,
    readonly options: { stepBudget?: number } = {},
  ) {}

  async start(input: RunInput, first: RunEvent): Promise<boolean> {
    if (this.#used.has(input.runId)) return false;
    this.#used.add(input.runId);
    this.#launch(input).interpreter.onInbound(first);
    return true;
  }

  #launch(input: RunInput): InProcessRun {
    if (!this.activities) throw new Error('InProcessGateway: set activities before starting runs');
    const run = new InProcessRun(input, {
      activities: this.activities,
      time: this.time,
      ...(this.options.stepBudget ? { stepBudget: this.options.stepBudget } : {}),
    });
    this.runs.set(input.runId, run);
    void run.result.then((result) => {
      if (result.kind === 'continue') this.#launch(result.input);
    });
    return run;
  }

  async signal<K extends keyof RunSignals>(runId: string, name: K, arg: RunSignals[K]): Promise<boolean> {
    const run = this.runs.get(runId);
    if (!run || run.settled) return false;
    if (name === 'inbound') run.interpreter.onInbound(arg as RunEvent);
    else if (name === 'versionPublished') run.interpreter.onVersionPublished(arg as RunSignals['versionPublished']);
    else run.interpreter.onEnd(arg as RunSignals['end']);
    this.time.poke();
    return true;
  }

  async state(runId: string): Promise<RunSnapshot> {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`No workflow ${runId}`);
    return run.interpreter.snapshot();
  }

  /** Whether every run has ended or is blocked on a wait. */
  atRest(): boolean {
    const moving = [...this.runs.values()].filter((r) => !r.settled).length;
    return this.time.blocked === moving;
  }
}
