import { readdirSync, readFileSync } from 'node:fs';
import type { Catalogue } from '@omniflow/nodes';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEventBus } from '../events.ts';
import { adminFlowContext } from './admin-context.ts';
import { importFlow } from './flow-transfer.ts';

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
  const ctx = adminFlowContext(deps, admin, 'omniflow first-start seed');
  for (const a of EXAMPLE_ATTRIBUTES) {
    await deps.prisma.attributeDefinition.upsert({ where: { key: a.key }, create: { ...a }, update: {} });
  }
  const added: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const name = NAMES[file] ?? file.replace(/\.json$/, '');
    await importFlow(ctx, JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')), { name });
    added.push(name);
  }
  return added;
}
