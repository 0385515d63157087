import { validateGraph } from '@omniflow/nodes';
import type { AttributeDefinition, FlowGraph, ValidationIssue } from '@omniflow/schemas';
import { AppError, badField, notFound } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { canonicalJson, sha256Hex } from '../graph/canonical-json.ts';
import { diffGraphs, type GraphDiff } from '../graph/diff.ts';
import { checkSchedule, type FlowStatus } from '../lifecycle/transitions.ts';
import { attributeCatalogue } from './attributes.ts';
import { recordAudit } from './audit.ts';
import type { Db, FlowServiceContext } from './context.ts';
import { FLOW_INCLUDE, type FlowRow, type FlowSummary, readStoredGraph, toFlowSummary } from './flow-dto.ts';
import { assertTransition, draftConflict, loadFlow, statusChanged } from './flows.ts';

export const IN_FLIGHT_POLICIES = ['keep', 'move_at_next_wait', 'cancel'] as const;
export type InFlightPolicy = (typeof IN_FLIGHT_POLICIES)[number];

export interface VersionSummary {
  id: string;
  flowId: string;
  number: number;
  checksum: string;
  formatVersion: number;
  publishedAt: string;
  publishedBy: { id: string; name: string };
  notes: string;
  inFlightPolicy: InFlightPolicy;
}

export interface PublishInput {
  flowId: string;
  baseRevision: number;
  notes: string;
  confirmWarnings: boolean;
  inFlightPolicy: InFlightPolicy;
  schedule?: { startAt: string; endAt?: string | undefined } | undefined;
}

export interface PublishResult {
  flow: FlowSummary;
  version: VersionSummary;
  /** Warnings the publisher confirmed. */
  warnings: ValidationIssue[];
}

/**
 * Publishes the working draft as a new immutable version (§2.3): refused with the issue list when
 * the graph has errors, or has warnings the publisher did not confirm; refused with CONFLICT when
 * the draft moved on since `baseRevision` (publish what you reviewed). The flow becomes active,
 * or scheduled when a start time is given.
 */
export async function publish(ctx: FlowServiceContext, input: PublishInput): Promise<PublishResult> {
  const row = await loadFlow(ctx, input.flowId);
  const schedule = input.schedule && { startAt: new Date(input.schedule.startAt), endAt: input.schedule.endAt ? new Date(input.schedule.endAt) : undefined };
  const to = assertTransition(row, schedule ? 'schedule' : 'publish');
  if (row.draftRevision !== input.baseRevision) throw await draftConflict(ctx.prisma, row.id, input.baseRevision);
  if (schedule) {
    const [problem] = checkSchedule(schedule, ctx.now());
    if (problem) throw badField(problem.field, problem.message);
  }
  const { graph, warnings } = checkPublishable(ctx, row.draftGraph, `flow ${row.id}`, input.confirmWarnings, await attributeCatalogue(ctx.prisma));
  return handOver(
    ctx,
    graph,
    input.inFlightPolicy,
    await writeVersion(ctx, row, graph, {
      action: 'flow.publish',
      to,
      notes: input.notes,
      inFlightPolicy: input.inFlightPolicy,
      // Republishing a scheduled flow keeps its start time (§2.3: it cannot be edited).
      schedule: schedule ?? (to === 'scheduled' ? existingSchedule(row) : undefined),
      expectedRevision: input.baseRevision,
      warnings,
    }),
  );
}

export interface RollbackInput {
  flowId: string;
  versionNumber: number;
  notes?: string | undefined;
  inFlightPolicy: InFlightPolicy;
}

/**
 * Publishes an earlier version's graph again, as a new version: history only grows. The working
 * draft is left alone (it may hold unpublished work). Warnings were confirmed when that version
 * was first published, so only errors (say, a node type since uninstalled) refuse a rollback.
 */
export async function rollback(ctx: FlowServiceContext, input: RollbackInput): Promise<PublishResult> {
  const row = await loadFlow(ctx, input.flowId);
  const target = await ctx.prisma.flowVersion.findUnique({ where: { flowId_number: { flowId: row.id, number: input.versionNumber } } });
  if (!target) throw notFound(`Version of flow ${row.id} numbered`, input.versionNumber);
  if (target.id === row.currentVersionId) {
    throw new AppError('PRECONDITION_FAILED', `versionNumber ${input.versionNumber} is already the live version`, {
      kind: 'invalid_field',
      field: 'versionNumber',
    });
  }
  const to = assertTransition(row, 'publish');
  const { graph, warnings } = checkPublishable(ctx, target.graph, `version ${target.number} of flow ${row.id}`, true, await attributeCatalogue(ctx.prisma));
  return handOver(
    ctx,
    graph,
    input.inFlightPolicy,
    await writeVersion(ctx, row, graph, {
      action: 'flow.rollback',
      to,
      notes: input.notes ?? `Rollback to version ${target.number}`,
      inFlightPolicy: input.inFlightPolicy,
      schedule: to === 'scheduled' ? existingSchedule(row) : undefined,
      warnings,
      rolledBackTo: target.number,
    }),
  );
}

/** Tells the engine about the committed version, so new runs start on it (runs in flight follow the policy). */
function handOver(ctx: FlowServiceContext, graph: FlowGraph, inFlightPolicy: InFlightPolicy, result: PublishResult): PublishResult {
  ctx.runtime?.published({ flowId: result.flow.id, versionId: result.version.id, graph, inFlightPolicy, status: result.flow.status });
  return result;
}

function existingSchedule(row: FlowRow): WriteVersion['schedule'] {
  return row.scheduledStartAt ? { startAt: row.scheduledStartAt, endAt: row.scheduledEndAt ?? undefined } : undefined;
}

/**
 * Validates a stored graph (JSON text) with the installed catalogue; returns the parsed graph and
 * the warnings when publishing may go ahead. validateGraph parses and upgrades the graph itself,
 * so the graph is parsed once (for a 1,000-node graph that is a good part of the publish time).
 */
function checkPublishable(
  ctx: FlowServiceContext,
  stored: string,
  what: string,
  confirmWarnings: boolean,
  attributes: AttributeDefinition[],
): { graph: FlowGraph; warnings: ValidationIssue[] } {
  const { issues, graph } = validateGraph(JSON.parse(stored), { catalogue: ctx.catalogue, attributes });
  if (!graph) readStoredGraph(stored, what); // throws, naming what is unreadable
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (errors.length > 0) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `The flow has ${errors.length} error(s) and cannot be published: ${errors[0]?.message.en}${errors.length > 1 ? ' …' : ''}`,
      { kind: 'validation_failed', issues, warningsNeedConfirmation: false },
    );
  }
  if (!graph) throw new Error(`The stored graph of ${what} could not be read`);
  if (warnings.length > 0 && !confirmWarnings) {
    throw new AppError('PRECONDITION_FAILED', `The flow has ${warnings.length} warning(s): publish again with confirmWarnings: true to go ahead`, {
      kind: 'validation_failed',
      issues: warnings,
      warningsNeedConfirmation: true,
    });
  }
  return { graph, warnings };
}

interface WriteVersion {
  action: 'flow.publish' | 'flow.rollback';
  to: FlowStatus;
  notes: string;
  inFlightPolicy: InFlightPolicy;
  schedule: { startAt: Date; endAt?: Date | undefined } | undefined;
  /** Publish only: the draft must still be at this revision when the version is written. */
  expectedRevision?: number;
  warnings: ValidationIssue[];
  rolledBackTo?: number;
}

async function writeVersion(ctx: FlowServiceContext, row: FlowRow, graph: FlowGraph, w: WriteVersion): Promise<PublishResult> {
  const text = canonicalJson(graph);
  const checksum = sha256Hex(text);
  try {
    return await ctx.prisma.$transaction(async (tx) => {
      const previous = await tx.flowVersion.findFirst({ where: { flowId: row.id }, orderBy: { number: 'desc' } });
      const version = await tx.flowVersion.create({
        data: {
          flowId: row.id,
          number: (previous?.number ?? 0) + 1,
          graph: text,
          formatVersion: graph.formatVersion,
          checksum,
          publishedById: ctx.actor.id,
          publishedAt: ctx.now(),
          notes: w.notes,
          inFlightPolicy: w.inFlightPolicy,
        },
        include: { publishedBy: { select: { id: true, name: true } } },
      });
      // Guarded on what we read: a concurrent save, publish or status change makes this a no-op.
      const updated = await tx.flow.updateMany({
        where: { id: row.id, status: row.status, ...(w.expectedRevision !== undefined ? { draftRevision: w.expectedRevision } : {}) },
        data: {
          status: w.to,
          currentVersionId: version.id,
          scheduledStartAt: w.schedule?.startAt ?? null,
          scheduledEndAt: w.schedule?.endAt ?? null,
          updatedById: ctx.actor.id,
        },
      });
      if (updated.count === 0) {
        throw w.expectedRevision !== undefined ? await draftConflict(tx, row.id, w.expectedRevision) : statusChanged(row.id);
      }
      await recordAudit(tx, ctx, {
        action: w.action,
        objectType: 'flow',
        objectId: row.id,
        versionId: version.id,
        diff: {
          version: version.number,
          status: { from: row.status, to: w.to },
          ...(w.rolledBackTo !== undefined ? { rolledBackTo: w.rolledBackTo } : {}),
          ...(w.warnings.length > 0 ? { confirmedWarnings: w.warnings.map((i) => i.code) } : {}),
          changes: previous
            ? summarize(previous.checksum === checksum ? NO_CHANGES : diffGraphs(readStoredGraph(previous.graph, `version ${previous.number}`), graph))
            : null,
        },
      });
      const flow = await tx.flow.findUniqueOrThrow({ where: { id: row.id }, include: FLOW_INCLUDE, omit: { draftGraph: true } });
      return { flow: toFlowSummary(flow), version: toVersionSummary(version), warnings: w.warnings };
    });
  } catch (e) {
    // Two publishes raced for the same version number: the loser is told to retry.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') throw statusChanged(row.id);
    throw e;
  }
}

/** Counts for the audit log; the full diff is one `versions.diff` call away. */
/** The diff of identical graphs (same checksum): republishing a version unchanged costs no parse and no diff. */
const NO_CHANGES: GraphDiff = {
  identical: true,
  nodes: { added: [], removed: [], changed: [] },
  modules: { added: [], removed: [], changed: [] },
  edges: { added: [], removed: [], changed: [] },
  flow: [],
};

function summarize(diff: GraphDiff) {
  const count = (part: { added: unknown[]; removed: unknown[]; changed: unknown[] }) => ({
    added: part.added.length,
    removed: part.removed.length,
    changed: part.changed.length,
  });
  return { nodes: count(diff.nodes), modules: count(diff.modules), edges: count(diff.edges), flowFields: diff.flow.length };
}

type VersionRow = Prisma.FlowVersionGetPayload<{ include: { publishedBy: { select: { id: true; name: true } } } }>;

function toVersionSummary(v: VersionRow): VersionSummary {
  return {
    id: v.id,
    flowId: v.flowId,
    number: v.number,
    checksum: v.checksum,
    formatVersion: v.formatVersion,
    publishedAt: v.publishedAt.toISOString(),
    publishedBy: v.publishedBy,
    notes: v.notes,
    inFlightPolicy: v.inFlightPolicy as InFlightPolicy,
  };
}

export async function listVersions(
  ctx: FlowServiceContext,
  query: { flowId: string; before?: number | undefined; limit: number },
): Promise<{ items: (VersionSummary & { isCurrent: boolean })[]; nextBefore: number | null }> {
  const row = await loadFlow(ctx, query.flowId);
  const rows = await ctx.prisma.flowVersion.findMany({
    where: { flowId: row.id, ...(query.before !== undefined ? { number: { lt: query.before } } : {}) },
    orderBy: { number: 'desc' },
    take: query.limit + 1,
    include: { publishedBy: { select: { id: true, name: true } } },
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((v) => ({ ...toVersionSummary(v), isCurrent: v.id === row.currentVersionId })),
    nextBefore: rows.length > query.limit ? (page.at(-1)?.number ?? null) : null,
  };
}

async function loadVersion(db: Db, flowId: string, number: number) {
  const version = await db.flowVersion.findUnique({
    where: { flowId_number: { flowId, number } },
    include: { publishedBy: { select: { id: true, name: true } } },
  });
  if (!version) throw notFound(`Version of flow ${flowId} numbered`, number);
  return version;
}

export async function getVersion(ctx: FlowServiceContext, flowId: string, number: number): Promise<VersionSummary & { graph: FlowGraph; isCurrent: boolean }> {
  const row = await loadFlow(ctx, flowId);
  const version = await loadVersion(ctx.prisma, row.id, number);
  return { ...toVersionSummary(version), graph: readStoredGraph(version.graph, `version ${number}`), isCurrent: version.id === row.currentVersionId };
}

/** Differences between two versions, or between a version and the working draft. */
export async function diffVersions(
  ctx: FlowServiceContext,
  input: { flowId: string; from: number; to: number | 'draft' },
): Promise<{ from: number; to: number | 'draft'; diff: GraphDiff }> {
  const row = await loadFlow(ctx, input.flowId);
  const before = readStoredGraph((await loadVersion(ctx.prisma, row.id, input.from)).graph, `version ${input.from}`);
  const after =
    input.to === 'draft'
      ? readStoredGraph(row.draftGraph, `flow ${row.id}`)
      : readStoredGraph((await loadVersion(ctx.prisma, row.id, input.to)).graph, `version ${input.to}`);
  return { from: input.from, to: input.to, diff: diffGraphs(before, after) };
}
