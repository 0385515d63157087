import type { EventMatcher, FlowEventKind } from '@omniflow/schemas';

// Whether an inbound event satisfies a wait / exit / goal matcher. Free of Node APIs and I/O, so the
// Temporal workflow sandbox can use it as well as the embedded runtime (whose copy in
// embedded/engine.ts has the same rules).

export function eventTags(payload: Record<string, unknown>): string[] {
  const tags = Array.isArray(payload.tags) ? payload.tags.filter((t): t is string => typeof t === 'string') : [];
  if (typeof payload.tag === 'string') tags.push(payload.tag);
  return tags;
}

export function matchesEvent(m: EventMatcher, kind: FlowEventKind | undefined, payload: Record<string, unknown>): boolean {
  if (kind !== m.event) return false;
  if (m.tag && !eventTags(payload).includes(m.tag)) return false;
  if (m.attributeKey && payload.key !== m.attributeKey) return false;
  if (m.buttonId && payload.buttonId !== m.buttonId && payload.optionId !== m.buttonId) return false;
  return true;
}
