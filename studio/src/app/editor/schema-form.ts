import { type AnyNodeDefinition, applicableLimits, type LimitRule, measure, pathMatches } from '@omniflow/nodes';
import type { ChannelKind, LocalizedText } from '@omniflow/schemas';
import { z } from 'zod';
import type { ScalarVariant } from './condition/ScalarUnion.tsx';

// The side-panel form is generated from the node's config schema as JSON Schema (`z.toJSONSchema`
// with the `field` metadata: label, widget, help). These helpers are the form's pure part.

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  label?: LocalizedText;
  help?: LocalizedText;
  widget?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
}

const cache = new WeakMap<AnyNodeDefinition, JsonSchema>();

/** The config schema of a node type as JSON Schema (input side: defaults are optional). */
export function configSchemaOf(def: AnyNodeDefinition): JsonSchema {
  let schema = cache.get(def);
  if (!schema) {
    schema = z.toJSONSchema(def.config, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
    cache.set(def, schema);
  }
  return schema;
}

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'number'
  | 'select'
  | 'toggle'
  | 'tags'
  | 'multiselect'
  | 'list'
  | 'object'
  | 'variant'
  | 'condition'
  | 'json'
  | 'scalarUnion'
  | 'unsupported';

const TEXT_WIDGETS = new Set(['text', 'url', 'attribute', 'module', 'secret', 'color', 'image', 'datetime']);

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

/** Which control draws a schema. */
export function fieldKind(schema: JsonSchema): FieldKind {
  // Widgets with their own editors (condition builder, JSON editor) win over the schema's shape.
  if (schema.widget === 'condition') return 'condition';
  if (schema.widget === 'json' && typeOf(schema) === 'object') return 'json'; // the JSON field edits objects (a Flex container)
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants && discriminatorOf(variants)) return 'variant';
  if (variants && scalarVariants(schema).length === variants.length && new Set(variants.map(typeOf)).size > 1) return 'scalarUnion';
  const type = typeOf(schema);
  if (type === 'string') {
    if (schema.enum) return 'select';
    if (schema.widget === 'textarea' || schema.widget === 'template') return 'textarea';
    if (!schema.widget || TEXT_WIDGETS.has(schema.widget) || schema.widget === 'select') return 'text';
    if (schema.widget === 'keywords' || schema.widget === 'tags') return 'text';
    return 'unsupported';
  }
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'toggle';
  if (type === 'array' && schema.items) {
    const itemType = typeOf(schema.items);
    if (itemType === 'string' && schema.items.enum) return 'multiselect';
    if (itemType === 'string') return 'tags';
    if (itemType === 'object' || schema.items.oneOf) return 'list';
    return 'unsupported';
  }
  if (type === 'object' && schema.properties) return 'object';
  return 'unsupported';
}

/** The scalar variants of an anyOf/oneOf (string|integer|number), as the scalar-union field draws them. */
export function scalarVariants(schema: JsonSchema): ScalarVariant[] {
  const out: ScalarVariant[] = [];
  for (const variant of schema.oneOf ?? schema.anyOf ?? []) {
    const type = typeOf(variant);
    if (type !== 'string' && type !== 'integer' && type !== 'number') continue;
    out.push({
      type,
      ...(variant.enum ? { enum: variant.enum.map(String) } : {}),
      ...(variant.minimum !== undefined ? { minimum: variant.minimum } : {}),
      ...(variant.maximum !== undefined ? { maximum: variant.maximum } : {}),
    });
  }
  return out;
}

/** The property whose `const` tells the variants of a oneOf apart ("kind", "mode"…). */
export function discriminatorOf(variants: JsonSchema[]): string | undefined {
  const first = variants[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((key) => variants.every((v) => v.properties?.[key]?.const !== undefined));
}

/** A fresh value for a schema: its default, else an empty value of its type (required object keys filled). */
export function emptyValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.[0]) return emptyValue(variants[0]);
  switch (typeOf(schema)) {
    case 'string':
      if (schema.enum) return schema.enum[0];
      if (schema.pattern === '^[A-Za-z0-9_-]+$') return `i${Math.random().toString(36).slice(2, 8)}`;
      return '';
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const prop = schema.properties?.[key];
        if (prop) out[key] = emptyValue(prop);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The label of a field in the locale, falling back to its title or its key. */
export function fieldLabel(schema: JsonSchema, key: string | number, locale: 'en' | 'zh-Hant'): string {
  return schema.label?.[locale] ?? schema.title ?? (typeof key === 'number' ? `#${key + 1}` : humanize(key));
}

function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = setAt(list[head], rest, value);
    return list;
  }
  const obj = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  if (value === undefined && rest.length === 0) delete obj[head];
  else obj[head] = setAt(obj[head], rest, value);
  return obj;
}

export interface Counter {
  size: number;
  max: number;
  over: boolean;
  channels?: readonly ChannelKind[];
}

/** The live counter of a text field: the tightest applicable character limit for the flow's channels. */
export function counterFor(
  def: AnyNodeDefinition,
  config: unknown,
  path: readonly (string | number)[],
  value: unknown,
  channels: readonly ChannelKind[],
): Counter | null {
  let rules: LimitRule<unknown>[];
  try {
    const parsed = def.config.safeParse(config);
    rules = applicableLimits((def.limits ?? []) as readonly LimitRule<unknown>[], parsed.success ? parsed.data : config, { channels });
  } catch {
    return null; // a conditional rule could not read a half-filled config: no counter until it can
  }
  let best: Counter | null = null;
  for (const rule of rules) {
    if (rule.measure !== 'chars' || rule.max === undefined || !pathMatches(path, rule.path)) continue;
    const size = measure(rule, value);
    if (size === undefined) continue;
    if (!best || rule.max < best.max) best = { size, max: rule.max, over: size > rule.max, ...(rule.channels ? { channels: rule.channels } : {}) };
  }
  return best;
}

export function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
