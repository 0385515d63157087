import type { ChannelKind } from '@omniflow/schemas';
import { AppError, notFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import { type IdentityDto, toIdentityDto } from './contacts.ts';
import type { ServiceContext } from './context.ts';

// Test lists (測試名單, §8.1): per channel, at most `settings.testListCap` contacts (100 by default).
// A test send reaches at most 5 of them. The send itself is the engine's; here it is checked and
// recorded in the audit log.

export const TEST_SEND_MAX_RECIPIENTS = 5;

export interface TestListEntry {
  channel: ChannelKind;
  identity: IdentityDto;
  addedById: string;
  addedAt: string;
}

export async function listTestList(ctx: Pick<ServiceContext, 'prisma' | 'settings'>, channel: ChannelKind): Promise<{ cap: number; items: TestListEntry[] }> {
  const rows = await ctx.prisma.testListMember.findMany({ where: { channel }, include: { identity: true }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
  return {
    cap: ctx.settings.testListCap,
    items: rows.map((r) => ({
      channel: r.channel as ChannelKind,
      identity: toIdentityDto(r.identity),
      addedById: r.addedById,
      addedAt: r.addedAt.toISOString(),
    })),
  };
}

/** Adds contacts of `channel`; all or none. Contacts already on the list are left as they are. */
export async function addToTestList(
  ctx: ServiceContext,
  channel: ChannelKind,
  identityIds: readonly string[],
): Promise<{ added: number; size: number; cap: number }> {
  const ids = [...new Set(identityIds)];
  return ctx.prisma.$transaction(async (tx) => {
    const identities = await tx.contactIdentity.findMany({ where: { id: { in: ids } }, select: { id: true, channel: true } });
    const found = new Map(identities.map((i) => [i.id, i.channel]));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw notFound('Contact', missing);
    const wrong = ids.find((id) => found.get(id) !== channel);
    if (wrong) {
      throw new AppError('BAD_REQUEST', `contact ${wrong} is on ${found.get(wrong)}, not ${channel}: test lists are per channel`, {
        kind: 'invalid_field',
        field: 'identityIds',
      });
    }
    const already = new Set(
      (await tx.testListMember.findMany({ where: { channel, identityId: { in: ids } }, select: { identityId: true } })).map((m) => m.identityId),
    );
    const toAdd = ids.filter((id) => !already.has(id));
    const size = await tx.testListMember.count({ where: { channel } });
    const cap = ctx.settings.testListCap;
    if (size + toAdd.length > cap) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `The ${channel} test list holds at most ${cap} contacts: it has ${size}, and ${toAdd.length} more would exceed it`,
        {
          kind: 'invalid_field',
          field: 'identityIds',
        },
      );
    }
    const now = ctx.now();
    for (const identityId of toAdd) await tx.testListMember.create({ data: { channel, identityId, addedById: ctx.actor.id, addedAt: now } });
    if (toAdd.length > 0) await recordAudit(tx, ctx, { action: 'test_list.add', objectType: 'test_list', objectId: channel, diff: { identityIds: toAdd } });
    return { added: toAdd.length, size: size + toAdd.length, cap };
  });
}

export async function removeFromTestList(ctx: ServiceContext, channel: ChannelKind, identityIds: readonly string[]): Promise<{ removed: number }> {
  return ctx.prisma.$transaction(async (tx) => {
    const removed = await tx.testListMember.deleteMany({ where: { channel, identityId: { in: [...new Set(identityIds)] } } });
    if (removed.count > 0) await recordAudit(tx, ctx, { action: 'test_list.remove', objectType: 'test_list', objectId: channel, diff: { identityIds } });
    return { removed: removed.count };
  });
}

export interface TestSendInput {
  channel: ChannelKind;
  identityIds: readonly string[];
  flowId: string;
  /** A published version number, or the working draft. */
  version: number | 'draft';
  nodeId?: string | undefined;
}

export interface TestSendResult {
  /** Checked and recorded; delivery is the engine's and is not reported here yet. */
  status: 'recorded';
  channel: ChannelKind;
  recipients: string[];
  flowId: string;
  version: number | 'draft';
}

/**
 * Checks a test send (§8.1): at most 5 recipients, each on the channel's test list, a flow the
 * actor may see, and the version asked for; then records it in the audit log.
 */
export async function testSend(ctx: ServiceContext, input: TestSendInput): Promise<TestSendResult> {
  const ids = [...new Set(input.identityIds)];
  if (ids.length > TEST_SEND_MAX_RECIPIENTS) {
    throw new AppError('BAD_REQUEST', `A test send reaches at most ${TEST_SEND_MAX_RECIPIENTS} contacts; send twice to reach more`, {
      kind: 'invalid_field',
      field: 'identityIds',
    });
  }
  const flow = await ctx.prisma.flow.findUnique({ where: { id: input.flowId }, select: { id: true } });
  if (!flow) throw notFound('Flow', input.flowId);
  if (input.version !== 'draft') {
    const version = await ctx.prisma.flowVersion.findUnique({ where: { flowId_number: { flowId: flow.id, number: input.version } }, select: { id: true } });
    if (!version) throw notFound(`Version of flow ${flow.id} numbered`, input.version);
  }
  const members = await ctx.prisma.testListMember.findMany({ where: { channel: input.channel, identityId: { in: ids } }, select: { identityId: true } });
  const onList = new Set(members.map((m) => m.identityId));
  const notOnList = ids.filter((id) => !onList.has(id));
  if (notOnList.length > 0) {
    throw new AppError('PRECONDITION_FAILED', `Not on the ${input.channel} test list: ${notOnList.join(', ')}. Add them to the test list first.`, {
      kind: 'invalid_field',
      field: 'identityIds',
    });
  }
  await ctx.prisma.$transaction((tx) =>
    recordAudit(tx, ctx, {
      action: 'test.send',
      objectType: 'flow',
      objectId: flow.id,
      diff: { channel: input.channel, recipients: ids, version: input.version, ...(input.nodeId ? { nodeId: input.nodeId } : {}) },
    }),
  );
  return { status: 'recorded', channel: input.channel, recipients: ids, flowId: flow.id, version: input.version };
}
