import type { Catalogue } from '@omniflow/nodes';
import { DEFAULT_SETTINGS } from '../context.ts';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEventBus } from '../events.ts';
import { Access } from '../trpc.ts';
import type { FlowServiceContext } from './context.ts';

/**
 * Flow services acting as an admin without a request behind them (the first-start seed, the
 * command line): full rights on both flow kinds, and `userAgent` saying who acted in the audit log.
 */
export function adminFlowContext(
  deps: { prisma: PrismaClient; catalogue: Catalogue; events: DomainEventBus; now: () => Date },
  admin: { id: string; email: string; name: string },
  userAgent: string,
): FlowServiceContext {
  return {
    ...deps,
    settings: DEFAULT_SETTINGS,
    request: { ip: null, userAgent },
    actor: { id: admin.id, email: admin.email, name: admin.name, role: 'admin', via: 'session' },
    access: new Access('flows.edit', 'admin', ['chatbot', 'journey']),
  };
}
