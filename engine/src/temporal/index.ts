// @omniflow/engine/temporal — the Temporal runtime: run workflow, activities, worker, the runtime facade
// the api uses instead of the embedded engine when OMNIFLOW_ENGINE=temporal, and its configuration.
// Kept out of the package's main entry so nothing loads the Temporal SDK unless this runtime is chosen.

export { type ActivityDependencies, createActivities, isClientRejection } from './activities.ts';
export { type BundleReport, bundleRunWorkflow, replayRunHistory, WORKFLOWS_PATH } from './bundle.ts';
export {
  connectionOptions,
  ENGINE_KINDS,
  type EngineKind,
  engineKindFromEnv,
  parseTemporalConfig,
  TEMPORAL_ENV,
  TemporalConfig,
  TemporalConfigError,
  type TemporalConfigInput,
  temporalConfigFromEnv,
} from './config.ts';
export * from './contract.ts';
export {
  type EntryFacts,
  endLabel,
  entryRefusal,
  eventEndsRun,
  PATCHES,
  type RouteDecision,
  resumedByEvent,
  resumes,
  route,
  undeliveredEffect,
} from './decisions.ts';
export { InProcessGateway, InProcessRun, type InProcessRunOptions, runInputFor, settle, VirtualWorkflowTime } from './in-process.ts';
export { type FlowStatus, type LedgerRun, RunLedger } from './ledger.ts';
export { type LoopPorts, type LoopResult, RunInterpreter } from './run-loop.ts';
export { type RunSignals, type RunWorkflowGateway, runWorkflowId, TemporalRuntime, type TemporalRuntimeOptions, temporalGateway } from './runtime.ts';
export { createOmniflowWorker, type OmniflowWorker, type OmniflowWorkerOptions } from './worker.ts';
