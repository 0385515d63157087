import type { AnyNodeDefinition, NodeCheckContext } from '../define.ts';
import { type NodeConfigResult, validateNodeConfig } from './node.ts';

// Autosave revalidates the whole graph on every save, yet an edit changes one or two nodes. Results
// of validateNodeConfig are memoised per node definition by (config JSON, check context), so a save
// of a 1,000-node journey re-checks only the nodes that changed. Entries expire after a minute because
// a few checks compare against the current time (e.g. "this date is in the past"). Results are shared
// between callers and must be treated as read-only.

const TTL_MS = 60_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  result: NodeConfigResult;
  at: number;
}

let byDefinition = new WeakMap<AnyNodeDefinition, Map<string, Entry>>();
let size = 0;
// Attribute definitions arrive as a fresh array per request; equal contents share one short id.
const attributeKeys = new WeakMap<object, number>();
let attributeIds = new Map<string, number>();
// Never reused, so a forgotten id cannot alias another set of definitions in the cache.
let nextAttributesId = 1;

function attributesId(attributes: object): number {
  let id = attributeKeys.get(attributes);
  if (id === undefined) {
    const json = JSON.stringify(attributes);
    id = attributeIds.get(json);
    if (id === undefined) {
      if (attributeIds.size >= 1000) attributeIds = new Map();
      id = nextAttributesId++;
      attributeIds.set(json, id);
    }
    attributeKeys.set(attributes, id);
  }
  return id;
}

function contextKey(ctx: NodeCheckContext): string {
  return `${ctx.flowKind}|${ctx.channels.join(',')}|${ctx.scope ?? ''}|${ctx.attributes ? attributesId(ctx.attributes) : 0}`;
}

/** validateNodeConfig, memoised. `now` is injectable for tests. */
export function validateNodeConfigCached(def: AnyNodeDefinition, raw: unknown, ctx: NodeCheckContext, now: number = Date.now()): NodeConfigResult {
  let key: string;
  try {
    key = `${contextKey(ctx)}\u0000${JSON.stringify(raw)}`;
  } catch {
    // Not serialisable (cycles, BigInt): nothing to key on, so check it every time.
    return validateNodeConfig(def, raw, ctx);
  }
  let entries = byDefinition.get(def);
  const hit = entries?.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.result;
  const result = validateNodeConfig(def, raw, ctx);
  if (size >= MAX_ENTRIES) clearNodeConfigCache();
  if (!entries) {
    entries = new Map();
    byDefinition.set(def, entries);
  }
  if (!entries.has(key)) size++;
  entries.set(key, { result, at: now });
  return result;
}

export function clearNodeConfigCache(): void {
  byDefinition = new WeakMap();
  size = 0;
}
