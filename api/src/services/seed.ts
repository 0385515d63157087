import { readdirSync, readFileSync } from 'node:fs';
import type { Catalogue } from '@omniflow/nodes';
import { type FlowGraph, parseStoredGraph, type SENDABLE_CHANNELS } from '@omniflow/schemas';
import { DEFAULT_SETTINGS } from '../context.ts';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEventBus } from '../events.ts';
import { Access } from '../trpc.ts';
import type { FlowServiceContext } from './context.ts';
import { createFlow, saveDraft } from './flows.ts';

// On the first start the example flows of examples/flows/ are added as drafts, so a new team opens
// the studio to a keyword chatbot, an abandoned-cart journey and a new-follower journey to learn from.

export const EXAMPLE_FLOWS_DIR = new URL('../../../examples/flows/', import.meta.url).pathname;

/** Custom attributes the examples write to (user input, response mapping). */
const EXAMPLE_ATTRIBUTES = [
  { key: 'newsletter_email', displayName: 'Newsletter email', type: 'text' },
  { key: 'member_tier', displayName: 'Member tier', type: 'text' },
] as const;

const NAMES: Readonly<Record<string, string>> = {
  'abandoned-cart.journey.json': 'Abandoned cart (example)',
  'new-follower.journey.json': 'New follower welcome (example)',
  'keyword-bot.chatbot.json': 'Shop keyword bot (example)',
};

/** Adds every example flow as a draft owned by `adminId`; returns the names added. */
export async function seedExampleFlows(
  deps: { prisma: PrismaClient; catalogue: Catalogue; events: DomainEventBus; now: () => Date },
  adminId: string,
  dir: string = EXAMPLE_FLOWS_DIR,
): Promise<string[]> {
  const admin = await deps.prisma.user.findUniqueOrThrow({ where: { id: adminId } });
  const ctx: FlowServiceContext = {
    ...deps,
    settings: DEFAULT_SETTINGS,
    request: { ip: null, userAgent: 'omniflow first-start seed' },
    actor: { id: admin.id, email: admin.email, name: admin.name, role: 'admin', via: 'session' },
    access: new Access('flows.edit', 'admin', ['chatbot', 'journey']),
  };
  for (const a of EXAMPLE_ATTRIBUTES) {
    await deps.prisma.attributeDefinition.upsert({ where: { key: a.key }, create: { ...a }, update: {} });
  }
  const added: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = parseStoredGraph(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
    if (!parsed.ok) throw new Error(`examples/flows/${file} is not a valid flow graph: ${parsed.error[0]?.message}`);
    const graph: FlowGraph = parsed.graph;
    const name = NAMES[file] ?? file.replace(/\.json$/, '');
    const flow = await createFlow(
      ctx,
      graph.kind === 'journey'
        ? { name, kind: 'journey', channels: graph.channels as (typeof SENDABLE_CHANNELS)[number][] }
        : { name, kind: 'chatbot', scope: graph.bot.scope },
    );
    await saveDraft(ctx, { id: flow.id, baseRevision: flow.draftRevision, graph });
    added.push(name);
  }
  return added;
}
