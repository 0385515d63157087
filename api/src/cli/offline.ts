import { configFromEnv } from '../config.ts';
import { openDatabase, type PrismaClient } from '../db/open.ts';
import { DomainEventBus } from '../events.ts';
import { loadInstalledCatalogue } from '../server.ts';
import { adminFlowContext } from '../services/admin-context.ts';
import type { FlowServiceContext } from '../services/context.ts';

// Commands that work on the data directory without a running server (migrate, import, export) open
// the SQLite file themselves; SQLite's locking lets them run beside a server on the same file.
// They act as an admin account, so the audit log says who did what.

export interface Offline {
  ctx: FlowServiceContext;
  prisma: PrismaClient;
  dataDir: string;
  close(): Promise<void>;
}

export function dataDirOf(flag: string | undefined): string {
  return configFromEnv({ ...process.env, ...(flag !== undefined ? { OMNIFLOW_DATA_DIR: flag } : {}) }).dataDir;
}

/** Opens (and migrates) the database; acts as `asEmail` or the first admin. */
export async function openOffline(options: { dataDir?: string | undefined; as?: string | undefined; purpose: string }): Promise<Offline> {
  const dataDir = dataDirOf(options.dataDir);
  const { prisma } = await openDatabase(dataDir);
  try {
    const user = options.as
      ? await prisma.user.findUnique({ where: { email: options.as.toLowerCase() } })
      : await prisma.user.findFirst({ where: { role: 'admin' }, orderBy: { createdAt: 'asc' } });
    if (!user) {
      throw new CliError(
        options.as
          ? `--as: no account with the email ${options.as} in ${dataDir}`
          : `No admin account in ${dataDir} yet: start the product once (omniflow start) to create it.`,
      );
    }
    if (user.role !== 'admin') throw new CliError(`--as: ${user.email} is not an admin; the command line acts with an admin's rights.`);
    const catalogue = await loadInstalledCatalogue();
    const ctx = adminFlowContext({ prisma, catalogue, now: () => new Date(), events: new DomainEventBus() }, user, `omniflow cli (${options.purpose})`);
    return { ctx, prisma, dataDir, close: () => prisma.$disconnect() };
  } catch (e) {
    await prisma.$disconnect();
    throw e;
  }
}

/** An error the CLI prints as one sentence (no stack) and exits 1 on. */
export class CliError extends Error {}
