import type { ContactDirectory } from '@omniflow/engine';
import type { PrismaClient } from '../db/open.ts';

// The engine's view of sets of contacts, answered from the api's database through its indexes:
// who has a value for a custom attribute (the daily date evaluator, §3.5), and who is in an audience
// (automation schedules, §3.10).
//
// Audience Management (§1.8) has no table yet, so audience ids are resolved by convention until it
// lands: "all" is every customer, "tag:<name>" every customer with that tag. Any other id is unknown,
// and the engine records the occurrence as failed with reason audience_not_found.

export class PrismaContactDirectory implements ContactDirectory {
  constructor(private readonly prisma: PrismaClient) {}

  async audienceMembers(audienceId: string): Promise<readonly string[] | undefined> {
    if (audienceId === 'all') return (await this.prisma.customer.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
    if (audienceId.startsWith('tag:') && audienceId.length > 4) {
      const rows = await this.prisma.customerTag.findMany({
        where: { tag: audienceId.slice(4) },
        select: { customerId: true },
        orderBy: { customerId: 'asc' },
      });
      return rows.map((r) => r.customerId);
    }
    return undefined;
  }

  async withAttribute(key: string): Promise<readonly string[]> {
    const rows = await this.prisma.attributeValue.findMany({ where: { key }, select: { customerId: true } });
    return rows.map((r) => r.customerId);
  }
}
