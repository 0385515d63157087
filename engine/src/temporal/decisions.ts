import type { FlowEventKind, JourneySettings, RunStatus } from '@omniflow/schemas';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { EffectResult } from '../effects.ts';
import type { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { matchesEvent } from '../interpreter/event-match.ts';
import type { RunEvent, StepOutcomeLabel, WaitPlan } from './contract.ts';

// The run workflow's decisions as plain functions (no Temporal, no I/O): where a port leads, whether an
// event resumes a wait or ends the run, when a run may enter. They restate the embedded runtime's rules
// (engine/src/embedded/engine.ts #route, #handleEvent, #enterTx) so both runtimes take the same paths;
// decisions.test.ts pins them.

export type RouteDecision =
  | { kind: 'goto'; nodeId: string; hops: number }
  | {
      kind: 'finish';
      status: Extract<RunStatus, 'completed' | 'exited'>;
      reason: string;
      /** Free text nobody consumed: handed on to chatbot keyword rules as a new message. */
      fallthrough?: { eventId: string; payload: Record<string, unknown> };
    };

export interface RouteInput {
  runId: string;
  nodeId: string;
  port: string;
  hops: number;
  /** The node ran because of an input (a reply or click), not a timer: the loop guard starts again. */
  byInput: boolean;
  resumedBy?: { type: string; payload: Record<string, unknown> };
}

/** Follows a port: the next node, the next card of the module, or the end of the run (with why). */
export function route(flow: CompiledFlow, input: RouteInput): RouteDecision {
  const { nodeId, port } = input;
  let target = flow.follow(nodeId, port);
  if (!target && flow.kind === 'chatbot') {
    // An unconnected "invalid" falls back to "next" (§4.1.10); otherwise the module goes on with its next card.
    if (port === 'invalid') target = flow.follow(nodeId, 'next');
    if (!target) {
      const next = flow.nextCard(nodeId);
      if (next) target = { node: next, jump: false };
    }
  }
  if (!target && flow.kind === 'chatbot' && port === 'freeText' && input.resumedBy?.type === 'reply') {
    const by = input.resumedBy;
    return {
      kind: 'finish',
      status: 'completed',
      reason: 'free_text',
      fallthrough: { eventId: `${String(by.payload.eventId ?? input.runId)}:fallthrough`, payload: { ...by.payload, fallthrough: true } },
    };
  }
  if (!target) return { kind: 'finish', status: 'completed', reason: `no_edge:${nodeId}:${port}` };
  let hops = input.byInput ? 0 : input.hops;
  if (target.jump) {
    hops += 1;
    if (hops > flow.loopGuard) return { kind: 'finish', status: 'exited', reason: 'loop_guard' };
  }
  return { kind: 'goto', nodeId: target.node, hops };
}

/** Whether an inbound event resumes this wait (a postback addressed to a card only resumes that card). */
export function resumes(wait: WaitPlan, nodeId: string, event: RunEvent): boolean {
  if (event.payload.fallthrough === true) return false;
  if (!wait.events.some((m) => matchesEvent(m, event.kind, event.payload))) return false;
  if (event.kind === 'buttonClick' && typeof event.payload.nodeId === 'string' && event.payload.nodeId !== nodeId) return false;
  return true;
}

/** What the node sees as `ctx.resumedBy` when an event wakes it. */
export function resumedByEvent(event: RunEvent): { type: string; payload: Record<string, unknown> } {
  return { type: event.kind ?? event.type, payload: { ...event.payload, eventId: event.id } };
}

/** A journey goal or exit listening for this event (goals first, as the embedded runtime checks them). */
export function eventEndsRun(
  settings: JourneySettings | undefined,
  kind: FlowEventKind | undefined,
  payload: Record<string, unknown>,
): { status: 'goal_reached' | 'exited'; reason: string } | undefined {
  if (!settings || payload.fallthrough === true) return undefined;
  const goal = settings.goals.find((g) => g.when.kind === 'event' && matchesEvent(g.when.match, kind, payload));
  if (goal) return { status: 'goal_reached', reason: `goal:${goal.id}` };
  const exit = settings.exitConditions.find((x) => x.when.kind === 'event' && matchesEvent(x.when.match, kind, payload));
  if (exit) return { status: 'exited', reason: `exit:${exit.id}` };
  return undefined;
}

/** The timeline label of a run that ends with this status. */
export function endLabel(status: RunStatus): StepOutcomeLabel {
  return status === 'goal_reached' ? 'goal' : status === 'exited' ? 'exited' : 'skipped';
}

export interface EntryFacts {
  /** Runs of this flow for this contact not finished yet. */
  active: number;
  /** Runs of this flow for this contact ever started. */
  total: number;
  /** When the latest finished run ended (epoch ms). */
  lastEndedAt?: number;
}

/** Re-entry and concurrency rules of a journey (§3): undefined when the contact may enter. */
export function entryRefusal(
  settings: JourneySettings | undefined,
  facts: EntryFacts,
  now: number,
  cooldownMs: (s: JourneySettings) => number,
): string | undefined {
  if (!settings) return undefined;
  if (facts.active >= settings.maxConcurrentRunsPerContact) return 'concurrent_run';
  if (settings.reentry.mode === 'never' && facts.total > 0) return 'reentry_never';
  if (settings.reentry.mode === 'afterCooldown' && facts.lastEndedAt !== undefined && now - facts.lastEndedAt < cooldownMs(settings)) return 'cooldown';
  return undefined;
}

/** Patch ids of interpreter behaviour changes (workflow `patched()` guards); never reuse or remove one while runs may replay it. */
export const PATCHES = {
  /** Continue-as-new at a step boundary once the step budget is spent, not only at waits. */
  stepBudgetMidActivation: 'omniflow-step-budget-mid-activation',
} as const;

/** What a node sees when its effect could not be delivered (retries exhausted, or no result came back). */
export function undeliveredEffect(kind: 'send' | 'http' | 'capi', message: string): EffectResult {
  return kind === 'http' ? { ok: false, reason: 'network', message } : { ok: false, reason: 'delivery_failed', message, retryable: false };
}

/**
 * The result a node sees for an effect whose delivery activity failed: the platform's answer carried in
 * the failure's details (a 4xx, or the last retryable answer), else an undelivered effect.
 */
export function effectResultOfFailure(error: unknown, kind: 'send' | 'http' | 'capi'): EffectResult {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.details?.length) {
    const carried = cause.details[0];
    if (carried !== null && typeof carried === 'object' && 'ok' in carried) return carried as EffectResult;
  }
  return undeliveredEffect(kind, cause instanceof Error ? cause.message : String(cause));
}
