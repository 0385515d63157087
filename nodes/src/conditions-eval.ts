import {
  type AttributeValue,
  type ChannelKind,
  type Condition,
  type ConditionGroup,
  type ContactIdentity,
  type Customer,
  isConditionGroup,
  type TagEvent,
} from '@omniflow/schemas';
import { DateTime } from 'luxon';

// Evaluates the §4.3 condition grammar against a contact snapshot — pure: "now" and the team time zone
// are inputs, nothing is read from the clock. Splits, entry conditions, exits and goals all call this,
// and every result carries a one-line explanation for the simulator and the run timeline.
//
// Date operators (§3.5) work on calendar days in the team time zone. A `date` attribute is a calendar
// day ("YYYY-MM-DD"); a `datetime` attribute is an instant. "Specific month, any year" matches the
// attribute's month within the years now−100 … now+30 (the seed's scan range).

/** Facts a condition may need beyond the profile; missing facts make those criteria not match. */
export interface ConditionFacts {
  /** Tag applications with their times, for tag-frequency conditions. */
  tagEvents?: readonly Pick<TagEvent, 'tag' | 'op' | 'at'>[];
  /** Push interactions: which message node (flow, node) the contact opened / read / clicked. */
  pushInteractions?: readonly { action: 'opened' | 'read' | 'clicked'; flowId: string; nodeId: string }[];
  /** Journey history of the contact. */
  journeys?: {
    active: readonly string[];
    past: readonly string[];
    reachedNodes: readonly { journeyId: string; nodeId: string }[];
    goalsReached: readonly string[];
  };
}

export interface EvaluateOptions {
  now: Date;
  /** IANA zone of the team (§1.1). */
  timeZone: string;
  /** The channel of the run, when known: subscription and channel criteria look at that identity. */
  channel?: ChannelKind;
  facts?: ConditionFacts;
}

export interface ConditionResult {
  match: boolean;
  explanation: string;
}

/** Evaluates a condition group; an empty group matches (no condition = everyone). */
export function evaluateCondition(group: ConditionGroup, contact: Readonly<Customer>, options: EvaluateOptions): ConditionResult {
  if (group.items.length === 0) return { match: true, explanation: 'no conditions: matches everyone' };
  const parts: ConditionResult[] = group.items.map((item) =>
    isConditionGroup(item) ? evaluateCondition(item, contact, options) : evaluateOne(item, contact, options),
  );
  const match = group.op === 'and' ? parts.every((p) => p.match) : parts.some((p) => p.match);
  if (parts.length === 1) return parts[0]!;
  const joined = parts.map((p) => `${p.match ? '✓' : '✗'} ${p.explanation}`).join('; ');
  return { match, explanation: `${group.op === 'and' ? 'all of' : 'any of'} (${joined})` };
}

const result = (match: boolean, explanation: string): ConditionResult => ({ match, explanation });

function evaluateOne(c: Condition, contact: Readonly<Customer>, o: EvaluateOptions): ConditionResult {
  switch (c.criterion) {
    case 'attribute':
      return evaluateAttribute(c, contact.attributes[c.key], o);
    case 'tag': {
      const has = new Set(contact.tags.map((t) => t.name));
      const hits = c.tags.filter((t) => has.has(t));
      const match = c.op === 'hasAny' ? hits.length > 0 : c.op === 'hasAll' ? hits.length === c.tags.length : hits.length === 0;
      return result(match, `tags ${c.op} [${c.tags.join(', ')}]: contact has [${hits.join(', ')}]`);
    }
    case 'tagCount': {
      const since = o.now.getTime() - c.withinDays * 86_400_000;
      let count: number;
      if (o.facts?.tagEvents) {
        count = o.facts.tagEvents.filter((e) => e.tag === c.tag && e.op === 'apply' && Date.parse(e.at) >= since).length;
      } else {
        // Without the tag log, the profile's counter only tells us about applications since firstAppliedAt.
        const t = contact.tags.find((x) => x.name === c.tag);
        count = !t ? 0 : Date.parse(t.firstAppliedAt) >= since ? t.count : Date.parse(t.lastAppliedAt) >= since ? 1 : 0;
      }
      return result(count >= c.min, `tag "${c.tag}" applied ${count}× in the last ${c.withinDays} days (needs ≥ ${c.min})`);
    }
    case 'profile': {
      const value = contact[c.field];
      return textOp(c.op, value, c.value, `profile ${c.field}`);
    }
    case 'points': {
      const value = contact.points[c.field];
      return numberOp(c.op, value, c.value, c.value2, `points ${c.field}`);
    }
    case 'binding': {
      const bound = contact.bindings.some((b) => b.kind === c.binding);
      return result(c.op === 'isBound' ? bound : !bound, `${c.binding} binding: ${bound ? 'bound' : 'not bound'}`);
    }
    case 'subscription': {
      const ids = identitiesFor(contact, o.channel);
      if (c.field === 'status') {
        const statuses = ids.map((i) => i.subscriptionStatus);
        return result(c.status !== undefined && statuses.includes(c.status), `subscription status is ${c.status}: contact is [${statuses.join(', ')}]`);
      }
      const flag = c.field;
      const values = ids.map((i) => Boolean(i[flag]));
      const want = c.value ?? true;
      return result(values.includes(want), `${c.field} is ${want ? 'yes' : 'no'}: contact is [${values.map((v) => (v ? 'yes' : 'no')).join(', ')}]`);
    }
    case 'time': {
      const at = timeField(contact, c.field, o.channel);
      const label = `${c.field} (${at ? at.toISOString() : 'not set'})`;
      switch (c.op) {
        case 'isSet':
          return result(at !== undefined, `${label} is set`);
        case 'isNotSet':
          return result(at === undefined, `${label} is not set`);
        case 'between': {
          const from = c.from ? Date.parse(c.from) : Number.NEGATIVE_INFINITY;
          const to = c.to ? Date.parse(c.to) : Number.POSITIVE_INFINITY;
          return result(at !== undefined && at.getTime() >= from && at.getTime() <= to, `${label} between ${c.from ?? '…'} and ${c.to ?? '…'}`);
        }
        case 'withinLastDays': {
          const since = o.now.getTime() - (c.n ?? 0) * 86_400_000;
          return result(at !== undefined && at.getTime() >= since && at.getTime() <= o.now.getTime(), `${label} within the last ${c.n} days`);
        }
        case 'before': {
          const bound = c.to ?? c.from;
          return result(at !== undefined && bound !== undefined && at.getTime() < Date.parse(bound), `${label} before ${bound}`);
        }
        case 'after': {
          const bound = c.from ?? c.to;
          return result(at !== undefined && bound !== undefined && at.getTime() > Date.parse(bound), `${label} after ${bound}`);
        }
      }
      return result(false, label);
    }
    case 'channel': {
      const have = o.channel ? [o.channel] : contact.identities.map((i) => i.channel);
      const match = c.channels.some((ch) => have.includes(ch));
      return result(match, `channel is one of [${c.channels.join(', ')}]: contact is on [${[...new Set(have)].join(', ')}]`);
    }
    case 'pushInteraction': {
      const list = o.facts?.pushInteractions ?? [];
      const did = list.some((p) => p.action === c.action && (c.target === 'any' || (p.flowId === c.target.flowId && p.nodeId === c.target.nodeId)));
      const what = c.target === 'any' ? 'any push' : `push ${c.target.flowId}/${c.target.nodeId}`;
      return result(c.negate ? !did : did, `${c.negate ? 'did not ' : ''}${c.action} ${what}: ${did ? 'yes' : 'no'}`);
    }
    case 'journey': {
      const j = o.facts?.journeys;
      let match = false;
      if (j) {
        if (c.op === 'isIn') match = j.active.includes(c.journeyId);
        else if (c.op === 'wasIn') match = j.past.includes(c.journeyId) || j.active.includes(c.journeyId);
        else if (c.op === 'reachedNode') match = j.reachedNodes.some((r) => r.journeyId === c.journeyId && r.nodeId === c.nodeId);
        else match = j.goalsReached.includes(c.journeyId);
      }
      return result(match, `journey ${c.journeyId} ${c.op}${c.nodeId ? ` ${c.nodeId}` : ''}: ${match ? 'yes' : 'no'}`);
    }
  }
}

function identitiesFor(contact: Readonly<Customer>, channel?: ChannelKind): readonly ContactIdentity[] {
  if (!channel) return contact.identities;
  return contact.identities.filter((i) => i.channel === channel);
}

function timeField(contact: Readonly<Customer>, field: Extract<Condition, { criterion: 'time' }>['field'], channel?: ChannelKind): Date | undefined {
  if (field === 'lastCheckoutAt') return contact.lastCheckoutAt ? new Date(contact.lastCheckoutAt) : undefined;
  const times = identitiesFor(contact, channel)
    .map((i) => i[field])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => Date.parse(v));
  return times.length ? new Date(Math.max(...times)) : undefined;
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

function textOp(op: string, raw: unknown, operand: string | undefined, label: string): ConditionResult {
  const value = isBlank(raw) ? undefined : String(raw);
  const shown = value === undefined ? 'not set' : `"${value}"`;
  switch (op) {
    case 'isSet':
      return result(value !== undefined, `${label} is set (${shown})`);
    case 'isNotSet':
      return result(value === undefined, `${label} is not set (${shown})`);
    case 'equals':
      return result(value !== undefined && value === operand, `${label} equals "${operand}" (${shown})`);
    case 'notEquals':
      return result(value !== operand, `${label} does not equal "${operand}" (${shown})`);
    case 'contains':
      return result(value !== undefined && operand !== undefined && value.includes(operand), `${label} contains "${operand}" (${shown})`);
    case 'notContains':
      return result(value === undefined || operand === undefined || !value.includes(operand), `${label} does not contain "${operand}" (${shown})`);
  }
  return result(false, `${label}: unknown operator ${op}`);
}

function numberOp(op: string, raw: unknown, a: number | undefined, b: number | undefined, label: string): ConditionResult {
  const n = isBlank(raw) ? undefined : Number(raw);
  const value = n === undefined || Number.isNaN(n) ? undefined : n;
  const shown = value === undefined ? 'not set' : String(value);
  if (op === 'isSet') return result(value !== undefined, `${label} is set (${shown})`);
  if (op === 'isNotSet') return result(value === undefined, `${label} is not set (${shown})`);
  if (value === undefined || a === undefined) return result(false, `${label} ${op} ${a ?? '?'}: value ${shown}`);
  const cmp: Record<string, [boolean, string]> = {
    eq: [value === a, `= ${a}`],
    neq: [value !== a, `≠ ${a}`],
    gt: [value > a, `> ${a}`],
    gte: [value >= a, `≥ ${a}`],
    lt: [value < a, `< ${a}`],
    lte: [value <= a, `≤ ${a}`],
    between: [b !== undefined && value >= Math.min(a, b) && value <= Math.max(a, b), `between ${a} and ${b}`],
  };
  const [match, text] = cmp[op] ?? [false, op];
  return result(match, `${label} ${text} (${shown})`);
}

type AttributeCondition = Extract<Condition, { criterion: 'attribute' }>;

function evaluateAttribute(c: AttributeCondition, raw: AttributeValue | undefined, o: EvaluateOptions): ConditionResult {
  const label = `attribute ${c.key}`;
  switch (c.type) {
    case 'text':
      return textOp(c.op, raw, c.value, label);
    case 'number':
      return numberOp(c.op, raw, c.value, c.value2, label);
    case 'boolean': {
      const v = raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : undefined;
      const shown = v === undefined ? 'not set' : v ? 'yes' : 'no';
      if (c.op === 'isTrue') return result(v === true, `${label} is yes (${shown})`);
      if (c.op === 'isFalse') return result(v === false, `${label} is no (${shown})`);
      return result(v === undefined, `${label} is not set (${shown})`);
    }
    case 'date':
    case 'datetime':
      return evaluateDate(c, raw, o, label);
  }
}

/** Parses a stored date or datetime in the team zone; a date-only value is the start of that day. */
function parseInZone(value: string, zone: string): DateTime | undefined {
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }) : DateTime.fromISO(value, { setZone: true }).setZone(zone);
  return dt.isValid ? dt : undefined;
}

function evaluateDate(
  c: AttributeCondition & { type: 'date' | 'datetime' },
  raw: AttributeValue | undefined,
  o: EvaluateOptions,
  label: string,
): ConditionResult {
  const zone = o.timeZone;
  const value = typeof raw === 'string' && raw !== '' ? parseInZone(raw, zone) : undefined;
  if (c.op === 'isSet') return result(value !== undefined, `${label} is set`);
  if (c.op === 'isNotSet') return result(value === undefined, `${label} is not set`);
  if (!value) return result(false, `${label} is not set or not a date`);
  const now = DateTime.fromJSDate(o.now, { zone });
  const today = now.startOf('day');
  const n = c.n ?? 0;
  const shown = c.type === 'date' ? value.toISODate() : value.toISO({ suppressMilliseconds: true });
  const day = value.startOf('day');
  const inDay = (d: DateTime) => day.toMillis() === d.startOf('day').toMillis();
  const describe = (what: string, match: boolean) => result(match, `${label} ${what} (value ${shown}, now ${now.toFormat('yyyy-MM-dd HH:mm:ss')} ${zone})`);
  switch (c.op) {
    case 'specificDate': {
      const target = c.date ? parseInZone(c.date, zone) : undefined;
      return describe(`is on ${target?.toISODate() ?? '?'}`, target !== undefined && inDay(target));
    }
    case 'today':
      return describe(`is today (${today.toISODate()})`, inDay(today));
    case 'nthPastDay': {
      const d = today.minus({ days: n });
      return describe(`is ${n} day(s) ago (${d.toISODate()})`, inDay(d));
    }
    case 'nthFutureDay': {
      const d = today.plus({ days: n });
      return describe(`is ${n} day(s) ahead (${d.toISODate()})`, inDay(d));
    }
    case 'withinNextDays': {
      if (c.type === 'date') {
        const end = today.plus({ days: n });
        return describe(`is within the next ${n} days (${today.toISODate()} ~ ${end.toISODate()})`, day >= today && day <= end);
      }
      const end = now.plus({ days: n });
      return describe(`is within the next ${n} days (until ${end.toFormat('yyyy-MM-dd HH:mm:ss')})`, value >= now && value <= end);
    }
    case 'afterDays': {
      if (c.type === 'date') {
        const from = today.plus({ days: n + 1 });
        return describe(`is after ${n} days (${from.toISODate()} ~ ∞)`, day >= from);
      }
      // Whole seconds: "N days later" is excluded, the next second on is in (§3.5: 18:00:01 ~ ∞).
      const bound = now.plus({ days: n }).startOf('second');
      return describe(`is after ${n} days (after ${bound.toFormat('yyyy-MM-dd HH:mm:ss')})`, value.startOf('second') > bound);
    }
    case 'withinLastDays': {
      if (c.type === 'date') {
        const start = today.minus({ days: n });
        return describe(`is within the last ${n} days (${start.toISODate()} ~ ${today.toISODate()})`, day >= start && day <= today);
      }
      const start = now.minus({ days: n });
      return describe(`is within the last ${n} days`, value >= start && value <= now);
    }
    case 'before':
    case 'after': {
      const bound = c.date ? parseInZone(c.date, zone) : undefined;
      if (!bound) return describe(`${c.op} ?`, false);
      const dateOnly = c.type === 'date' || (c.date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(c.date));
      const a = dateOnly ? day.toMillis() : value.toMillis();
      const b = dateOnly ? bound.startOf('day').toMillis() : bound.toMillis();
      return describe(`is ${c.op} ${c.date}`, c.op === 'before' ? a < b : a > b);
    }
    case 'specificMonth': {
      const sel = c.month ?? 'this';
      const month = sel === 'this' ? now.month : sel === 'last' ? now.minus({ months: 1 }).month : sel === 'next' ? now.plus({ months: 1 }).month : sel;
      const inRange = value.year >= now.year - 100 && value.year <= now.year + 30;
      return describe(`is in month ${month} of any year`, inRange && value.month === month);
    }
  }
  return result(false, `${label}: unknown operator`);
}
