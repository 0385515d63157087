import { Customer } from '@omniflow/schemas';
import type { AnyNodeDefinition } from '../define.ts';
import type { NodeOutcome, OutboundMessage, RunContext, SendResult } from '../run-context.ts';
import { renderTemplate } from '../variables/template.ts';

// A RunContext for node unit tests: records every capability call, answers from overridable stubs.

export interface FakeCalls {
  sends: OutboundMessage[];
  tags: { op: 'apply' | 'remove'; tags: readonly string[]; source?: string }[];
  attributes: { key: string; value: unknown }[];
  points: { op: string; amount: number; reason: string }[];
  handOffs: Readonly<Record<string, unknown>>[];
  subscriptions: string[];
  journeys: { journeyId: string; vars: Readonly<Record<string, unknown>> }[];
  capi: Readonly<Record<string, unknown>>[];
  http: Parameters<RunContext<unknown>['http']>[0][];
}

export interface FakeOptions {
  contact?: Partial<Customer>;
  flowKind?: 'journey' | 'chatbot';
  now?: Date;
  random?: number;
  channel?: RunContext<unknown>['run']['channel'];
  resumedBy?: RunContext<unknown>['resumedBy'];
  waitState?: Record<string, unknown>;
  send?: (m: OutboundMessage) => SendResult;
  attributeResult?: 'ok' | 'invalid_format';
  points?: Awaited<ReturnType<RunContext<unknown>['points']['change']>>;
  assigned?: boolean;
  entered?: boolean;
  nodeId?: string;
  customerId?: string;
  http?: (request: Parameters<RunContext<unknown>['http']>[0]) => Awaited<ReturnType<RunContext<unknown>['http']>>;
}

export function fakeContext(def: AnyNodeDefinition, config: unknown, o: FakeOptions = {}): { ctx: RunContext<unknown>; calls: FakeCalls } {
  const calls: FakeCalls = { sends: [], tags: [], attributes: [], points: [], handOffs: [], subscriptions: [], journeys: [], capi: [], http: [] };
  const contact = Customer.parse({
    id: o.customerId ?? 'c1',
    name: 'Amy',
    createdAt: '2025-01-01T00:00:00Z',
    identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U1' }],
    ...o.contact,
  });
  const ctx: RunContext<unknown> = {
    config: def.config.parse(config),
    node: { id: o.nodeId ?? 'n1', type: def.type, version: def.version },
    run: { id: 'r1', flowId: 'f1', versionId: 'v1', customerId: contact.id, channel: o.channel ?? 'line', isTest: false, vars: {} },
    flow: { kind: o.flowKind ?? def.flowKinds[0] ?? 'journey', timeZone: 'Asia/Taipei', inputExpiryMinutes: 60 },
    idempotencyKey: 'r1:n1:0',
    ...(o.resumedBy ? { resumedBy: o.resumedBy } : {}),
    ...(o.waitState ? { waitState: o.waitState } : {}),
    now: () => o.now ?? new Date('2025-03-03T02:00:00Z'),
    random: () => o.random ?? 0.5,
    render: (template, mode) =>
      renderTemplate(template, (p) => (p.kind === 'named' && p.namespace === 'system' && p.path === 'customer_name' ? contact.name : undefined), { mode }),
    contact,
    send: async (m) => {
      calls.sends.push(m);
      return o.send ? o.send(m) : { ok: true, messageId: 'm1', channel: m.channel ?? 'line' };
    },
    http: async (request) => {
      calls.http.push(request);
      return o.http ? o.http(request) : { ok: true, status: 200, headers: {}, body: '' };
    },
    tags: {
      apply: async (tags, source) => void calls.tags.push({ op: 'apply', tags, source }),
      remove: async (tags) => void calls.tags.push({ op: 'remove', tags }),
    },
    attributes: {
      set: async (key, value) => {
        calls.attributes.push({ key, value });
        return o.attributeResult ?? 'ok';
      },
    },
    points: {
      change: async (op, amount, reason) => {
        calls.points.push({ op, amount, reason });
        return o.points ?? { ok: true, balance: 100 };
      },
    },
    capi: {
      sendEvent: async (event) => {
        calls.capi.push(event);
        return { ok: true, messageId: 'e1', channel: 'messenger' };
      },
    },
    conversation: {
      handOff: async (request) => {
        calls.handOffs.push(request);
        return { assigned: o.assigned ?? true };
      },
      setSubscription: async (status) => void calls.subscriptions.push(status),
    },
    journeys: {
      enter: async (journeyId, vars) => {
        calls.journeys.push({ journeyId, vars });
        return o.entered === false ? { entered: false, reason: 'reentry_never' } : { entered: true };
      },
    },
  };
  return { ctx, calls };
}

/** Runs a node's `run` with a fake context. */
export async function runNode(def: AnyNodeDefinition, config: unknown, o: FakeOptions = {}): Promise<{ outcome: NodeOutcome; calls: FakeCalls }> {
  const { ctx, calls } = fakeContext(def, config, o);
  if (!def.run) throw new Error(`${def.type} has no run`);
  return { outcome: await def.run(ctx), calls };
}
