// @omniflow/engine — trigger matching, the run interpreter and the embedded durable runtime (SQLite).
// The Temporal runtime and the channel adapters come later and plug into the same interfaces:
// ContactStore (internal effects), EffectHandler (external effects) and Clock (time).

export * from './channels/index.ts';
export { type Clock, type ClockTimer, ManualClock, ScaledClock, SystemClock } from './clock.ts';
export {
  type AttributeWrite,
  type ContactStore,
  type ContactStoreOptions,
  MemoryContactStore,
  type PointsChange,
  SqliteContactStore,
  type WriteMeta,
} from './contacts/contact-store.ts';
export { type Effect, type EffectHandler, type EffectKind, type EffectResult, type HttpResult, RecordingEffectHandler } from './effects.ts';
export {
  type ContactEvent,
  createEmbeddedEngine,
  EmbeddedEngine,
  type EmbeddedEngineOptions,
  type EngineFlowStatus,
  type EntryResult,
  eventMatches,
  type InFlightPolicy,
  type NodeStats,
  type PublishPolicy,
  type RunRecord,
  type ScheduleOccurrence,
  type TimelineStep,
} from './embedded/engine.ts';
export { CompiledFlow } from './interpreter/compiled-flow.ts';
export { type EffectIntent, type EmittedEvent, executeNode, type RunState, type StepExecution } from './interpreter/execute-node.ts';
export { type ContactDirectory, MemoryContactDirectory } from './scheduling/directory.ts';
export { MATERIALISE_AHEAD_MS, nextDailyEvaluation, type Occurrence, occurrencesBetween, ScheduleConfig } from './scheduling/occurrences.ts';
export { type RetryPolicy, retryDelayMs, retryPolicyOf, transientFailure } from './scheduling/retry-policy.ts';
export { type SimulateOptions, type SimulationResult, simulate } from './simulate.ts';
export { type KeywordFilter, KeywordMatcher, type KeywordMode, type KeywordRule, normaliseText } from './triggers/keyword-matcher.ts';
export {
  type DailyDateRule,
  needsDailyEvaluation,
  type SiteVisit,
  type TriggerContext,
  TriggerIndex,
  type TriggerIndexMeta,
  type TriggerMatch,
} from './triggers/trigger-index.ts';
