import { type AnyNodeDefinition, type NodeOutcome, type Placeholder, type RunContext, renderTemplate } from '@omniflow/nodes';
import type { ChannelKind, Customer, NodeInstance } from '@omniflow/schemas';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { EffectKind } from '../effects.ts';
import type { CompiledFlow } from './compiled-flow.ts';

// Executes one node's `run` with deterministic replay. Every capability call gets a call index; its key
// is `runId:nodeId:stepSeq:callIndex`.
//  - External effects (send, http, capi): if the outbox holds a delivered result for the key, the call
//    returns it (replay); otherwise the call is recorded as an intent and the execution suspends — the
//    caller commits the intent to the outbox in the same transaction as the run's state, and re-executes
//    the node once the dispatcher has stored the result.
//  - Internal effects (tags, attributes, points, subscription, hand-off, trigger journey) go to the
//    ContactStore / the engine with the key, which remember their answer, so re-execution never applies
//    them twice.
// `now` is the step's start time and `random` is seeded by the step key, so a replay takes the same path.

export interface RunState {
  id: string;
  flowId: string;
  versionId: string;
  customerId: string;
  channel?: ChannelKind;
  isTest: boolean;
  vars: Record<string, unknown>;
  trigger: { type: string; payload: Record<string, unknown> };
  stepSeq: number;
  stepStartedAt: number;
  resumedBy?: { type: string; payload: Record<string, unknown> };
  waitState?: Record<string, unknown>;
}

export interface EffectIntent {
  key: string;
  kind: EffectKind;
  payload: Record<string, unknown>;
}

/** An event the step's internal effects produced (tag applied…), committed with the step's outcome. */
export interface EmittedEvent {
  type: 'tag.applied' | 'tag.removed' | 'attribute.changed';
  payload: Record<string, unknown>;
  key: string;
}

export interface StepPorts {
  /** The outbox row for a key: its stored result, 'pending' while undelivered, undefined when unknown. */
  recorded(key: string): { result: unknown } | 'pending' | undefined;
  contacts: ContactStore;
  enterJourney(journeyId: string, vars: Record<string, unknown>, key: string, run: RunState): Promise<{ entered: boolean; reason?: string }>;
}

export type StepExecution =
  | { kind: 'suspend'; intents: EffectIntent[] }
  | { kind: 'outcome'; outcome: NodeOutcome; events: EmittedEvent[]; effectKeys: string[] };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function lookup(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Resolves §5 placeholders against the contact, the run variables and the trigger payload. */
export function resolver(contact: Readonly<Customer>, run: Pick<RunState, 'vars' | 'trigger'>) {
  return (p: Placeholder): unknown => {
    if (p.kind !== 'named') return undefined;
    switch (p.namespace) {
      case 'system':
        switch (p.path) {
          case 'customer_name':
            return contact.name ?? contact.identities[0]?.displayName;
          case 'member_id':
            return contact.memberId;
          case 'email':
            return contact.email;
          case 'phone':
            return contact.phone;
          case 'loyaltyPoint:balance':
            return contact.points.balance;
          case 'loyaltyPoint:accumulated':
            return contact.points.lifetime;
          default:
            return contact.attributes[p.path];
        }
      case 'attr':
        return contact.attributes[p.path];
      case 'run':
        return lookup(run.vars, p.path);
      case 'trigger':
        return lookup(run.trigger.payload, p.path) ?? lookup(run.trigger.payload.vars, p.path);
      default:
        return undefined;
    }
  };
}

/** Parsed configs by node instance: a published version's nodes are immutable, so each is parsed once per definition. */
const parsedConfigs = new WeakMap<
  NodeInstance,
  { def: AnyNodeDefinition; config: NodeInstance['config']; result: ReturnType<AnyNodeDefinition['config']['safeParse']> }
>();

function parsedConfig(def: AnyNodeDefinition, node: NodeInstance): ReturnType<AnyNodeDefinition['config']['safeParse']> {
  const cached = parsedConfigs.get(node);
  if (cached?.def === def && cached.config === node.config) return cached.result;
  const result = def.config.safeParse(node.config);
  parsedConfigs.set(node, { def, config: node.config, result });
  return result;
}

export async function executeNode(
  def: AnyNodeDefinition,
  node: NodeInstance,
  flow: CompiledFlow,
  run: RunState,
  contact: Customer,
  ports: StepPorts,
): Promise<StepExecution> {
  if (!def.run)
    return {
      kind: 'outcome',
      outcome: { kind: 'fail', reason: 'not_runnable', message: `${def.type} has no run`, retryable: false },
      events: [],
      effectKeys: [],
    };
  const parsed = parsedConfig(def, node);
  if (!parsed.success) {
    return {
      kind: 'outcome',
      outcome: { kind: 'fail', reason: 'invalid_config', message: parsed.error.message.slice(0, 500), retryable: false },
      events: [],
      effectKeys: [],
    };
  }
  const stepKey = `${run.id}:${node.id}:${run.stepSeq}`;
  let callIndex = 0;
  const intents: EffectIntent[] = [];
  const events: EmittedEvent[] = [];
  const effectKeys: string[] = [];
  let signalSuspend!: () => void;
  const suspended = new Promise<'suspend'>((resolve) => {
    signalSuspend = () => resolve('suspend');
  });
  const never = new Promise<never>(() => {});
  const sourceRef = { flowId: run.flowId, versionId: run.versionId, nodeId: node.id, runId: run.id };
  const source = flow.kind === 'chatbot' ? ('chatbot' as const) : ('journey' as const);
  const at = new Date(run.stepStartedAt);
  const nextKey = () => `${stepKey}:${callIndex++}`;

  function external<T>(kind: EffectKind, payload: Record<string, unknown>): Promise<T> {
    const key = nextKey();
    effectKeys.push(key);
    const row = ports.recorded(key);
    if (row && row !== 'pending') return Promise.resolve(row.result as T);
    if (!row) intents.push({ key, kind, payload });
    signalSuspend();
    return never;
  }
  const meta = () => ({ idempotencyKey: nextKey(), at, source, sourceRef });
  const cid = run.customerId;

  // Shorthand methods, not arrow properties: tsx (esbuild keepNames) wraps each named arrow in a
  // defineProperty call, a cost paid for every capability on every step.
  const ctx: RunContext<unknown> = {
    config: parsed.data,
    node: { id: node.id, type: node.type, version: node.version },
    run: { id: run.id, flowId: run.flowId, versionId: run.versionId, customerId: cid, channel: run.channel, isTest: run.isTest, vars: run.vars },
    flow: { kind: flow.kind, timeZone: flow.timeZone, inputExpiryMinutes: flow.inputExpiryMinutes },
    idempotencyKey: stepKey,
    ...(run.resumedBy ? { resumedBy: run.resumedBy } : {}),
    ...(run.waitState ? { waitState: run.waitState } : {}),
    now() {
      return new Date(run.stepStartedAt);
    },
    random: mulberry32(hash(stepKey)),
    render(template, mode) {
      return renderTemplate(template, resolver(contact, run), { mode, timeZone: flow.timeZone });
    },
    contact,
    send(message) {
      return external('send', { ...message, channel: message.channel ?? run.channel });
    },
    http(request) {
      return external('http', { ...request });
    },
    capi: {
      sendEvent(event) {
        return external('capi', { ...event });
      },
    },
    tags: {
      async apply(tags, tagSource) {
        const m = meta();
        const { applied } = await ports.contacts.applyTags(cid, tags, { ...m, source: tagSource });
        if (applied.length)
          events.push({ type: 'tag.applied', key: m.idempotencyKey, payload: { tags: applied, source: tagSource, sourceFlowId: run.flowId } });
      },
      async remove(tags) {
        const m = meta();
        const { removed } = await ports.contacts.removeTags(cid, tags, m);
        if (removed.length) events.push({ type: 'tag.removed', key: m.idempotencyKey, payload: { tags: removed, source, sourceFlowId: run.flowId } });
      },
    },
    attributes: {
      async set(key, value) {
        const m = meta();
        const w = await ports.contacts.setAttribute(cid, key, value, m);
        if (w.changed)
          events.push({
            type: 'attribute.changed',
            key: m.idempotencyKey,
            payload: { key, value: w.value ?? null, previous: w.previous ?? null, source, sourceFlowId: run.flowId },
          });
        return w.result;
      },
    },
    points: {
      change(op, amount, reason) {
        return ports.contacts.changePoints(cid, op, amount, reason, meta());
      },
    },
    conversation: {
      handOff(request) {
        return ports.contacts.handOff(cid, request, meta());
      },
      setSubscription(status) {
        return ports.contacts.setSubscription(cid, status, meta());
      },
    },
    journeys: {
      enter(journeyId, vars) {
        return ports.enterJourney(journeyId, { ...vars }, nextKey(), run);
      },
    },
  };

  const raced = await Promise.race([def.run(ctx), suspended]);
  if (raced === 'suspend') return { kind: 'suspend', intents };
  return { kind: 'outcome', outcome: raced, events, effectKeys };
}
