import { EventMatcher, IsoDateTime, TimeOfDay, t, Weekday } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { attributeRefIssues, eventMatcherIssues } from '../shared/ops-checks.ts';
import { addWallClock, attributeDateAt, nextTimeOfDay } from '../shared/run-helpers.ts';

// §4.2.4 Journey wait (ours; semantics from the bot delay card, cart remarketing and website marketing).
// Times are wall-clock times in the team time zone. Running waits keep the duration of the version they
// started in. Every wait is capped at 365 days (ours) so no run is parked forever.

const MAX_MINUTES = 365 * 24 * 60;

const Duration = z.object({
  kind: z.literal('duration'),
  days: field(z.number().int().default(0), t('Days', '日'), { widget: 'number' }),
  hours: field(z.number().int().default(0), t('Hours', '時'), { widget: 'number' }),
  minutes: field(z.number().int().default(0), t('Minutes', '分'), { widget: 'number' }),
});

const UntilTime = z.object({
  kind: z.literal('untilTime'),
  target: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('datetime'),
      at: field(z.string().max(40).default(''), t('Date and time', '日期與時間'), { widget: 'datetime' }),
    }),
    z.object({
      kind: z.literal('nextTime'),
      time: field(TimeOfDay.default('09:00'), t('Time of day', '時間')),
      weekdays: field(z.array(Weekday).max(7).default([]), t('Only on these days', '僅限星期'), {
        widget: 'select',
        help: t('Leave empty for any day.', '留空表示每天。'),
      }),
    }),
  ]),
});

const UntilAttributeDate = z.object({
  kind: z.literal('untilAttributeDate'),
  attributeKey: field(z.string().max(100).default(''), t('Date attribute', '日期屬性'), { widget: 'attribute' }),
  offsetDays: field(z.number().int().default(0), t('Days before (−) or after (+)', '提前(−)或延後(+)天數'), { widget: 'number' }),
  time: field(TimeOfDay.default('09:00'), t('Time of day', '時間')),
});

const WaitTimeout = z.object({
  amount: field(z.number().int().default(1), t('Timeout', '逾時'), { widget: 'number' }),
  unit: field(z.enum(['minutes', 'hours', 'days']).default('days'), t('Unit', '單位'), { widget: 'select' }),
});

const ForEvent = z.object({
  kind: z.literal('forEvent'),
  event: field(EventMatcher, t('Event', '事件')),
  timeout: field(WaitTimeout, t('Give up after', '最長等待')),
});

const Mode = z.discriminatedUnion('kind', [Duration, UntilTime, UntilAttributeDate, ForEvent]);

const Config = z.object({
  mode: field(Mode, t('Wait', '等待方式')),
  continueIfInteracted: field(z.boolean().default(true), t('Continue even if the contact interacted meanwhile', '顧客在等待期間互動仍繼續'), {
    widget: 'toggle',
    help: t('Off: a reply or button click during the wait ends the journey for this contact.', '關閉時:等待期間顧客回覆或點擊按鈕,即結束此顧客的旅程。'),
  }),
  respectQuietHours: field(z.boolean().default(true), t('Respect quiet hours', '遵守勿擾時段'), {
    widget: 'toggle',
    help: t('A wait that ends inside quiet hours continues when they end.', '若等待結束時落在勿擾時段,會延到勿擾時段結束後繼續。'),
  }),
});
type Config = z.output<typeof Config>;

const TIMEOUT_MAX = { days: 365, hours: 365 * 24, minutes: MAX_MINUTES } as const;
const timeoutIn = (unit: keyof typeof TIMEOUT_MAX) => (c: Config) => c.mode.kind === 'forEvent' && c.mode.timeout.unit === unit;

const FIELD_TIMEOUT = t('Give up after', '最長等待');

export const waitNode = defineNode({
  type: 'wait.wait',
  version: 1,
  category: 'wait',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Wait', '等待'),
  description: t(
    'Pauses the journey for a while, until a time or a date in the contact’s profile, or until the contact does something (with a timeout).',
    '暫停旅程一段時間、直到指定時間或顧客資料中的日期,或直到顧客完成某個行為(可設定逾時)。',
  ),
  icon: 'hourglass',
  config: Config,
  defaultConfig: { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 }, continueIfInteracted: true, respectQuietHours: true },
  examples: [
    { name: 'one day', config: { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 }, continueIfInteracted: true, respectQuietHours: true } },
    {
      name: 'next weekday morning',
      config: { mode: { kind: 'untilTime', target: { kind: 'nextTime', time: '09:30', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] } } },
    },
    { name: 'launch day', config: { mode: { kind: 'untilTime', target: { kind: 'datetime', at: '2030-11-11T00:00:00+08:00' } } } },
    { name: 'three days before birthday', config: { mode: { kind: 'untilAttributeDate', attributeKey: 'birthday', offsetDays: -3, time: '10:00' } } },
    {
      name: 'wait for a reply, up to 2 days',
      config: { mode: { kind: 'forEvent', event: { event: 'reply' }, timeout: { amount: 2, unit: 'days' } }, continueIfInteracted: true },
    },
    {
      name: 'wait for the purchase tag, up to 12 hours',
      config: { mode: { kind: 'forEvent', event: { event: 'tagApplied', tag: 'purchased' }, timeout: { amount: 12, unit: 'hours' } } },
    },
    {
      name: 'wait for a purchase, up to 90 minutes',
      config: { mode: { kind: 'forEvent', event: { event: 'purchase' }, timeout: { amount: 90, unit: 'minutes' } } },
    },
  ],
  ports: (config) =>
    config.mode.kind === 'forEvent'
      ? [
          { id: 'event', label: t('Event happened', '事件發生'), role: 'event' },
          { id: 'timeout', label: t('Timed out', '逾時'), role: 'timeout' },
        ]
      : [NEXT_PORT],
  limits: [
    { path: 'mode.days', measure: 'number', min: 0, max: 365, field: t('Days', '日'), source: '§4.2.4 (ours: at most 365 days)' },
    { path: 'mode.hours', measure: 'number', min: 0, max: 23, field: t('Hours', '時'), source: '§4.2.4 (ours)' },
    { path: 'mode.minutes', measure: 'number', min: 0, max: 59, field: t('Minutes', '分'), source: '§4.2.4 (ours)' },
    { path: 'mode.target.at', measure: 'chars', min: 1, field: t('Date and time', '日期與時間'), source: '§4.2.4' },
    { path: 'mode.attributeKey', measure: 'chars', min: 1, field: t('Date attribute', '日期屬性'), source: '§4.2.4' },
    { path: 'mode.offsetDays', measure: 'number', min: -365, max: 365, field: t('Days before or after', '提前或延後天數'), source: '§4.2.4 (ours)' },
    { path: 'mode.timeout.amount', measure: 'number', min: 1, field: FIELD_TIMEOUT, source: '§4.2.4' },
    { path: 'mode.timeout.amount', measure: 'number', max: TIMEOUT_MAX.days, when: timeoutIn('days'), field: FIELD_TIMEOUT, source: '§4.2.4 (ours: 365 days)' },
    {
      path: 'mode.timeout.amount',
      measure: 'number',
      max: TIMEOUT_MAX.hours,
      when: timeoutIn('hours'),
      field: FIELD_TIMEOUT,
      source: '§4.2.4 (ours: 365 days)',
    },
    {
      path: 'mode.timeout.amount',
      measure: 'number',
      max: TIMEOUT_MAX.minutes,
      when: timeoutIn('minutes'),
      field: FIELD_TIMEOUT,
      source: '§4.2.4 (ours: 365 days)',
    },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    const mode = config.mode;
    switch (mode.kind) {
      case 'duration': {
        const total = mode.days * 1440 + mode.hours * 60 + mode.minutes;
        if (total < 1) {
          issues.push({ path: ['mode'], code: 'wait_too_short', message: t('Wait at least 1 minute.', '等待時間至少 1 分鐘。') });
        } else if (total > MAX_MINUTES) {
          issues.push({ path: ['mode'], code: 'wait_too_long', message: t('A wait can last at most 365 days.', '等待時間最長 365 天。') });
        }
        break;
      }
      case 'untilTime': {
        const target = mode.target;
        if (target.kind === 'datetime' && target.at !== '') {
          if (!IsoDateTime.safeParse(target.at).success) {
            issues.push({
              path: ['mode', 'target', 'at'],
              code: 'invalid_datetime',
              message: t(
                'Enter a date and time with its time zone, e.g. 2025-11-11T00:00:00+08:00.',
                '請輸入含時區的日期時間,例如 2025-11-11T00:00:00+08:00。',
              ),
            });
          } else if (Date.parse(target.at) < Date.now()) {
            issues.push({
              path: ['mode', 'target', 'at'],
              severity: 'warning',
              code: 'time_passed',
              message: t('This time has passed: contacts will continue right away.', '此時間已過,顧客會立即繼續。'),
            });
          }
        }
        if (target.kind === 'nextTime' && new Set(target.weekdays).size !== target.weekdays.length) {
          issues.push({ path: ['mode', 'target', 'weekdays'], code: 'duplicate_weekday', message: t('A day is listed twice.', '有重複的星期。') });
        }
        break;
      }
      case 'untilAttributeDate':
        issues.push(...attributeRefIssues(mode.attributeKey, ctx.attributes, ['mode', 'attributeKey'], { types: ['date', 'datetime'] }));
        break;
      case 'forEvent':
        issues.push(...eventMatcherIssues(mode.event, ['mode', 'event'], ctx.attributes));
        if (!config.continueIfInteracted && (mode.event.event === 'reply' || mode.event.event === 'buttonClick')) {
          issues.push({
            path: ['continueIfInteracted'],
            code: 'contradiction',
            message: t(
              'This step waits for a reply or click, but is also set to end the journey when the contact interacts. Turn "continue even if the contact interacted" on.',
              '此節點等待顧客回覆或點擊,卻又設定顧客互動時結束旅程。請開啟「顧客在等待期間互動仍繼續」。',
            ),
          });
        }
        break;
    }
    return issues;
  },
  waits: true,
  // Quiet hours (§6.6) are applied by the runtime to the sends after the wait, not here.
  run: async (ctx): Promise<NodeOutcome> => {
    const { mode, continueIfInteracted } = ctx.config;
    const resumed = ctx.resumedBy;
    const zone = ctx.flow.timeZone;
    if (mode.kind === 'forEvent') {
      if (resumed && resumed.type !== 'timer') return { kind: 'next', port: 'event', explanation: `${resumed.type} arrived` };
      if (resumed) return { kind: 'next', port: 'timeout', explanation: 'Timed out waiting for the event' };
      const until = addWallClock(ctx.now(), zone, { [mode.timeout.unit]: mode.timeout.amount });
      return {
        kind: 'wait',
        until,
        events: [mode.event],
        timeoutPort: 'timeout',
        explanation: `Waiting for ${mode.event.event}${mode.event.tag ? ` "${mode.event.tag}"` : ''} until ${until.toISOString()}`,
      };
    }
    if (resumed?.type === 'timer') return { kind: 'next', port: 'next', explanation: 'Wait over' };
    if (resumed) return { kind: 'end', status: 'exited', reason: 'interacted', explanation: `The contact interacted (${resumed.type}) during the wait` };
    const now = ctx.now();
    let until: Date | undefined;
    if (mode.kind === 'duration') until = addWallClock(now, zone, { days: mode.days, hours: mode.hours, minutes: mode.minutes });
    else if (mode.kind === 'untilTime') {
      until = mode.target.kind === 'datetime' ? new Date(mode.target.at) : nextTimeOfDay(now, zone, mode.target.time, mode.target.weekdays);
      if (Number.isNaN(until.getTime())) until = undefined;
    } else {
      until = attributeDateAt(ctx.contact.attributes[mode.attributeKey], zone, mode.offsetDays, mode.time);
      if (!until) return { kind: 'next', port: 'next', explanation: `"${mode.attributeKey}" holds no date: not waiting` };
    }
    if (!until || until.getTime() <= now.getTime()) return { kind: 'next', port: 'next', explanation: 'The time has already passed: not waiting' };
    return {
      kind: 'wait',
      until,
      events: continueIfInteracted ? [] : [{ event: 'reply' }, { event: 'buttonClick' }],
      explanation: `Waiting until ${until.toISOString()}`,
    };
  },
  needs: ['clock'],
});
