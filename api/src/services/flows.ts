import { validateGraph } from '@omniflow/nodes';
import {
  type BotScope,
  type ChannelKind,
  type FlowGraph,
  type FlowKind,
  parseStoredGraph,
  type SENDABLE_CHANNELS,
  type ValidationIssue,
} from '@omniflow/schemas';
import { TRPCError } from '@trpc/server';
import { AppError, badField, notFound } from '../errors.ts';
import { flowChannels, initialGraph } from '../graph/initial-graph.ts';
import { type FlowAction, type FlowStatus, nextStatus } from '../lifecycle/transitions.ts';
import { attributeCatalogue } from './attributes.ts';
import { recordAudit } from './audit.ts';
import type { Db, FlowServiceContext } from './context.ts';
import { FLOW_INCLUDE, type FlowRow, type FlowSummary, readStoredGraph, toFlowSummary } from './flow-dto.ts';

export const FLOW_NAME_MAX = 120;

export type NewFlow = { name: string } & ({ kind: 'journey'; channels: (typeof SENDABLE_CHANNELS)[number][] } | { kind: 'chatbot'; scope: BotScope });

export interface FlowDetail extends FlowSummary {
  draftGraph: FlowGraph;
  /** The draft's validation issues against the installed catalogue (drafts may be incomplete). */
  issues: ValidationIssue[];
}

/** Loads a flow the actor may act on under the procedure's permission: NOT_FOUND, or FORBIDDEN for the wrong kind. */
export async function loadFlow(ctx: FlowServiceContext, id: string, db: Db = ctx.prisma): Promise<FlowRow> {
  const row = await db.flow.findUnique({ where: { id }, include: FLOW_INCLUDE });
  if (!row) throw notFound('Flow', id);
  ctx.access.assertKind(row.kind as FlowKind);
  return row;
}

/** As `loadFlow`, without the stored draft graph (which can be hundreds of kilobytes): for writes that replace it. */
async function loadFlowMeta(ctx: FlowServiceContext, id: string): Promise<Omit<FlowRow, 'draftGraph'>> {
  const row = await ctx.prisma.flow.findUnique({ where: { id }, include: FLOW_INCLUDE, omit: { draftGraph: true } });
  if (!row) throw notFound('Flow', id);
  ctx.access.assertKind(row.kind as FlowKind);
  return row;
}

/** Refuses an action the flow's status does not allow (§2.3), naming both ends. */
export function assertTransition(row: Pick<FlowRow, 'status'>, action: FlowAction, options?: { scheduledStartInFuture?: boolean }): FlowStatus {
  const result = nextStatus(action, row.status as FlowStatus, options);
  if (!result.ok) {
    throw new AppError('PRECONDITION_FAILED', result.message, {
      kind: 'illegal_transition',
      action,
      from: result.from,
      to: result.to,
      allowedFrom: result.allowedFrom,
    });
  }
  return result.to;
}

export async function createFlow(ctx: FlowServiceContext, input: NewFlow): Promise<FlowSummary> {
  ctx.access.assertKind(input.kind);
  const graph = initialGraph(input);
  const row = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.flow.create({
      data: {
        name: input.name,
        nameSearch: input.name.toLowerCase(),
        kind: input.kind,
        scope: input.kind === 'chatbot' ? input.scope : null,
        channels: JSON.stringify(flowChannels(graph)),
        draftGraph: JSON.stringify(graph),
        createdById: ctx.actor.id,
        updatedById: ctx.actor.id,
      },
      include: FLOW_INCLUDE,
    });
    await recordAudit(tx, ctx, { action: 'flow.create', objectType: 'flow', objectId: created.id, diff: { name: input.name, kind: input.kind } });
    return created;
  });
  return toFlowSummary(row);
}

export interface FlowListQuery {
  search?: string | undefined;
  kind?: FlowKind | undefined;
  status?: FlowStatus | undefined;
  channel?: ChannelKind | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Flows the actor may see, most recently updated first. Archived flows are hidden unless asked
 * for by status. Cursor pagination: pass back `nextCursor` to get the next page.
 */
export async function listFlows(ctx: FlowServiceContext, query: FlowListQuery): Promise<{ items: FlowSummary[]; nextCursor: string | null }> {
  if (query.kind) ctx.access.assertKind(query.kind);
  const rows = await ctx.prisma.flow.findMany({
    where: {
      kind: query.kind ?? { in: [...ctx.access.kinds] },
      status: query.status ?? { not: 'archived' },
      ...(query.search ? { nameSearch: { contains: query.search.toLowerCase() } } : {}),
      // Channels are a JSON array of quoted names; no channel name is a substring of another.
      ...(query.channel ? { channels: { contains: JSON.stringify(query.channel) } } : {}),
    },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    include: FLOW_INCLUDE,
    // A page of summaries never needs the drafts, which can be hundreds of kilobytes each.
    omit: { draftGraph: true },
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(toFlowSummary), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getFlow(ctx: FlowServiceContext, id: string): Promise<FlowDetail> {
  const row = await loadFlow(ctx, id);
  const draftGraph = readStoredGraph(row.draftGraph, `flow ${id}`);
  return {
    ...toFlowSummary(row),
    draftGraph,
    issues: validateGraph(draftGraph, { catalogue: ctx.catalogue, attributes: await attributeCatalogue(ctx.prisma) }).issues,
  };
}

export interface SaveDraftInput {
  id: string;
  baseRevision: number;
  graph: unknown;
}

/**
 * Saves the working draft if nobody saved since `baseRevision`; otherwise CONFLICT with the
 * current revision and graph, and nothing applied. The graph must be structurally sound, but may
 * have validation errors: drafts are work in progress. Returns the new revision and the issues.
 */
export async function saveDraft(ctx: FlowServiceContext, input: SaveDraftInput): Promise<{ revision: number; issues: ValidationIssue[]; updatedAt: string }> {
  const row = await loadFlowMeta(ctx, input.id);
  assertTransition(row, 'edit');
  // validateGraph parses (and upgrades) the graph itself and hands it back: parsing a 1,000-node
  // graph costs about as much as writing it, so it is parsed once, here.
  const validation = validateGraph(input.graph, { catalogue: ctx.catalogue, attributes: await attributeCatalogue(ctx.prisma) });
  const graph = checkDraftGraph(input.graph, validation.graph, row);
  const updatedAt = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    // The revision check and the write are one statement, so two concurrent saves cannot both win.
    const saved = await tx.flow.updateMany({
      where: { id: row.id, draftRevision: input.baseRevision },
      data: {
        draftGraph: JSON.stringify(graph),
        draftRevision: { increment: 1 },
        channels: JSON.stringify(flowChannels(graph)),
        updatedById: ctx.actor.id,
        updatedAt,
      },
    });
    if (saved.count === 0) throw await draftConflict(tx, row.id, input.baseRevision);
    await recordAudit(tx, ctx, {
      action: 'flow.save_draft',
      objectType: 'flow',
      objectId: row.id,
      diff: { revision: { from: input.baseRevision, to: input.baseRevision + 1 } },
    });
  });
  return { revision: input.baseRevision + 1, issues: validation.issues, updatedAt: updatedAt.toISOString() };
}

/** CONFLICT carrying the draft as it is now, so the studio can show both and let the person merge. */
export async function draftConflict(db: Db, flowId: string, baseRevision: number): Promise<AppError> {
  const current = await db.flow.findUniqueOrThrow({ where: { id: flowId }, include: { updatedBy: { select: { id: true, name: true } } } });
  return new AppError(
    'CONFLICT',
    `baseRevision ${baseRevision} is out of date: the draft is at revision ${current.draftRevision} (saved by ${current.updatedBy.name}). Nothing was applied.`,
    {
      kind: 'draft_conflict',
      currentRevision: current.draftRevision,
      graph: readStoredGraph(current.draftGraph, `flow ${flowId}`),
      updatedAt: current.updatedAt.toISOString(),
      updatedBy: current.updatedBy,
    },
  );
}

/** The parsed graph, or BAD_REQUEST with every structural problem (paths from `graph`); then the kind and scope must be the flow's. */
function checkDraftGraph(raw: unknown, parsedGraph: FlowGraph | undefined, row: Pick<FlowRow, 'kind' | 'scope'>): FlowGraph {
  const parsed = parsedGraph ? { ok: true as const, graph: parsedGraph } : parseStoredGraph(raw);
  if (!parsed.ok) {
    const errors = parsed.error.map((e) => ({ path: ['graph', ...e.path], message: e.message }));
    const first = errors[0];
    throw new AppError(
      'BAD_REQUEST',
      `graph is not a valid flow graph${first ? ` (at ${first.path.join('.')}: ${first.message})` : ''}${errors.length > 1 ? ` and ${errors.length - 1} more problem(s)` : ''}`,
      { kind: 'invalid_graph', errors },
    );
  }
  const graph = parsed.graph;
  if (graph.kind !== row.kind) throw badField('graph.kind', `graph.kind must be "${row.kind}": a flow's kind never changes`);
  if (graph.kind === 'chatbot' && graph.bot.scope !== row.scope) {
    throw badField('graph.bot.scope', `graph.bot.scope must be "${row.scope}": a bot's platform scope is fixed when it is created`);
  }
  return graph;
}

export async function duplicateFlow(ctx: FlowServiceContext, id: string): Promise<FlowSummary> {
  const source = await loadFlow(ctx, id);
  const name = `Copy of ${source.name}`.slice(0, FLOW_NAME_MAX);
  const row = await ctx.prisma.$transaction(async (tx) => {
    const copy = await tx.flow.create({
      data: {
        name,
        nameSearch: name.toLowerCase(),
        kind: source.kind,
        scope: source.scope,
        channels: source.channels,
        draftGraph: source.draftGraph,
        createdById: ctx.actor.id,
        updatedById: ctx.actor.id,
      },
      include: FLOW_INCLUDE,
    });
    await recordAudit(tx, ctx, { action: 'flow.duplicate', objectType: 'flow', objectId: copy.id, diff: { copiedFrom: source.id } });
    return copy;
  });
  return toFlowSummary(row);
}

export async function archiveFlow(ctx: FlowServiceContext, id: string): Promise<FlowSummary> {
  const row = await loadFlow(ctx, id);
  const to = assertTransition(row, 'archive');
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const changed = await tx.flow.updateMany({ where: { id, status: row.status }, data: { status: to, updatedById: ctx.actor.id } });
    if (changed.count === 0) throw statusChanged(id);
    await recordAudit(tx, ctx, { action: 'flow.archive', objectType: 'flow', objectId: id, diff: { status: { from: row.status, to } } });
    return tx.flow.findUniqueOrThrow({ where: { id }, include: FLOW_INCLUDE });
  });
  return toFlowSummary(updated);
}

/** Deletes a draft that was never published (§2.3: only drafts can be deleted). The audit entry stays. */
export async function deleteFlow(ctx: FlowServiceContext, id: string): Promise<{ id: string }> {
  const row = await loadFlow(ctx, id);
  assertTransition(row, 'delete');
  await ctx.prisma.$transaction(async (tx) => {
    const deleted = await tx.flow.deleteMany({ where: { id, status: 'draft' } });
    if (deleted.count === 0) throw statusChanged(id);
    await recordAudit(tx, ctx, { action: 'flow.delete', objectType: 'flow', objectId: id, diff: { name: row.name, kind: row.kind } });
  });
  return { id };
}

/** Another request changed the flow's status between our read and our write. */
export function statusChanged(id: string): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message: `Flow ${id} changed status meanwhile; reload it and try again` });
}
