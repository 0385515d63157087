import { DateTime } from 'luxon';

// Per-rule checks for the triggers that carry more than a key: website page rules (§3.7), campaign
// periods (§3.3 / §3.7), comment keywords (§3.3) and form answer filters (§3.14). The TriggerIndex finds
// the few candidate rules by index first; these decide each candidate exactly.

export interface PageRule {
  op: 'urlIs' | 'urlContains' | 'urlNotContains';
  value: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function pageRules(config: Record<string, unknown>): PageRule[] {
  const pages = config.pages as { kind?: string; rules?: unknown } | undefined;
  if (pages?.kind !== 'specific') return [];
  return arr(pages.rules).flatMap((r) => {
    const rule = r as { op?: unknown; value?: unknown };
    const op = rule.op === 'urlIs' || rule.op === 'urlNotContains' ? rule.op : 'urlContains';
    const value = str(rule.value).trim();
    return value ? [{ op, value }] : [];
  });
}

export function excludedPages(config: Record<string, unknown>): PageRule[] {
  return arr(config.excludedPages).flatMap((r) => {
    const rule = r as { op?: unknown; value?: unknown };
    const value = str(rule.value).trim();
    return value ? [{ op: rule.op === 'urlIs' ? ('urlIs' as const) : ('urlContains' as const), value }] : [];
  });
}

/** URLs compare without a trailing slash or fragment, so "https://a.com/pricing/" is the page "https://a.com/pricing". */
export function canonicalUrl(url: string): string {
  return url.trim().replace(/#.*$/, '').replace(/\/+$/, '');
}

/** A page matches when it matches any positive rule (if there are any) and no "does not contain" rule. */
export function pageMatches(rules: readonly PageRule[], url: string): boolean {
  if (rules.length === 0) return true;
  const positive = rules.filter((r) => r.op !== 'urlNotContains');
  if (rules.some((r) => r.op === 'urlNotContains' && url.includes(r.value))) return false;
  if (positive.length === 0) return true;
  return positive.some((r) => (r.op === 'urlIs' ? canonicalUrl(url) === canonicalUrl(r.value) : url.includes(r.value)));
}

export function excludedMatch(rules: readonly PageRule[], url: string): PageRule | undefined {
  return rules.find((r) => (r.op === 'urlIs' ? canonicalUrl(url) === canonicalUrl(r.value) : url.includes(r.value)));
}

/** A campaign period in the flow's zone: [start, end) in ms, open-ended for "always". */
export function periodBounds(period: unknown, zone: string): { start?: number; end?: number } {
  const p = period as { kind?: string; start?: unknown; end?: unknown } | undefined;
  if (p?.kind !== 'range') return {};
  const start = DateTime.fromISO(str(p.start), { zone });
  const end = DateTime.fromISO(str(p.end), { zone });
  return { ...(start.isValid ? { start: start.toMillis() } : {}), ...(end.isValid ? { end: end.toMillis() } : {}) };
}

export function startOfDay(ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).startOf('day').toMillis();
}

/** §3.3: comment keywords are case- AND width-sensitive; only surrounding spaces are trimmed (ours). */
export function commentMatches(mode: string, keywords: readonly string[], text: string): boolean {
  const t = text.trim();
  const words = keywords.map((k) => k.trim()).filter(Boolean);
  switch (mode) {
    case 'anyContent':
      return true;
    case 'containsAny':
      return words.some((k) => t.includes(k));
    case 'containsAll':
      return words.length > 0 && words.every((k) => t.includes(k));
    case 'exact':
      // Only the first keyword is used when several are set.
      return words[0] !== undefined && t === words[0];
    default:
      return false;
  }
}

/** §3.14 form filters: every filter must pass; answers compare as text. */
export function formFiltersPass(filters: unknown, answers: Record<string, unknown>): { pass: boolean; failed?: string } {
  for (const f of arr(filters)) {
    const filter = f as { field?: unknown; op?: unknown; value?: unknown };
    const name = str(filter.field);
    const raw = answers[name];
    const value = raw === undefined || raw === null ? undefined : String(raw);
    const want = str(filter.value);
    let ok: boolean;
    switch (filter.op) {
      case 'notEquals':
        ok = value !== want;
        break;
      case 'contains':
        ok = value?.includes(want) === true;
        break;
      case 'notContains':
        ok = value === undefined || !value.includes(want);
        break;
      case 'isSet':
        ok = value !== undefined && value !== '';
        break;
      case 'isNotSet':
        ok = value === undefined || value === '';
        break;
      default:
        ok = value === want;
    }
    if (!ok) return { pass: false, failed: `${name} ${String(filter.op ?? 'equals')} ${want}`.trim() };
  }
  return { pass: true };
}
