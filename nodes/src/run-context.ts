import type { AttributeValue, ChannelKind, Customer, EventMatcher, FlowKind, RunStatus, TagSource } from '@omniflow/schemas';
import type { RenderMode } from './variables/template.ts';

// What a node's `run` may ask of the engine. `run` never touches the database, the network or the
// clock directly: every effect goes through these capabilities, so the same node runs under the
// embedded and the Temporal runtime, and tests can observe and replace every effect.

/** Capabilities a node declares it needs; the engine provides exactly these to its `run`. */
export const CAPABILITIES = [
  'send',
  'http',
  'contacts',
  'tags',
  'attributes',
  'points',
  'capi',
  'clock',
  'random',
  'conversation',
  'journeys',
  'assets',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** A channel-neutral outbound message; channel adapters turn it into the platform's request. */
export interface OutboundMessage {
  nodeType: string;
  /** The node's resolved config with placeholders rendered. */
  content: Readonly<Record<string, unknown>>;
  purpose: 'marketing' | 'transactional' | 'conversational';
  /** The contact's identity to send on; omitted = the run's channel. */
  channel?: ChannelKind;
}

/** One response mapping's answer from the runtime: a JSON value, nothing at that path, or an evaluation error. */
export type MappedValue = { value: unknown } | { missing: true } | { error: string };

export type SendResult = { ok: true; messageId: string; channel: ChannelKind } | { ok: false; reason: string; message: string; retryable: boolean };

export interface RunContext<Config> {
  config: Config;
  node: { id: string; type: string; version: number };
  run: {
    id: string;
    flowId: string;
    versionId: string;
    customerId: string;
    channel?: ChannelKind;
    isTest: boolean;
    vars: Readonly<Record<string, unknown>>;
  };
  /** The flow the node runs in: its kind and settings the node needs. */
  flow: {
    kind: FlowKind;
    /** The team time zone (§1.1): wall-clock times and date conditions are evaluated in it. */
    timeZone: string;
    /** Chatbots: how long user-input and quick-reply waits last (§2.1, default 60). */
    inputExpiryMinutes: number;
  };
  /** Deterministic per (run, step): pass it to every external effect. */
  idempotencyKey: string;
  /**
   * The event that resumed this node after a wait, if any: `timer` when the wait's time came, otherwise
   * the inbound event (`reply`, `buttonClick`, `tagApplied`…) with its payload.
   */
  resumedBy?: { type: string; payload: Readonly<Record<string, unknown>> };
  /** What the node kept in its previous `wait` outcome (`state`), e.g. how many times it re-asked. */
  waitState?: Readonly<Record<string, unknown>>;
  now(): Date;
  random(): number;
  /** Renders §5 placeholders against the contact, run variables and trigger. */
  render(template: string, mode?: RenderMode): string;
  contact: Readonly<Customer>;
  send(message: OutboundMessage): Promise<SendResult>;
  http(request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    /** Authentication by stored secret (`{ kind, secretRef, … }`): the runtime resolves it, so no secret is in the flow. */
    auth?: Readonly<Record<string, unknown>>;
    /** Retries of network errors, 5xx and 429 (the runtime's back-off); the runtime's default otherwise. */
    retries?: number;
    /** JSONPath / JSONata expressions the runtime evaluates on the JSON response; answers come back in `mapped`. */
    responseMapping?: readonly { id: string; syntax: 'jsonpath' | 'jsonata'; path: string }[];
  }): Promise<
    | { ok: true; status: number; headers: Record<string, string>; body: string; mapped?: Readonly<Record<string, MappedValue>> }
    | { ok: false; reason: 'timeout' | 'network' | 'blocked'; message: string }
  >;
  tags: {
    apply(tags: readonly string[], source: TagSource): Promise<void>;
    remove(tags: readonly string[]): Promise<void>;
  };
  attributes: {
    set(key: string, value: AttributeValue): Promise<'ok' | 'invalid_format' | 'archived' | 'type_mismatch'>;
  };
  points: {
    change(op: 'add' | 'deduct', amount: number, reason: string): Promise<{ ok: true; balance: number } | { ok: false; reason: 'insufficient' | 'no_phone' }>;
  };
  capi: {
    sendEvent(event: Readonly<Record<string, unknown>>): Promise<SendResult>;
  };
  conversation: {
    handOff(request: Readonly<Record<string, unknown>>): Promise<{ assigned: boolean }>;
    setSubscription(status: 'subscribed' | 'unsubscribed'): Promise<void>;
  };
  journeys: {
    enter(journeyId: string, vars: Readonly<Record<string, unknown>>): Promise<{ entered: boolean; reason?: string }>;
  };
}

/** What a node's `run` decides: continue on a port, wait, end the run, or fail. */
export type NodeOutcome =
  | { kind: 'next'; port: string; vars?: Record<string, unknown>; explanation?: string }
  | {
      kind: 'wait';
      /** Wake at this time (the engine takes the `timeoutPort`, or re-runs the node, then). */
      until?: Date;
      /** Or wake on one of these events. */
      events?: readonly EventMatcher[];
      timeoutPort?: string;
      /** Kept for the node and handed back as `ctx.waitState` when it resumes. */
      state?: Record<string, unknown>;
      explanation?: string;
    }
  | { kind: 'end'; status: Extract<RunStatus, 'completed' | 'exited' | 'goal_reached'>; reason?: string; explanation?: string }
  | { kind: 'fail'; reason: string; message: string; retryable: boolean; port?: string };
