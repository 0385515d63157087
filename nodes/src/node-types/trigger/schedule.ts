import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { checkLocalDateTime, isLocalDate, LocalDateTimeField, localDateTimeKey } from '../shared/trig-period.ts';

// §3.10 Automation schedule (自動化排程): enters an audience (§1.8) into the journey once or on a
// recurring rhythm. Times are wall-clock in the journey's time zone (journey settings), so DST does
// not shift them. Occurrences are materialised 30 days ahead and each can be cancelled on its own;
// each snapshots the audience at run time minus unsubscribed and over-quota contacts (engine).
// "At least one minute in the future" (§2.3) depends on the publish time, so publish checks it.

const End = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('onDate'), date: field(z.string().max(32).default(''), t('End date', '結束日期'), { widget: 'datetime' }) }),
  z.object({
    kind: z.literal('afterRuns'),
    runs: field(z.number().int().min(0).max(1_000_000).default(1), t('Number of runs', '執行次數'), { widget: 'number' }),
  }),
]);

const Frequency = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), at: LocalDateTimeField(t('Date and time', '日期與時間')) }),
  z.object({
    kind: z.literal('recurring'),
    every: field(z.number().int().min(0).max(1_000_000).default(1), t('Every', '每'), { widget: 'number' }),
    unit: field(z.enum(['days', 'weeks', 'months']).default('days'), t('Unit', '單位'), { widget: 'select' }),
    anchor: LocalDateTimeField(t('First run', '首次執行')),
    end: field(End.default({ kind: 'never' }), t('Ends', '結束'), { widget: 'select' }),
  }),
]);

const Config = z.object({
  audienceId: field(z.string().max(64).default(''), t('Audience', '執行受眾'), { widget: 'select' }),
  frequency: field(Frequency.default({ kind: 'once', at: '' }), t('Frequency', '執行任務頻率'), { widget: 'select' }),
});

export const scheduleTrigger = defineTrigger({
  type: 'trigger.schedule',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  requiredFeatures: ['audience_management'],
  label: t('Schedule', '自動化排程'),
  description: t(
    "Enters everyone in an audience at a set time, once or every N days, weeks or months, in the journey's time zone. Unsubscribed and over-quota contacts are left out; each upcoming run can be cancelled.",
    '在指定時間(以旅程時區為準)讓受眾中的所有人進入旅程,可執行一次,或每 N 天、週、月執行。取消訂閱及超額名單的聯絡人不會進入;每次排程都可個別取消。',
  ),
  icon: 'calendar-clock',
  config: Config,
  defaultConfig: { audienceId: '', frequency: { kind: 'once', at: '' } },
  examples: [
    { name: 'one-off campaign', config: { audienceId: 'aud_vip_tw', frequency: { kind: 'once', at: '2025-11-11T10:00' } } },
    {
      name: 'every Monday morning',
      config: { audienceId: 'aud_new_members', frequency: { kind: 'recurring', every: 1, unit: 'weeks', anchor: '2025-01-06T09:00', end: { kind: 'never' } } },
    },
    {
      name: 'monthly until year end',
      config: {
        audienceId: 'aud_points_holders',
        frequency: { kind: 'recurring', every: 1, unit: 'months', anchor: '2025-01-01T10:00', end: { kind: 'onDate', date: '2025-12-31' } },
      },
    },
    {
      name: 'every 3 days, 10 times',
      config: {
        audienceId: 'aud_trial',
        frequency: { kind: 'recurring', every: 3, unit: 'days', anchor: '2025-02-01T20:00:00', end: { kind: 'afterRuns', runs: 10 } },
      },
    },
  ],
  limits: [
    { path: 'audienceId', measure: 'chars', min: 1, field: t('Audience', '執行受眾'), source: '§3.10' },
    { path: 'frequency.at', measure: 'chars', min: 1, field: t('Date and time', '日期與時間'), source: '§3.10' },
    { path: 'frequency.anchor', measure: 'chars', min: 1, field: t('First run', '首次執行'), source: '§3.10 (ours: anchor)' },
    { path: 'frequency.every', measure: 'number', min: 1, field: t('Every', '每'), source: '§3.10' },
    { path: 'frequency.every', measure: 'number', max: 365, field: t('Every', '每'), source: '§3.10 (ours: 365)' },
    { path: 'frequency.end.date', measure: 'chars', min: 1, field: t('End date', '結束日期'), source: '§3.10 (ours: end)' },
    { path: 'frequency.end.runs', measure: 'number', min: 1, field: t('Number of runs', '執行次數'), source: '§3.10 (ours: end)' },
    { path: 'frequency.end.runs', measure: 'number', max: 1000, field: t('Number of runs', '執行次數'), source: '§3.10 (ours: 1000)' },
  ],
  check: (config) => {
    const f = config.frequency;
    if (f.kind === 'once') return checkLocalDateTime(f.at, ['frequency', 'at']);
    const issues: NodeIssue[] = checkLocalDateTime(f.anchor, ['frequency', 'anchor']);
    if (f.end.kind === 'onDate' && f.end.date !== '') {
      if (!isLocalDate(f.end.date)) {
        issues.push({ path: ['frequency', 'end', 'date'], code: 'invalid_date', message: t('Use a date like 2025-12-31.', '請輸入日期,例如 2025-12-31。') });
      } else if (issues.length === 0 && f.anchor !== '' && f.end.date < localDateTimeKey(f.anchor).slice(0, 10)) {
        issues.push({
          path: ['frequency', 'end', 'date'],
          code: 'invalid_range',
          message: t('The end date is before the first run.', '結束日期早於首次執行。'),
        });
      }
    }
    const day = Number(f.anchor.slice(8, 10));
    if (f.unit === 'months' && issues.length === 0 && day > 28) {
      issues.push({
        path: ['frequency', 'anchor'],
        code: 'short_months',
        severity: 'warning',
        message: t(`Months without a day ${day} run on their last day.`, `沒有 ${day} 日的月份會在該月最後一天執行。`),
      });
    }
    return issues;
  },
  events: ['schedule.fired'],
  needs: [],
});
