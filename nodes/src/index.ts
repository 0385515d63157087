// @omniflow/nodes — the node catalogue and everything derived from it: `defineNode` for built-in and
// custom node types, graph validation, the §5 placeholder language, and the run-context contract.
export { Catalogue } from './catalogue.ts';
export { checkConditionGroup } from './conditions.ts';
export { type ConditionFacts, type ConditionResult, type EvaluateOptions, evaluateCondition } from './conditions-eval.ts';
export { formatPath, pathMatches, resolvePath, walkStrings } from './config-path.ts';
export {
  type AnyNodeDefinition,
  defineNode,
  defineTrigger,
  type FormHints,
  type LimitRule,
  NEXT_PORT,
  NODE_CATEGORIES,
  type NodeCategory,
  type NodeCheckContext,
  type NodeDefinition,
  type NodeIssue,
  type PlaceholderField,
  type Placement,
  type PortRole,
  type PortSpec,
  scopesOf,
} from './define.ts';
export { describeNodeType, type NodeTypeSummary } from './describe.ts';
export { type FieldMeta, field, fieldMeta, ItemId, type Widget } from './form.ts';
export { cyclicComponents } from './graph/cycles.ts';
export { edgesBySource } from './graph/edges-by-source.ts';
export { reachableFrom } from './graph/reachable-from.ts';
export { applicableLimits, checkLimits, measure } from './limits.ts';
export * from './node-types/index.ts';
export * from './node-types/shared/flex/index.ts';
export { loadCatalogue, type NodePlugin, pluginsFromEnv, pluginsFromPackageJson } from './plugins.ts';
export * from './run-context.ts';
export { type CountMode, containsEmoji, textLength } from './text-length.ts';
export { type GraphValidation, type ValidateGraphOptions, validateGraph } from './validate/graph.ts';
export { checkPlaceholders, type NodeConfigResult, validateNodeConfig } from './validate/node.ts';
export * from './variables/index.ts';
