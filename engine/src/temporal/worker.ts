import type { Catalogue } from '@omniflow/nodes';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ContactStore } from '../contacts/contact-store.ts';
import type { EffectHandler } from '../effects.ts';
import { createActivities } from './activities.ts';
import { WORKFLOWS_PATH } from './bundle.ts';
import { connectionOptions, type TemporalConfig } from './config.ts';
import { RunLedger } from './ledger.ts';
import { TemporalRuntime } from './runtime.ts';

// A worker for the run workflow: polls the task queue, runs workflow tasks in the SDK's sandbox and the
// activities (node execution, effect delivery, ledger writes) in this process. Its activities start and
// signal other runs (trigger-journey nodes, tags a journey applied) through a TemporalRuntime client.

export interface OmniflowWorkerOptions {
  config: TemporalConfig;
  catalogue: Catalogue;
  contacts: ContactStore;
  effects: EffectHandler;
  ledger?: RunLedger;
  /** Concurrent activity executions (default 100). */
  maxConcurrentActivities?: number;
  onError?: (error: unknown) => void;
}

export interface OmniflowWorker {
  worker: Worker;
  runtime: TemporalRuntime;
  /** Runs until shutdown() (or a fatal error). */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createOmniflowWorker(options: OmniflowWorkerOptions): Promise<OmniflowWorker> {
  const { config } = options;
  const ledger = options.ledger ?? RunLedger.inDataDir(config.dataDir);
  const runtime = await TemporalRuntime.connect({
    config,
    catalogue: options.catalogue,
    contacts: options.contacts,
    ledger,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const connection = await NativeConnection.connect(connectionOptions(config));
  const activities = createActivities({ catalogue: options.catalogue, contacts: options.contacts, effects: options.effects, ledger, runtime });
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
  });
  let running: Promise<void> | undefined;
  return {
    worker,
    runtime,
    run() {
      running ??= worker.run().finally(async () => {
        await runtime.stop();
        await connection.close();
        if (options.ledger === undefined) ledger.close();
      });
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
