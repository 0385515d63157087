import { t } from '@omniflow/schemas';
import { z } from 'zod';
import type { LimitRule, NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// Wall-clock dates and times on triggers (campaign periods §3.3 / §3.7, schedules §3.10). They carry
// no offset: the flow's time zone (journey / bot settings, default the team's, §1.1) gives them
// meaning, so a 09:00 schedule stays 09:00 across DST changes (§9.9).

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** "YYYY-MM-DDTHH:mm" or "YYYY-MM-DDTHH:mm:ss", a real calendar date and time, no offset. */
export function isLocalDateTime(value: string): boolean {
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  return validDate(y, mo, d) && h <= 23 && mi <= 59 && s <= 59;
}

/** "YYYY-MM-DD", a real calendar date. */
export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  return !!m && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Comparable form of a local datetime (seconds made explicit). */
export function localDateTimeKey(value: string): string {
  return value.length === 16 ? `${value}:00` : value;
}

/** A wall-clock datetime field; empty until filled in (a limit rule makes it required where it applies). */
export const LocalDateTimeField = (label: ReturnType<typeof t>) =>
  field(z.string().max(32).default(''), label, { widget: 'datetime', help: t("In the flow's time zone.", '以流程設定的時區為準。') });

export function checkLocalDateTime(value: string, path: (string | number)[]): NodeIssue[] {
  if (value === '' || isLocalDateTime(value)) return [];
  return [
    {
      path,
      code: 'invalid_datetime',
      message: t('Use a date and time like 2025-03-01T09:00 (no time zone offset).', '請輸入日期與時間,例如 2025-03-01T09:00(不含時區)。'),
    },
  ];
}

/** §3.3 validity / §3.7 period: always on, or between two wall-clock times. */
export const Period = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('always') }),
  z.object({
    kind: z.literal('range'),
    start: LocalDateTimeField(t('Starts', '開始時間')),
    end: LocalDateTimeField(t('Ends', '結束時間')),
  }),
]);
export type Period = z.output<typeof Period>;

/** Both ends required for a range. */
export function periodLimits<C>(path: string, section: string): LimitRule<C>[] {
  return [
    { path: `${path}.start`, measure: 'chars', min: 1, field: t('Start time', '開始時間'), source: section },
    { path: `${path}.end`, measure: 'chars', min: 1, field: t('End time', '結束時間'), source: section },
  ];
}

/** Well-formed ends, and the end after the start (§2.3: the end cannot be before the start). */
export function checkPeriod(period: Period, path: (string | number)[]): NodeIssue[] {
  if (period.kind !== 'range') return [];
  const issues = [...checkLocalDateTime(period.start, [...path, 'start']), ...checkLocalDateTime(period.end, [...path, 'end'])];
  if (issues.length === 0 && period.start && period.end && localDateTimeKey(period.end) <= localDateTimeKey(period.start)) {
    issues.push({ path: [...path, 'end'], code: 'invalid_range', message: t('The end must be after the start.', '結束時間必須晚於開始時間。') });
  }
  return issues;
}
