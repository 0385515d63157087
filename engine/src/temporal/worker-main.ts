// `npm run worker`: a Temporal worker for Omniflow runs, configured from the environment
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TLS, OMNIFLOW_DATA_DIR; docs/temporal.md).
//
// Contacts come from the engine's SQLite contact store in the data directory and external effects fail
// with channel_not_configured until channels are configured — the same defaults `npm start` uses. A host
// with its own contact store and channel adapters calls createOmniflowWorker with them instead.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue, pluginsFromEnv } from '@omniflow/nodes';
import { SqliteContactStore } from '../contacts/contact-store.ts';
import type { Effect, EffectHandler, EffectResult } from '../effects.ts';
import { temporalConfigFromEnv } from './config.ts';
import { createOmniflowWorker } from './worker.ts';

const notConfigured: EffectHandler = {
  async deliver(effect: Effect): Promise<EffectResult> {
    if (effect.kind === 'http') return { ok: false, reason: 'blocked', message: 'Outbound HTTP is not configured on this worker' };
    return { ok: false, reason: 'channel_not_configured', message: 'No channel is configured for this send', retryable: false };
  },
};

if (!process.env.TEMPORAL_ADDRESS) {
  console.error('worker: TEMPORAL_ADDRESS is not set — nothing to connect to (see docs/temporal.md).');
  process.exit(2);
}
const config = temporalConfigFromEnv();
const catalogue = await loadCatalogue(pluginsFromEnv());
mkdirSync(config.dataDir, { recursive: true });
const contacts = new SqliteContactStore(join(config.dataDir, 'contacts.db'));
const omniflow = await createOmniflowWorker({ config, catalogue, contacts, effects: notConfigured });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void omniflow.shutdown());
console.log(`worker: polling task queue "${config.taskQueue}" in namespace "${config.namespace}" at ${config.address}`);
await omniflow.run();
console.log('worker: stopped');
