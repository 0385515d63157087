import type { Catalogue, NodeOutcome } from '@omniflow/nodes';
import { ChannelKind } from '@omniflow/schemas';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { EffectHandler, EffectResult } from '../effects.ts';
import type { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { executeNode, type RunState } from '../interpreter/execute-node.ts';
import { exitOrGoal } from '../interpreter/exits-and-goals.ts';
import { quietHoursEnd, respectsQuietHours } from '../interpreter/quiet-hours.ts';
import {
  type DeliverRequest,
  type LedgerEntry,
  NON_RETRYABLE_ERRORS,
  type PlainOutcome,
  RETRYABLE_PLATFORM_ERROR,
  type RunActivities,
  type RuntimeEvent,
  type StepReply,
  type StepRequest,
} from './contract.ts';
import type { RunLedger } from './ledger.ts';

// The run workflow's activities: everything that touches contacts, channels, the clock or the ledger.
// executeStep runs one node through the same interpreter (executeNode) the embedded runtime uses, with
// the same idempotency keys; deliverEffect hands one external effect to the EffectHandler with its key
// and classifies the answer for Temporal's retry policy.

export interface ActivityDependencies {
  catalogue: Catalogue;
  contacts: ContactStore;
  effects: EffectHandler;
  ledger: RunLedger;
  /** Where events go back to the runtime (trigger matching, waiting runs), and the trigger-journey node. */
  runtime: {
    publishEvents(events: RuntimeEvent[]): Promise<void>;
    enterFromNode(journeyId: string, vars: Record<string, unknown>, key: string, from: RunState): Promise<{ entered: boolean; reason?: string }>;
  };
}

const [VALIDATION_ERROR, PLATFORM_REJECTED, UNKNOWN_VERSION] = NON_RETRYABLE_ERRORS;

const Json = z.record(z.string(), z.unknown());
const Resumed = z.object({ type: z.string(), payload: Json });
const StepRequestSchema = z.object({
  runId: z.string().min(1),
  flowId: z.string().min(1),
  versionId: z.string().min(1),
  customerId: z.string().min(1),
  channel: ChannelKind.optional(),
  isTest: z.boolean(),
  trigger: z.object({ type: z.string(), payload: Json }),
  nodeId: z.string().min(1),
  stepSeq: z.number().int().min(0),
  stepStartedAt: z.number().int().min(0),
  vars: Json,
  resumedBy: Resumed.optional(),
  waitState: Json.optional(),
  checkBeforeNode: z.boolean(),
  recorded: z.record(z.string(), z.unknown()),
});
const DeliverRequestSchema = z.object({
  runId: z.string().min(1),
  flowId: z.string().min(1),
  customerId: z.string().min(1),
  nodeId: z.string().min(1),
  intent: z.object({ key: z.string().min(1), kind: z.enum(['send', 'http', 'capi']), payload: Json }),
});

/** Bad input cannot become good by retrying: a non-retryable failure naming the field. */
function validated<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw ApplicationFailure.create({
    type: VALIDATION_ERROR,
    nonRetryable: true,
    message: `${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  });
}

/** HTTP statuses a platform will answer the same way again (4xx other than timeout and rate limiting). */
export function isClientRejection(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function createActivities(deps: ActivityDependencies): RunActivities {
  const flowOf = (versionId: string): CompiledFlow => {
    const flow = deps.ledger.version(versionId);
    if (!flow) throw ApplicationFailure.create({ type: UNKNOWN_VERSION, nonRetryable: true, message: `Version ${versionId} is not in the ledger` });
    return flow;
  };

  return {
    async executeStep(raw: StepRequest): Promise<StepReply> {
      const request = validated(StepRequestSchema, raw, 'executeStep') as StepRequest;
      const flow = flowOf(request.versionId);
      const node = flow.node(request.nodeId);
      const def = node && deps.catalogue.get(node.type, node.version);
      if (!node || !def) return { kind: 'broken', reason: 'unknown_node', message: `Node ${request.nodeId} (${node?.type ?? '?'}) is not in the catalogue` };
      const contact = await deps.contacts.get(request.customerId);
      if (!contact) return { kind: 'broken', reason: 'contact_not_found', message: `Contact ${request.customerId} not found` };

      if (request.checkBeforeNode && flow.kind === 'journey') {
        // Journey exits and goals are checked before every node (§4.2.17, §9.6), then quiet hours (§6.6).
        const hit = exitOrGoal(flow, contact, request.stepStartedAt);
        if (hit) return { kind: 'ended', ...hit };
        const quiet = flow.journeySettings?.quietHours;
        const quietEnd = quiet && respectsQuietHours(def, node.config) ? quietHoursEnd(new Date(request.stepStartedAt), flow.timeZone, quiet) : undefined;
        if (quiet && quietEnd) return { kind: 'quiet', mode: quiet.mode === 'skip' ? 'skip' : 'defer', untilMs: quietEnd.getTime() };
      }

      const state: RunState = {
        id: request.runId,
        flowId: request.flowId,
        versionId: request.versionId,
        customerId: request.customerId,
        ...(request.channel ? { channel: request.channel } : {}),
        isTest: request.isTest,
        vars: request.vars,
        trigger: request.trigger,
        stepSeq: request.stepSeq,
        stepStartedAt: request.stepStartedAt,
        ...(request.resumedBy ? { resumedBy: request.resumedBy } : {}),
        ...(request.waitState ? { waitState: request.waitState } : {}),
      };
      let exec: Awaited<ReturnType<typeof executeNode>>;
      try {
        exec = await executeNode(def, node, flow, state, contact, {
          contacts: deps.contacts,
          // Effects are delivered by their own activities before the node runs again, so a key is
          // either delivered (its result is here) or new.
          recorded: (key) => (key in request.recorded ? { result: request.recorded[key] } : undefined),
          enterJourney: (journeyId, vars, key, from) => deps.runtime.enterFromNode(journeyId, vars, key, from),
        });
      } catch (e) {
        return {
          kind: 'outcome',
          outcome: { kind: 'fail', reason: 'node_error', message: e instanceof Error ? e.message : String(e), retryable: false },
          events: [],
          effectKeys: [],
        };
      }
      if (exec.kind === 'suspend') return { kind: 'suspend', intents: exec.intents.map((i) => ({ key: i.key, kind: i.kind, payload: i.payload })) };
      return { kind: 'outcome', outcome: plainOutcome(exec.outcome), events: exec.events, effectKeys: exec.effectKeys };
    },

    async deliverEffect(raw: DeliverRequest): Promise<EffectResult> {
      const request = validated(DeliverRequestSchema, raw, 'deliverEffect') as DeliverRequest;
      let attempt = 1;
      try {
        attempt = Context.current().info.attempt;
      } catch {
        // Outside an activity context (plain tests): first attempt.
      }
      const result = await deps.effects.deliver({
        idempotencyKey: request.intent.key,
        kind: request.intent.kind,
        runId: request.runId,
        flowId: request.flowId,
        customerId: request.customerId,
        nodeId: request.nodeId,
        payload: request.intent.payload,
        attempt,
      });
      if (result.ok) return result;
      const status = 'status' in result && typeof result.status === 'number' ? result.status : undefined;
      if (isClientRejection(status)) {
        // The platform refused the request itself (4xx): retrying sends the same request to the same answer.
        throw ApplicationFailure.create({
          type: PLATFORM_REJECTED,
          nonRetryable: true,
          message: `${result.reason}: ${failureMessage(result)}`,
          details: [result],
        });
      }
      if ('retryable' in result && result.retryable) {
        throw ApplicationFailure.create({ type: RETRYABLE_PLATFORM_ERROR, message: `${result.reason}: ${failureMessage(result)}`, details: [result] });
      }
      return result;
    },

    async publishEvents(events: RuntimeEvent[]): Promise<void> {
      if (events.length) await deps.runtime.publishEvents(events);
    },

    async recordLedger(entries: LedgerEntry[]): Promise<void> {
      deps.ledger.apply(entries);
    },
  };
}

function failureMessage(result: EffectResult): string {
  return 'message' in result ? String(result.message) : 'failed';
}

function plainOutcome(outcome: NodeOutcome): PlainOutcome {
  if (outcome.kind !== 'wait') return outcome;
  const { until, ...rest } = outcome;
  return { ...rest, ...(until ? { untilMs: until.getTime() } : {}) };
}
