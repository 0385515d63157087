import {
  BOOLEAN_OPERATORS,
  CHANNEL_KINDS,
  type Condition,
  type ConditionGroup,
  DATE_OPERATORS,
  isConditionGroup,
  NUMBER_OPERATORS,
  PROFILE_OPERATORS,
  TEXT_OPERATORS,
} from '@omniflow/schemas';

// The pure part of the condition builder: what each criterion starts as, which operators fit an
// attribute type, and which operand fields an operator needs. The JSON built here is exactly what
// `Condition` / `ConditionGroup` of @omniflow/schemas parse (checked by the round-trip test).

export type Path = (string | number)[];
export type CriterionKind = Condition['criterion'];
export type AttributeType = 'text' | 'number' | 'date' | 'datetime' | 'boolean';
export type AttributeCriterion = Extract<Condition, { criterion: 'attribute' }>;

export const CRITERION_KINDS: readonly CriterionKind[] = [
  'attribute',
  'tag',
  'tagCount',
  'profile',
  'points',
  'binding',
  'subscription',
  'time',
  'channel',
  'pushInteraction',
  'journey',
];

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['text', 'number', 'date', 'datetime', 'boolean'];

/** Nesting the builder offers: a group inside a group inside the top group (the schema has no limit; deeper trees are unreadable). */
export const MAX_GROUP_DEPTH = 3;
/** The schema's `items.max(50)`. */
export const MAX_GROUP_ITEMS = 50;

export function operatorsFor(type: AttributeType): readonly string[] {
  switch (type) {
    case 'text':
      return TEXT_OPERATORS;
    case 'number':
      return NUMBER_OPERATORS;
    case 'boolean':
      return BOOLEAN_OPERATORS;
    default:
      return DATE_OPERATORS;
  }
}

export const DATE_OPS_WITH_DATE = new Set(['specificDate', 'before', 'after']);
export const DATE_OPS_WITH_DAYS = new Set(['nthPastDay', 'nthFutureDay', 'withinNextDays', 'afterDays', 'withinLastDays']);
const NO_OPERAND = new Set(['isSet', 'isNotSet']);

export { CHANNEL_KINDS, NUMBER_OPERATORS, PROFILE_OPERATORS };

/** A fresh criterion of a kind, with the operands it needs filled where a sensible default exists. */
export function newCriterion(kind: CriterionKind, key = ''): Condition {
  switch (kind) {
    case 'attribute':
      return { criterion: 'attribute', key, type: 'text', op: 'equals', value: '' };
    case 'tag':
      return { criterion: 'tag', op: 'hasAny', tags: [] };
    case 'tagCount':
      return { criterion: 'tagCount', tag: '', min: 1, withinDays: 30 };
    case 'profile':
      return { criterion: 'profile', field: 'email', op: 'isSet' };
    case 'points':
      return { criterion: 'points', field: 'balance', op: 'gte', value: 0 };
    case 'binding':
      return { criterion: 'binding', binding: 'phone', op: 'isBound' };
    case 'subscription':
      return { criterion: 'subscription', field: 'status', status: 'subscribed' };
    case 'time':
      return { criterion: 'time', field: 'customerLastInteractionAt', op: 'withinLastDays', n: 30 };
    case 'channel':
      return { criterion: 'channel', channels: ['line'] };
    case 'pushInteraction':
      return { criterion: 'pushInteraction', action: 'opened', negate: false, target: 'any' };
    case 'journey':
      return { criterion: 'journey', op: 'isIn', journeyId: '' };
  }
}

/** The attribute criterion after its type changes: the first operator of the type, operands dropped. */
export function withAttributeType(c: AttributeCriterion, type: AttributeType): AttributeCriterion {
  const op = operatorsFor(type)[0] as string;
  return withAttributeOp({ criterion: 'attribute', key: c.key, type, op } as AttributeCriterion, op);
}

/** The attribute criterion after its operator changes: operands the operator does not use are removed, needed ones kept or started. */
export function withAttributeOp(c: AttributeCriterion, op: string): AttributeCriterion {
  const base = { criterion: 'attribute' as const, key: c.key };
  const old = c as Record<string, unknown>;
  switch (c.type) {
    case 'text':
      return NO_OPERAND.has(op)
        ? { ...base, type: 'text', op: op as never }
        : { ...base, type: 'text', op: op as never, value: typeof old.value === 'string' ? old.value : '' };
    case 'number': {
      if (NO_OPERAND.has(op)) return { ...base, type: 'number', op: op as never };
      const value = typeof old.value === 'number' ? old.value : 0;
      if (op === 'between') return { ...base, type: 'number', op: 'between', value, value2: typeof old.value2 === 'number' ? old.value2 : value };
      return { ...base, type: 'number', op: op as never, value };
    }
    case 'boolean':
      return { ...base, type: 'boolean', op: op as never };
    default: {
      const out: AttributeCriterion = { ...base, type: c.type, op: op as never };
      if (DATE_OPS_WITH_DATE.has(op) && typeof old.date === 'string') out.date = old.date;
      if (DATE_OPS_WITH_DAYS.has(op)) out.n = typeof old.n === 'number' ? old.n : 7;
      if (op === 'specificMonth') out.month = (old.month as 'this' | 'last' | 'next' | number | undefined) ?? 'this';
      return out;
    }
  }
}

/** Drops keys whose value is undefined so the JSON stays clean. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function isGroup(item: Condition | ConditionGroup): item is ConditionGroup {
  return isConditionGroup(item);
}

export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** A stored date operand ("YYYY-MM-DD" or an ISO datetime) as the value of `<input type="date">`. */
export function dateInputValue(date: string | undefined): string {
  return date ? date.slice(0, 10) : '';
}

/** An ISO datetime as the value of `<input type="datetime-local">` (UTC, minutes). */
export function dateTimeInputValue(iso: string | undefined): string {
  return iso ? iso.slice(0, 16) : '';
}

/** `<input type="datetime-local">` value → an ISO datetime with offset (read as UTC), as `IsoDateTime` wants. */
export function isoFromDateTimeInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  return `${value.slice(0, 16)}:00Z`;
}
