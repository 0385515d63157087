import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryReplyTokenStore, SqliteSentLedger } from '@omniflow/engine';
import { ChannelRegistry } from '../channels/connections.ts';
import { DeliveryLog } from '../channels/deliveries.ts';
import { ChannelEffects } from '../channels/effects.ts';
import { loadSecretKey, SecretBox } from '../channels/secret-box.ts';
import { openDatabase } from '../db/open.ts';
import { DomainEventBus } from '../events.ts';
import { loadInstalledCatalogue } from '../server.ts';
import { PrismaContactStore } from '../services/contact-store.ts';
import { CliError } from './offline.ts';

// `omniflow worker`: a Temporal worker that executes Omniflow runs with this installation's data — the
// api's contacts (Prisma) and its configured channel connections (secrets decrypted with the same key),
// so a send from a worker goes out exactly as one from the embedded engine would. The Temporal SDK is
// loaded only here, never by `omniflow start` unless OMNIFLOW_ENGINE=temporal.

export const WORKER_HELP = `Usage: omniflow worker [--data-dir <dir>]

Polls a Temporal task queue and executes Omniflow runs (docs/temporal.md). Configured from the
environment: TEMPORAL_ADDRESS (required), TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_TLS*,
TEMPORAL_API_KEY, OMNIFLOW_SECRET_KEY. Uses the data directory's database for contacts and channel
connections, and its run ledger.

  --data-dir   the data directory (env OMNIFLOW_DATA_DIR, default ./data)`;

export async function workerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...(values['data-dir'] !== undefined ? { OMNIFLOW_DATA_DIR: values['data-dir'] } : {}) };
  if (!env.TEMPORAL_ADDRESS) throw new CliError('TEMPORAL_ADDRESS is not set: there is no Temporal cluster to poll (see docs/temporal.md).');
  const temporal = await import('@omniflow/engine/temporal');
  let config: ReturnType<typeof temporal.temporalConfigFromEnv>;
  try {
    config = temporal.temporalConfigFromEnv(env);
  } catch (e) {
    if (e instanceof temporal.TemporalConfigError) throw new CliError(e.message);
    throw e;
  }
  const { prisma } = await openDatabase(config.dataDir);
  const now = () => new Date();
  const events = new DomainEventBus();
  const contacts = new PrismaContactStore({ prisma, now, events });
  const registry = new ChannelRegistry(prisma, new SecretBox(loadSecretKey(config.dataDir, env)));
  await registry.reload();
  const ledger = temporal.RunLedger.inDataDir(config.dataDir);
  const effects = new ChannelEffects({
    registry,
    contacts,
    // Reply tokens live in the process that received the webhook; a worker pushes instead.
    replyTokens: new MemoryReplyTokenStore(),
    deliveries: new DeliveryLog(prisma, now),
    sentLedger: new SqliteSentLedger(join(config.dataDir, 'meta-sent.db')),
    runFacts: (runId) => {
      const run = ledger.getRun(runId);
      return run ? { versionId: run.versionId, isTest: false } : undefined;
    },
  });
  const worker = await temporal.createOmniflowWorker({ config, catalogue: await loadInstalledCatalogue(), contacts, effects, ledger });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void worker.shutdown());
  console.log(`omniflow worker: polling task queue "${config.taskQueue}" in namespace "${config.namespace}" at ${config.address}`);
  try {
    await worker.run();
  } finally {
    ledger.close();
    await prisma.$disconnect();
  }
  console.log('omniflow worker: stopped');
  return 0;
}
