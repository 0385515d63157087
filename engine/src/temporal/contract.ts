import type { NodeOutcome } from '@omniflow/nodes';
import type { ChannelKind, EventMatcher, FlowEventKind, FlowGraph, RunStatus } from '@omniflow/schemas';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EffectKind, EffectResult } from '../effects.ts';
import type { EmittedEvent } from '../interpreter/execute-node.ts';

// What the run workflow, its activities and the runtime facade exchange. Everything here crosses
// Temporal's payload converter, so it is plain JSON: times are epoch milliseconds, never Date.

export const RUN_WORKFLOW = 'omniflowRun';

/** An inbound event as the workflow sees it: a reply, a postback, a tag change… */
export interface RunEvent {
  id: string;
  kind?: FlowEventKind;
  type: string;
  payload: Record<string, unknown>;
  occurredAt: number;
}

/** A wait the run is in: the events that resume it, and when it times out. */
export interface WaitPlan {
  events: EventMatcher[];
  untilMs?: number;
  timeoutPort?: string;
  /** Deferred by quiet hours: when the time comes the node runs afresh (not resumed). */
  deferred?: boolean;
}

/** Where a run is: enough to carry it across continue-as-new. */
export interface RunPosition {
  nodeId: string;
  stepSeq: number;
  stepStartedAt: number;
  hops: number;
  vars: Record<string, unknown>;
  resumedBy?: { type: string; payload: Record<string, unknown> };
  waitState?: Record<string, unknown>;
  /** Exits/goals were checked for this step (a re-execution after an effect does not check again). */
  checkedSeq: number;
  /** Set when the run continued as new while waiting. */
  wait?: WaitPlan;
}

export interface RunInput {
  runId: string;
  flowId: string;
  versionId: string;
  /** The pinned version's graph: a run never reads another version unless the publish policy moves it. */
  graph: FlowGraph;
  customerId: string;
  channel?: ChannelKind;
  isTest: boolean;
  trigger: { type: string; payload: Record<string, unknown>; triggerId?: string; eventId: string };
  enteredAt: number;
  position: RunPosition;
  /** Events received but not consumed yet (carried across continue-as-new). */
  inbox?: RunEvent[];
  /** Event ids already seen (signals are delivered at least once by the facade). */
  seen?: string[];
  /** A newer version to move to at the next wait (publish policy move_at_next_wait). */
  migrateTo?: { versionId: string; graph: FlowGraph };
  /** Node executions per workflow execution before it continues as new (default 500). */
  stepBudget?: number;
  /** How many executions of this run came before (continue-as-new generations). */
  generation?: number;
}

export type InFlightPolicy = 'keep' | 'move_at_next_wait' | 'cancel';

export interface VersionPublished {
  versionId: string;
  graph: FlowGraph;
  policy: InFlightPolicy;
}

export interface EndRequest {
  status: Extract<RunStatus, 'cancelled' | 'exited' | 'goal_reached'>;
  reason: string;
}

/** What the `state` query answers. */
export interface RunSnapshot {
  runId: string;
  flowId: string;
  versionId: string;
  customerId: string;
  status: RunStatus;
  nodeId: string;
  stepSeq: number;
  vars: Record<string, unknown>;
  wait?: WaitPlan;
  pendingEvents: number;
  generation: number;
  exitReason?: string;
}

/** An inbound event for the run (at least once; the workflow ignores ids it has seen). */
export const inboundSignal = defineSignal<[RunEvent]>('inbound');
/** A new version of the run's flow was published. */
export const versionPublishedSignal = defineSignal<[VersionPublished]>('versionPublished');
/** Ends the run (flow ended, contact removed…); the step in progress is cancelled. */
export const endSignal = defineSignal<[EndRequest]>('end');
/** The run's current state. */
export const stateQuery = defineQuery<RunSnapshot>('state');

// ───────────────────────── activities ─────────────────────────

export interface StepRequest {
  runId: string;
  flowId: string;
  versionId: string;
  customerId: string;
  channel?: ChannelKind;
  isTest: boolean;
  trigger: { type: string; payload: Record<string, unknown> };
  nodeId: string;
  stepSeq: number;
  stepStartedAt: number;
  vars: Record<string, unknown>;
  resumedBy?: { type: string; payload: Record<string, unknown> };
  waitState?: Record<string, unknown>;
  /** Check journey exits, goals and quiet hours before the node (once per node entry). */
  checkBeforeNode: boolean;
  /** Delivered results of this step's external effects, by idempotency key. */
  recorded: Record<string, EffectResult>;
}

/** A node outcome as plain JSON (a wait's `until` as epoch ms). */
export type PlainOutcome = Exclude<NodeOutcome, { kind: 'wait' }> | (Omit<Extract<NodeOutcome, { kind: 'wait' }>, 'until'> & { untilMs?: number });

export interface PlainIntent {
  key: string;
  kind: EffectKind;
  payload: Record<string, unknown>;
}

export type StepReply =
  | { kind: 'suspend'; intents: PlainIntent[] }
  | { kind: 'outcome'; outcome: PlainOutcome; events: EmittedEvent[]; effectKeys: string[] }
  /** A journey exit or goal held before the node ran. */
  | { kind: 'ended'; status: Extract<RunStatus, 'exited' | 'goal_reached'>; reason: string; explanation: string }
  /** Quiet hours: skip the node, or defer it to `untilMs`. */
  | { kind: 'quiet'; mode: 'skip' | 'defer'; untilMs: number }
  /** The node or contact is gone: the run fails. */
  | { kind: 'broken'; reason: string; message: string };

export interface DeliverRequest {
  runId: string;
  flowId: string;
  customerId: string;
  nodeId: string;
  intent: PlainIntent;
}

export type StepOutcomeLabel = 'passed' | 'waiting' | 'failed' | 'skipped' | 'exited' | 'goal';

/** Run-ledger writes (the projection the api reads: run list, timelines, node counts). */
export type LedgerEntry =
  | {
      kind: 'step';
      runId: string;
      seq: number;
      nodeId: string;
      nodeType: string;
      startedAt: number;
      endedAt?: number;
      outcome: StepOutcomeLabel;
      port?: string;
      explanation?: string;
      input?: unknown;
      error?: { reason: string; message: string };
    }
  | {
      kind: 'position';
      runId: string;
      versionId: string;
      nodeId: string;
      state: 'ready' | 'effect' | 'waiting';
      vars: Record<string, unknown>;
      wait?: WaitPlan;
    }
  | { kind: 'finish'; runId: string; status: RunStatus; reason: string; endedAt: number; vars: Record<string, unknown> };

/** An event a run hands back to the runtime: emitted by a step, or free text falling through to keyword rules. */
export interface RuntimeEvent {
  id: string;
  type: 'tag.applied' | 'tag.removed' | 'attribute.changed' | 'message.received';
  kind?: FlowEventKind;
  customerId: string;
  channel?: ChannelKind;
  source?: string;
  payload: Record<string, unknown>;
  occurredAt: number;
}

/** The activity surface the workflow proxies (implemented by createActivities). */
export interface RunActivities {
  executeStep(request: StepRequest): Promise<StepReply>;
  deliverEffect(request: DeliverRequest): Promise<EffectResult>;
  publishEvents(events: RuntimeEvent[]): Promise<void>;
  recordLedger(entries: LedgerEntry[]): Promise<void>;
}

/** Error types the activities throw that retrying cannot fix. */
export const NON_RETRYABLE_ERRORS = ['OmniflowValidationError', 'OmniflowPlatformRejected', 'OmniflowUnknownVersion'] as const;
/** A retryable platform failure (5xx, 429, network): Temporal retries it with back-off. */
export const RETRYABLE_PLATFORM_ERROR = 'OmniflowPlatformRetryable';
