import type { EffectResult } from '../effects.ts';
import { CompiledFlow } from '../interpreter/compiled-flow.ts';
import type {
  EndRequest,
  LedgerEntry,
  PlainIntent,
  PlainOutcome,
  RunActivities,
  RunEvent,
  RunInput,
  RunPosition,
  RunSnapshot,
  StepOutcomeLabel,
  StepReply,
  VersionPublished,
  WaitPlan,
} from './contract.ts';
import { endLabel, eventEndsRun, PATCHES, resumedByEvent, resumes, route } from './decisions.ts';

// The body of the run workflow, written against a few ports (time, a condition wait, activities,
// continue-as-new and patch checks) so the same code runs inside Temporal's sandbox (workflows.ts binds
// the ports to @temporalio/workflow) and in plain tests with real activities. Deterministic: it reads
// time only through `now()`, keeps no global state and iterates in insertion order.
//
// One activation mirrors the embedded runtime's #activate: execute the node (an activity); when the node
// asks for external effects, deliver each as its own activity with its idempotency key
// (runId:nodeId:stepSeq:callIndex) and execute the node again with the results (replay); then apply the
// outcome: route, wait (sleep/condition with a timeout), end or fail.

export interface LoopPorts {
  now(): number;
  activities: RunActivities;
  /** Resolves true once `ready()` holds, false when `timeoutMs` passes first (no timeout: wait for ever). */
  condition(ready: () => boolean, timeoutMs?: number): Promise<boolean>;
  /** Whether this execution should hand over to a new one (server suggestion or the step budget). */
  continueAsNewDue(stepsThisExecution: number): boolean;
  patched(patchId: string): boolean;
  /** The final result carried by a failed delivery activity (retries exhausted, or non-retryable). */
  effectFailure(error: unknown, intent: PlainIntent): EffectResult;
  /** Whether an error is the workflow being cancelled (never swallowed). */
  isCancellation(error: unknown): boolean;
}

export type LoopResult = { kind: 'done'; status: RunSnapshot['status']; reason: string } | { kind: 'continue'; input: RunInput };

type Ending = { status: RunSnapshot['status']; reason: string; explanation?: string | undefined };

const SEEN_KEPT = 500;
/** Node executions between waits before the run fails (the embedded runtime's maxStepsPerActivation). */
const MAX_STEPS_PER_ACTIVATION = 1000;

export class RunInterpreter {
  readonly #input: RunInput;
  readonly #ports: LoopPorts;
  #flow: CompiledFlow;
  #versionId: string;
  #pos: RunPosition;
  #inbox: RunEvent[];
  readonly #seen: Set<string>;
  #migrateTo: VersionPublished | undefined;
  /** How the run ends: decided by the run itself, or asked for by a signal (the first one wins). */
  #end: Ending | undefined;
  #status: RunSnapshot['status'] = 'running';
  #exitReason: string | undefined;
  #ledger: LedgerEntry[] = [];
  #steps = 0;

  constructor(input: RunInput, ports: LoopPorts) {
    this.#input = input;
    this.#ports = ports;
    this.#versionId = input.versionId;
    this.#flow = new CompiledFlow(input.flowId, input.versionId, input.graph);
    this.#pos = structuredCloneJson(input.position);
    this.#inbox = [...(input.inbox ?? [])];
    this.#seen = new Set([input.trigger.eventId, ...(input.seen ?? [])]);
    this.#migrateTo = input.migrateTo ? { ...input.migrateTo, policy: 'move_at_next_wait' } : undefined;
    if (this.#pos.wait) this.#status = 'waiting';
  }

  // ───────────────────────── signals and the query ─────────────────────────

  /** An inbound event: it may end the run (journey exit/goal listening for it) or wait for the run's next wait. */
  onInbound(event: RunEvent): void {
    if (this.#seen.has(event.id) || this.#isDone()) return;
    this.#seen.add(event.id);
    const ends = eventEndsRun(this.#flow.journeySettings, event.kind, event.payload);
    if (ends) {
      this.#end ??= ends;
      return;
    }
    this.#inbox.push(event);
  }

  onVersionPublished(v: VersionPublished): void {
    if (v.versionId === this.#versionId || this.#isDone()) return;
    if (v.policy === 'cancel') this.#end ??= { status: 'cancelled', reason: 'new_version_published' };
    else if (v.policy === 'move_at_next_wait') this.#migrateTo = v;
  }

  onEnd(request: EndRequest): void {
    if (!this.#isDone()) this.#end ??= request;
  }

  /** How the run is ending, once decided (the workflow uses its reason when it is cancelled). */
  get ending(): { status: RunSnapshot['status']; reason: string } | undefined {
    return this.#end;
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.#input.runId,
      flowId: this.#input.flowId,
      versionId: this.#versionId,
      customerId: this.#input.customerId,
      status: this.#status,
      nodeId: this.#pos.nodeId,
      stepSeq: this.#pos.stepSeq,
      vars: this.#pos.vars,
      ...(this.#pos.wait ? { wait: this.#pos.wait } : {}),
      pendingEvents: this.#inbox.length,
      generation: this.#input.generation ?? 0,
      ...(this.#exitReason ? { exitReason: this.#exitReason } : {}),
    };
  }

  #isDone(): boolean {
    return !(this.#status === 'running' || this.#status === 'waiting');
  }

  // ───────────────────────── the loop ─────────────────────────

  async run(): Promise<LoopResult> {
    let activationSteps = 0;
    for (;;) {
      if (this.#end) return this.finish(this.#end.status, this.#end.reason, this.#end.explanation);
      if (this.#pos.wait) {
        const woke = await this.#waitOut();
        if (woke === 'continue') return this.#continueAsNew();
        activationSteps = 0;
        continue;
      }
      if (activationSteps >= MAX_STEPS_PER_ACTIVATION) return this.#fail('step_limit', `More than ${MAX_STEPS_PER_ACTIVATION} steps without a wait`);
      if (activationSteps > 0 && this.#ports.patched(PATCHES.stepBudgetMidActivation) && this.#ports.continueAsNewDue(this.#steps)) {
        return this.#continueAsNew();
      }
      const node = this.#flow.node(this.#pos.nodeId);
      if (!node) return this.#fail('unknown_node', `Node ${this.#pos.nodeId} is not in version ${this.#versionId}`);
      try {
        const reply = await this.#executeStep();
        if (this.#end) continue;
        this.#steps++;
        activationSteps++;
        await this.#apply(reply, node.type);
      } catch (e) {
        // An activity that failed for good (its retries spent): the run fails, as an engine error does in
        // the embedded runtime, instead of the workflow failing with the run left open in the ledger.
        if (this.#ports.isCancellation(e)) throw e;
        return this.#fail('engine_error', e instanceof Error ? e.message : String(e));
      }
    }
  }

  /** Executes the current node, delivering the effects it asks for and executing it again with their results. */
  async #executeStep(): Promise<StepReply> {
    const pos = this.#pos;
    const checkBeforeNode = this.#flow.kind === 'journey' && !pos.resumedBy && pos.checkedSeq < pos.stepSeq;
    const recorded: Record<string, EffectResult> = {};
    let check = checkBeforeNode;
    for (;;) {
      const reply = await this.#ports.activities.executeStep({
        runId: this.#input.runId,
        flowId: this.#input.flowId,
        versionId: this.#versionId,
        customerId: this.#input.customerId,
        ...(this.#input.channel ? { channel: this.#input.channel } : {}),
        isTest: this.#input.isTest,
        trigger: { type: this.#input.trigger.type, payload: this.#input.trigger.payload },
        nodeId: pos.nodeId,
        stepSeq: pos.stepSeq,
        stepStartedAt: pos.stepStartedAt,
        vars: pos.vars,
        ...(pos.resumedBy ? { resumedBy: pos.resumedBy } : {}),
        ...(pos.waitState ? { waitState: pos.waitState } : {}),
        checkBeforeNode: check,
        recorded,
      });
      if (reply.kind !== 'suspend') return reply;
      if (check) pos.checkedSeq = pos.stepSeq;
      check = false;
      const missing = reply.intents.filter((i) => !(i.key in recorded));
      if (!missing.length) throw new Error(`Node ${pos.nodeId} suspended without new effects`);
      this.#record({ kind: 'position', runId: this.#input.runId, versionId: this.#versionId, nodeId: pos.nodeId, state: 'effect', vars: pos.vars });
      await this.#flush();
      // Effects of one step go out together; each is its own activity, retried on its own.
      const results = await Promise.all(missing.map((intent) => this.#deliver(intent)));
      missing.forEach((intent, i) => {
        recorded[intent.key] = results[i]!;
      });
      if (this.#end) return reply;
    }
  }

  async #deliver(intent: PlainIntent): Promise<EffectResult> {
    try {
      return await this.#ports.activities.deliverEffect({
        runId: this.#input.runId,
        flowId: this.#input.flowId,
        customerId: this.#input.customerId,
        nodeId: this.#pos.nodeId,
        intent,
      });
    } catch (e) {
      if (this.#ports.isCancellation(e)) throw e;
      return this.#ports.effectFailure(e, intent);
    }
  }

  async #apply(reply: StepReply, nodeType: string): Promise<void> {
    const pos = this.#pos;
    const now = this.#ports.now();
    switch (reply.kind) {
      case 'suspend':
        return;
      case 'broken':
        this.#step(nodeType, { outcome: 'failed', explanation: reply.message, error: { reason: reply.reason, message: reply.message } }, now);
        this.#end = { status: 'failed', reason: reply.reason };
        return;
      case 'ended':
        this.#end = { status: reply.status, reason: reply.reason, explanation: reply.explanation };
        return;
      case 'quiet':
        if (reply.mode === 'skip') {
          this.#step(nodeType, { outcome: 'skipped', port: 'skipped', explanation: 'Skipped: quiet hours' }, now);
          this.#follow('skipped', {}, false);
        } else {
          this.#step(nodeType, { outcome: 'waiting', explanation: `Quiet hours: deferred until ${new Date(reply.untilMs).toISOString()}` }, now, true);
          this.#enterWait({ events: [], untilMs: reply.untilMs, deferred: true });
        }
        return;
      case 'outcome': {
        if (reply.events.length) {
          await this.#ports.activities.publishEvents(
            reply.events.map((e) => ({
              id: e.key,
              type: e.type,
              kind: e.type === 'tag.applied' ? 'tagApplied' : e.type === 'tag.removed' ? 'tagRemoved' : 'attributeChanged',
              customerId: this.#input.customerId,
              ...(this.#input.channel ? { channel: this.#input.channel } : {}),
              source: String(e.payload.source ?? 'journey'),
              payload: e.payload,
              occurredAt: now,
            })),
          );
        }
        const outcome: PlainOutcome = reply.outcome;
        const input = pos.resumedBy
          ? { resumedBy: pos.resumedBy, effects: reply.effectKeys }
          : reply.effectKeys.length
            ? { effects: reply.effectKeys }
            : undefined;
        switch (outcome.kind) {
          case 'next': {
            this.#step(nodeType, { outcome: 'passed', port: outcome.port, explanation: outcome.explanation, input }, now);
            const byInput = pos.resumedBy !== undefined && pos.resumedBy.type !== 'timer';
            this.#follow(outcome.port, outcome.vars ?? {}, byInput);
            return;
          }
          case 'wait': {
            this.#step(nodeType, { outcome: 'waiting', explanation: outcome.explanation, input }, now, true);
            pos.waitState = outcome.state ? { ...outcome.state } : undefined;
            this.#enterWait({
              events: [...(outcome.events ?? [])],
              ...(outcome.untilMs !== undefined ? { untilMs: outcome.untilMs } : {}),
              ...(outcome.timeoutPort ? { timeoutPort: outcome.timeoutPort } : {}),
            });
            return;
          }
          case 'end':
            this.#step(
              nodeType,
              { outcome: outcome.status === 'completed' ? 'passed' : endLabel(outcome.status), explanation: outcome.explanation, input },
              now,
            );
            this.#end = { status: outcome.status, reason: outcome.reason ?? nodeType };
            return;
          case 'fail': {
            const error = { reason: outcome.reason, message: outcome.message };
            if (outcome.port && this.#flow.target(pos.nodeId, outcome.port) !== undefined) {
              this.#step(nodeType, { outcome: 'failed', port: outcome.port, explanation: outcome.message, error, input }, now);
              this.#follow(outcome.port, {}, false);
              return;
            }
            this.#step(nodeType, { outcome: 'failed', explanation: outcome.message, error, input }, now);
            this.#end = { status: 'failed', reason: outcome.reason };
            return;
          }
        }
      }
    }
  }

  #enterWait(wait: WaitPlan): void {
    const pos = this.#pos;
    pos.resumedBy = undefined;
    pos.wait = wait;
    this.#status = 'waiting';
    // Publish policy move_at_next_wait: a run reaching a wait moves to the new version if it has this node.
    this.#maybeMigrate();
    this.#record({ kind: 'position', runId: this.#input.runId, versionId: this.#versionId, nodeId: pos.nodeId, state: 'waiting', vars: pos.vars, wait });
  }

  #maybeMigrate(): void {
    const next = this.#migrateTo;
    if (!next) return;
    const flow = new CompiledFlow(this.#input.flowId, next.versionId, next.graph);
    if (!flow.node(this.#pos.nodeId)) return;
    this.#flow = flow;
    this.#versionId = next.versionId;
    this.#migrateTo = undefined;
    const pos = this.#pos;
    if (pos.wait)
      this.#record({
        kind: 'position',
        runId: this.#input.runId,
        versionId: this.#versionId,
        nodeId: pos.nodeId,
        state: 'waiting',
        vars: pos.vars,
        wait: pos.wait,
      });
  }

  /** Follows a port from the current node (or ends the run when it leads nowhere). */
  #follow(port: string, vars: Record<string, unknown>, byInput: boolean): void {
    const pos = this.#pos;
    const decision = route(this.#flow, {
      runId: this.#input.runId,
      nodeId: pos.nodeId,
      port,
      hops: pos.hops,
      byInput,
      ...(pos.resumedBy ? { resumedBy: pos.resumedBy } : {}),
    });
    pos.vars = { ...pos.vars, ...vars };
    if (decision.kind === 'finish') {
      if (decision.fallthrough) this.#fallthrough = decision.fallthrough;
      this.#end = { status: decision.status, reason: decision.reason };
      return;
    }
    pos.nodeId = decision.nodeId;
    pos.stepSeq += 1;
    pos.stepStartedAt = this.#ports.now();
    pos.hops = decision.hops;
    pos.resumedBy = undefined;
    pos.waitState = undefined;
    pos.wait = undefined;
    this.#status = 'running';
  }
  #fallthrough: { eventId: string; payload: Record<string, unknown> } | undefined;

  /** Blocks until an event resumes the wait, its time comes, or the run is ended; 'continue' hands over to a new execution. */
  async #waitOut(): Promise<'woke' | 'continue'> {
    const pos = this.#pos;
    const wait = pos.wait!;
    for (;;) {
      if (this.#migrateTo) this.#maybeMigrate();
      // Events that came while the run was moving are matched in order; ones this wait ignores are dropped.
      while (this.#inbox.length) {
        const event = this.#inbox.shift()!;
        if (resumes(wait, pos.nodeId, event)) {
          this.#wake(resumedByEvent(event));
          return 'woke';
        }
      }
      if (this.#end) return 'woke';
      if (this.#ports.continueAsNewDue(this.#steps)) return 'continue';
      await this.#flush();
      const timeout = wait.untilMs === undefined ? undefined : Math.max(0, wait.untilMs - this.#ports.now());
      const signalled = await this.#ports.condition(() => this.#end !== undefined || this.#inbox.length > 0 || this.#migrateTo !== undefined, timeout);
      if (signalled) continue;
      // The time came.
      if (wait.timeoutPort) {
        const node = this.#flow.node(pos.nodeId)!;
        pos.stepSeq += 1;
        pos.stepStartedAt = this.#ports.now();
        pos.wait = undefined;
        this.#status = 'running';
        this.#step(node.type, { outcome: 'passed', port: wait.timeoutPort, explanation: 'Timed out' }, pos.stepStartedAt);
        this.#follow(wait.timeoutPort, {}, false);
      } else this.#wake(wait.deferred ? undefined : { type: 'timer', payload: {} });
      return 'woke';
    }
  }

  #wake(by: { type: string; payload: Record<string, unknown> } | undefined): void {
    const pos = this.#pos;
    pos.wait = undefined;
    pos.resumedBy = by;
    pos.stepSeq += 1;
    pos.stepStartedAt = this.#ports.now();
    this.#status = 'running';
  }

  // ───────────────────────── endings, the ledger, continue-as-new ─────────────────────────

  /** Finishes the run: records why (and the step that ended it), flushes the ledger. */
  async finish(status: RunSnapshot['status'], reason: string, explanation?: string): Promise<LoopResult> {
    const final = status;
    if (explanation) {
      const node = this.#flow.node(this.#pos.nodeId);
      if (node) this.#step(node.type, { outcome: endLabel(final), explanation }, this.#ports.now());
    }
    if (this.#fallthrough) {
      const f = this.#fallthrough;
      this.#fallthrough = undefined;
      await this.#ports.activities.publishEvents([
        {
          id: f.eventId,
          type: 'message.received',
          kind: 'reply',
          customerId: this.#input.customerId,
          ...(this.#input.channel ? { channel: this.#input.channel } : {}),
          payload: f.payload,
          occurredAt: this.#ports.now(),
        },
      ]);
    }
    this.#finishEntries(final, reason);
    await this.#flush();
    return { kind: 'done', status: final, reason };
  }

  #finishEntries(status: RunSnapshot['status'], reason: string): void {
    this.#status = status;
    this.#exitReason = reason;
    this.#pos.wait = undefined;
    this.#record({ kind: 'finish', runId: this.#input.runId, status, reason, endedAt: this.#ports.now(), vars: this.#pos.vars });
  }

  async #fail(reason: string, message: string): Promise<LoopResult> {
    const node = this.#flow.node(this.#pos.nodeId);
    if (node) this.#step(node.type, { outcome: 'failed', explanation: message, error: { reason, message } }, this.#ports.now());
    return this.finish('failed', reason);
  }

  async #continueAsNew(): Promise<LoopResult> {
    await this.#flush();
    const seen = [...this.#seen].slice(-SEEN_KEPT);
    const { migrateTo: _old, ...rest } = this.#input;
    return {
      kind: 'continue',
      input: {
        ...rest,
        versionId: this.#versionId,
        graph: this.#flow.graph,
        position: structuredCloneJson(this.#pos),
        inbox: [...this.#inbox],
        seen,
        ...(this.#migrateTo ? { migrateTo: { versionId: this.#migrateTo.versionId, graph: this.#migrateTo.graph } } : {}),
        generation: (this.#input.generation ?? 0) + 1,
      },
    };
  }

  #step(
    nodeType: string,
    step: { outcome: StepOutcomeLabel; port?: string; explanation?: string | undefined; input?: unknown; error?: { reason: string; message: string } },
    at: number,
    open = false,
  ): void {
    const pos = this.#pos;
    this.#record({
      kind: 'step',
      runId: this.#input.runId,
      seq: pos.stepSeq,
      nodeId: pos.nodeId,
      nodeType,
      startedAt: pos.stepStartedAt,
      ...(open ? {} : { endedAt: at }),
      outcome: step.outcome,
      ...(step.port ? { port: step.port } : {}),
      ...(step.explanation ? { explanation: step.explanation.slice(0, 2000) } : {}),
      ...(step.input !== undefined ? { input: step.input } : {}),
      ...(step.error ? { error: step.error } : {}),
    });
  }

  #record(entry: LedgerEntry): void {
    this.#ledger.push(entry);
  }

  /** Writes what the api reads (timeline, position) before the run blocks or ends. */
  async #flush(): Promise<void> {
    if (!this.#ledger.length) return;
    const entries = this.#ledger;
    this.#ledger = [];
    await this.#ports.activities.recordLedger(entries);
  }

  /** Records the end when the workflow was cancelled mid-step (called outside the cancelled scope). */
  async finishEnded(status: RunSnapshot['status'], reason: string): Promise<LoopResult> {
    this.#end = undefined;
    return this.finish(status, reason);
  }
}

/** A deep copy of plain JSON data (workflow state must not alias its input). */
function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
