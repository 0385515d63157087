import { BlockList, isIPv6 } from 'node:net';
import type { EmbeddedEngine } from '@omniflow/engine';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { apiKeyMatches, apiKeyPrefix, bearerToken } from '../auth/api-key.ts';
import { can, roleWithin } from '../auth/permissions.ts';
import { parseRole } from '../auth/roles.ts';
import type { PrismaClient } from '../db/open.ts';

// HTTP entry points for what happens outside a conversation (§3.7 website behaviour, §3.8 cart, §3.11
// OmniLink, §3.3 post comments, §3.14 form submissions): the site's pixel or the shop's backend posts
// them with the team's API key, and they become trigger events for the engine. The §3.13 API trigger
// (`POST /api/journeys/{triggerKey}/enter`) enters one journey directly and answers with the run. Bodies are zod-checked;
// a bad one is answered 400 naming the field. Each event carries the sender's id, so a retried POST
// enters nobody twice.

const Customer = z
  .object({
    customerId: z.string().min(1).max(64).optional(),
    memberId: z.string().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().min(5).max(30).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'name the customer by customerId, memberId, email or phone' });

const Common = {
  customer: Customer,
  /** When it happened (ISO-8601); default: when it was received. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
};

/** A page view from the website pixel; posted again with the same pageviewId as the visitor stays. */
export const VisitBody = z.object({
  ...Common,
  url: z.url({ protocol: /^https?$/ }).max(5000),
  pageviewId: z.string().min(1).max(200),
  dwellSeconds: z.number().int().min(0).max(86_400).default(0),
});

const EventId = z.string().min(1).max(200);

export const TrackEventBody = z.discriminatedUnion('type', [
  z.object({
    ...Common,
    type: z.literal('cart.item_added'),
    eventId: EventId,
    productId: z.string().max(200).optional(),
    productName: z.string().max(500).optional(),
    quantity: z.number().int().min(1).max(100_000).optional(),
  }),
  z.object({ ...Common, type: z.literal('cart.checked_out'), eventId: EventId, orderId: z.string().max(200).optional() }),
  z.object({ ...Common, type: z.literal('cart.cleared'), eventId: EventId }),
  z.object({
    ...Common,
    type: z.literal('form.submitted'),
    eventId: EventId,
    /** The WhatsApp Flow id. */
    formId: z.string().min(1).max(64),
    answers: z.record(z.string().max(200), z.union([z.string().max(5000), z.number(), z.boolean()])).default({}),
  }),
  z.object({ ...Common, type: z.literal('omnilink.succeeded'), eventId: EventId, omnilinkId: z.string().min(1).max(200) }),
  z.object({
    ...Common,
    type: z.literal('post.commented'),
    eventId: EventId,
    channel: z.enum(['messenger', 'instagram']),
    postId: z.string().max(200).default(''),
    scope: z.enum(['post', 'ig_live', 'reels']).default('post'),
    text: z.string().max(8000),
    taggedFriends: z.number().int().min(0).max(1000).default(0),
  }),
]);
export type TrackEventBody = z.infer<typeof TrackEventBody>;

export const EnterBody = z.object({
  customer: z.object({
    memberId: z.string().min(1).max(200).optional(),
    phone: z.string().min(5).max(30).optional(),
    email: z.email().max(320).optional(),
    channelUserId: z.string().min(1).max(200).optional(),
    channelId: z.string().min(1).max(200).optional(),
  }),
  vars: z.record(z.string().max(100), z.unknown()).default({}),
  idempotencyKey: z.string().min(1).max(200),
});

export interface TrackingOptions {
  prisma: PrismaClient;
  now: () => Date;
  /** The engine: its durable inbox, and API-trigger entries. */
  engine: Pick<EmbeddedEngine, 'ingest' | 'apiTrigger' | 'enterByTriggerKey'>;
}

/** Whether `ip` is in the allow-list (addresses and CIDR ranges); an empty list allows everyone. */
export function ipAllowed(ip: string, allowList: readonly string[]): boolean {
  if (allowList.length === 0) return true;
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const list = new BlockList();
  for (const entry of allowList) {
    const [base, bits] = entry.split('/') as [string, string | undefined];
    const type = isIPv6(base) ? 'ipv6' : 'ipv4';
    try {
      if (bits === undefined) list.addAddress(base, type);
      else list.addSubnet(base, Number(bits), type);
    } catch {
      // An entry the publish checks would have refused: it allows nothing.
    }
  }
  return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  return reply.code(400).send({ ok: false, error: 'invalid_body', field, message: `${field}: ${issue.message}` });
}

/** The API key of the request, if valid and allowed to write customer data. */
async function authorised(prisma: PrismaClient, header: string | undefined): Promise<boolean> {
  const key = bearerToken(header);
  const prefix = key ? apiKeyPrefix(key) : null;
  if (!key || !prefix) return false;
  const row = await prisma.apiKey.findUnique({ where: { prefix }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabledAt || !apiKeyMatches(key, row.hash)) return false;
  const role = parseRole(row.role);
  const creator = parseRole(row.user.role);
  return !!role && !!creator && roleWithin(role, creator) && can(role, 'contacts.edit');
}

async function findCustomer(prisma: PrismaClient, ref: z.infer<typeof Customer>): Promise<string | undefined> {
  const where = ref.customerId ? { id: ref.customerId } : ref.memberId ? { memberId: ref.memberId } : ref.email ? { email: ref.email } : { phone: ref.phone! };
  const row = await prisma.customer.findFirst({ where, select: { id: true } });
  return row?.id;
}

export function registerTrackingRoutes(app: FastifyInstance, options: TrackingOptions): void {
  const guard = async (authorization: string | undefined, reply: FastifyReply): Promise<boolean> => {
    if (await authorised(options.prisma, authorization)) return true;
    await reply.code(401).send({
      ok: false,
      error: 'unauthorized',
      field: 'authorization',
      message: 'Send the team API key as "Authorization: Bearer omf_…"; the key must be valid, not revoked, and allowed to edit contacts',
    });
    return false;
  };

  app.post('/track/visit', async (request, reply) => {
    if (!(await guard(request.headers.authorization, reply))) return reply;
    const body = VisitBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const customerId = await findCustomer(options.prisma, body.data.customer);
    if (!customerId) return reply.code(404).send({ ok: false, error: 'customer_not_found', field: 'customer', message: 'customer: no such customer' });
    // One event per (page view, dwell reached so far): the engine counts the page view once and fires once per journey.
    const id = `visit:${body.data.pageviewId}:${body.data.dwellSeconds}`;
    options.engine.ingest({
      id,
      type: 'website.visited',
      occurredAt: body.data.occurredAt ?? options.now().toISOString(),
      customerId,
      source: 'website',
      payload: { url: body.data.url, pageviewId: body.data.pageviewId, dwellSeconds: body.data.dwellSeconds },
      dedupeKey: `visit:${body.data.pageviewId}`,
    });
    return reply.code(202).send({ ok: true, eventId: id });
  });

  app.post('/track/event', async (request, reply) => {
    if (!(await guard(request.headers.authorization, reply))) return reply;
    const body = TrackEventBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const customerId = await findCustomer(options.prisma, body.data.customer);
    if (!customerId) return reply.code(404).send({ ok: false, error: 'customer_not_found', field: 'customer', message: 'customer: no such customer' });
    const { customer: _customer, occurredAt, eventId, type, ...fields } = body.data;
    const payload: Record<string, unknown> = type === 'form.submitted' ? { ...fields, flowId: body.data.formId } : { ...fields };
    const id = `track:${eventId}`;
    options.engine.ingest({
      id,
      type,
      occurredAt: occurredAt ?? options.now().toISOString(),
      customerId,
      ...(type === 'post.commented' ? { channel: body.data.channel } : {}),
      source: 'integration',
      payload,
      dedupeKey: id,
    });
    return reply.code(202).send({ ok: true, eventId: id });
  });

  app.post<{ Params: { triggerKey: string } }>('/api/journeys/:triggerKey/enter', async (request, reply) => {
    if (!(await guard(request.headers.authorization, reply))) return reply;
    const trigger = options.engine.apiTrigger(request.params.triggerKey);
    if (!trigger) {
      return reply.code(404).send({
        ok: false,
        error: 'trigger_not_found',
        field: 'triggerKey',
        message: `triggerKey: no active journey has the API trigger key ${request.params.triggerKey}`,
      });
    }
    const allowList = Array.isArray(trigger.config.ipAllowList) ? trigger.config.ipAllowList.filter((x): x is string => typeof x === 'string') : [];
    if (!ipAllowed(request.ip, allowList)) {
      return reply.code(403).send({ ok: false, error: 'ip_not_allowed', field: 'ip', message: `ip: ${request.ip} is not on this trigger's IP allow-list` });
    }
    const body = EnterBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const lookup = typeof trigger.config.lookup === 'string' ? trigger.config.lookup : 'memberId';
    const c = body.data.customer;
    const value = c[lookup as keyof typeof c];
    if (!value || (lookup === 'channelUserId' && !c.channelId)) {
      const field = !value ? `customer.${lookup}` : 'customer.channelId';
      return reply.code(400).send({ ok: false, error: 'invalid_body', field, message: `${field}: this trigger finds the customer by ${lookup}` });
    }
    const customerId =
      lookup === 'channelUserId'
        ? (await options.prisma.contactIdentity.findFirst({ where: { channelId: c.channelId!, externalUserId: value }, select: { customerId: true } }))
            ?.customerId
        : await findCustomer(options.prisma, { [lookup]: value });
    if (!customerId)
      return reply.code(404).send({ ok: false, error: 'customer_not_found', field: 'customer', message: `customer: no customer with ${lookup} ${value}` });
    const result = await options.engine.enterByTriggerKey(request.params.triggerKey, customerId, {
      idempotencyKey: body.data.idempotencyKey,
      vars: body.data.vars,
    });
    switch (result.status) {
      case 'entered':
        return reply.code(202).send({ ok: true, runId: result.runId });
      case 'duplicate':
        return reply.code(409).send({
          ok: false,
          error: 'duplicate',
          field: 'idempotencyKey',
          message: `idempotencyKey: ${body.data.idempotencyKey} was already used`,
          ...(result.runId ? { runId: result.runId } : {}),
        });
      case 'refused':
        return reply
          .code(422)
          .send({ ok: false, error: 'entry_refused', reason: result.reason, message: `The journey did not take the customer: ${result.reason}` });
      default:
        return reply.code(404).send({ ok: false, error: result.status, message: result.status.replaceAll('_', ' ') });
    }
  });
}
