import { type FlowGraph, FlowKind, parseStoredGraph, type SENDABLE_CHANNELS, type ValidationIssue } from '@omniflow/schemas';
import { z } from 'zod';
import { AppError, badField } from '../errors.ts';
import type { FlowServiceContext } from './context.ts';
import { readStoredGraph } from './flow-dto.ts';
import { createFlow, FLOW_NAME_MAX, loadFlow, saveDraft } from './flows.ts';

// Flows travel between teams and machines as one versioned JSON document: the draft graph (in the
// graph format it was saved in; older formats upgrade on import) and, optionally, the published
// versions for reference. Importing always creates a new draft: nothing is published or overwritten.

export const FLOW_EXPORT_FORMAT = 'omniflow.flow';
export const FLOW_EXPORT_FORMAT_VERSION = 1;

const ExportedVersion = z.object({
  number: z.number().int().min(1),
  notes: z.string().nullable().optional(),
  publishedAt: z.string(),
  checksum: z.string(),
  graph: z.unknown(),
});

/** The export document. `formatVersion` bumps only when this envelope changes, not the graph format. */
export const FlowExport = z.object({
  format: z.literal(FLOW_EXPORT_FORMAT),
  formatVersion: z.number().int().min(1).max(FLOW_EXPORT_FORMAT_VERSION),
  exportedAt: z.string(),
  flow: z.object({ name: z.string().trim().min(1).max(FLOW_NAME_MAX), kind: FlowKind }),
  graph: z.unknown(),
  versions: z.array(ExportedVersion).max(10_000).optional(),
});
export type FlowExport = z.infer<typeof FlowExport>;

export async function exportFlow(ctx: FlowServiceContext, id: string, options: { versions?: boolean } = {}): Promise<FlowExport> {
  const row = await loadFlow(ctx, id);
  const doc: FlowExport = {
    format: FLOW_EXPORT_FORMAT,
    formatVersion: FLOW_EXPORT_FORMAT_VERSION,
    exportedAt: ctx.now().toISOString(),
    flow: { name: row.name, kind: row.kind as FlowKind },
    graph: readStoredGraph(row.draftGraph, `flow ${id}`),
  };
  if (options.versions) {
    const versions = await ctx.prisma.flowVersion.findMany({ where: { flowId: row.id }, orderBy: { number: 'asc' } });
    doc.versions = versions.map((v) => ({
      number: v.number,
      notes: v.notes,
      publishedAt: v.publishedAt.toISOString(),
      checksum: v.checksum,
      graph: readStoredGraph(v.graph, `version ${v.number} of flow ${id}`),
    }));
  }
  return doc;
}

export interface ImportedFlow {
  id: string;
  name: string;
  kind: FlowKind;
  /** The graph format the document was in, when it was upgraded on the way in. */
  upgradedFrom?: number;
  /** Validation of the new draft against this server's catalogue and attributes (drafts may have errors). */
  issues: ValidationIssue[];
}

/**
 * Creates a draft from an export document, or from a bare flow graph file (examples/flows/*.json).
 * A document that does not parse is refused with every problem's path; nothing is created.
 */
export async function importFlow(ctx: FlowServiceContext, input: unknown, options: { name?: string } = {}): Promise<ImportedFlow> {
  const isEnvelope = typeof input === 'object' && input !== null && 'format' in input;
  let name = options.name;
  let rawGraph: unknown = input;
  if (isEnvelope) {
    const doc = FlowExport.safeParse(input);
    if (!doc.success) {
      const first = doc.error.issues[0];
      const field = first?.path.join('.') || 'document';
      throw badField(field, `not an Omniflow flow export: ${field}: ${first?.message ?? 'invalid'}`);
    }
    name ??= doc.data.flow.name;
    rawGraph = doc.data.graph;
  }
  const parsed = parseStoredGraph(rawGraph);
  if (!parsed.ok) {
    const errors = parsed.error.map((e) => ({ path: [...(isEnvelope ? ['graph'] : []), ...e.path], message: e.message }));
    const first = errors[0];
    throw new AppError('BAD_REQUEST', `graph is not a valid flow graph${first ? ` (at ${first.path.join('.') || 'the top level'}: ${first.message})` : ''}`, {
      kind: 'invalid_graph',
      errors,
    });
  }
  const graph: FlowGraph = parsed.graph;
  name = (name ?? (graph.kind === 'journey' ? 'Imported journey' : 'Imported chatbot')).trim().slice(0, FLOW_NAME_MAX);
  if (graph.kind === 'journey' && graph.channels.length === 0) throw badField('graph.channels', 'a journey needs at least one channel');
  const flow = await createFlow(
    ctx,
    graph.kind === 'journey'
      ? { name, kind: 'journey', channels: graph.channels as (typeof SENDABLE_CHANNELS)[number][] }
      : { name, kind: 'chatbot', scope: graph.bot.scope },
  );
  // saveDraft validates against this server's catalogue and attributes: its issues are the new draft's.
  const { issues } = await saveDraft(ctx, { id: flow.id, baseRevision: flow.draftRevision, graph });
  return { id: flow.id, name, kind: graph.kind, issues, ...(parsed.upgradedFrom ? { upgradedFrom: parsed.upgradedFrom } : {}) };
}
