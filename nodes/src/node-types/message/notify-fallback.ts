import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type LimitRule, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome, RunContext, SendResult } from '../../run-context.ts';
import { checkQuietHours, SEND_PURPOSES } from '../shared/send-common.ts';

// §4.2.11 Notify with fallback (通知快捷 pattern, ours as a node): reach the contact's phone number by
// 1. a LINE push, when the phone maps to exactly one LINE contact; 2. a LINE notification message (LON),
// which reaches non-friends; 3. an SMS, after waiting 5–1440 minutes for the LINE delivery. The port
// says which step delivered it. Sending is blocked when the prepaid balance is too low (→ `failed`).

const Step = z.object({
  enabled: field(z.boolean().default(true), t('Use this step', '使用此步驟'), { widget: 'toggle' }),
  text: field(z.string().max(10_000).default(''), t('Message text', '訊息內容'), { widget: 'template' }),
});

const Config = z.object({
  linePush: field(Step.default({ enabled: true, text: '' }), t('LINE message', 'LINE 訊息')),
  lon: field(Step.default({ enabled: true, text: '' }), t('LINE notification message', 'LINE 通知型訊息')),
  sms: field(
    Step.extend({
      waitMinutes: field(z.number().int().min(0).max(100_000).default(30), t('Wait before SMS (minutes)', '改發簡訊前等待(分鐘)'), { widget: 'number' }),
    }).default({ enabled: true, text: '', waitMinutes: 30 }),
    t('SMS', '簡訊'),
  ),
  // §4.2.11's scenarios (orders, bookings, bills…) are transactional, so that is the default here (ours).
  purpose: field(z.enum(SEND_PURPOSES).default('transactional'), t('Purpose', '訊息用途'), { widget: 'select' }),
  respectQuietHours: field(z.boolean().default(true), t('Respect quiet hours', '遵守勿擾時段'), { widget: 'toggle' }),
});
type Config = z.output<typeof Config>;

const STEPS = [
  { key: 'linePush', port: 'line_push', label: t('Delivered by LINE', '已由 LINE 送達') },
  { key: 'lon', port: 'lon', label: t('Delivered by LINE notification', '已由 LINE 通知型訊息送達') },
  { key: 'sms', port: 'sms', label: t('Delivered by SMS', '已由簡訊送達') },
] as const;

const stepText = (key: (typeof STEPS)[number]['key'], name: ReturnType<typeof t>, max: number, source: string): LimitRule<Config>[] => [
  { path: `${key}.text`, measure: 'chars', min: 1, when: (c) => c[key].enabled, field: name, source: '§4.2.11 (text per step)' },
  { path: `${key}.text`, measure: 'chars', max, ...(key === 'sms' ? {} : { count: 'utf16' as const }), field: name, source },
];

/** GSM 03.38 basic characters: such an SMS holds 160 characters, any other one 70 (UCS-2). */
const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

export const notifyFallbackMessage = defineNode({
  type: 'message.notify_fallback',
  version: 1,
  category: 'message',
  flowKinds: ['journey'],
  channels: ['line', 'sms'],
  label: t('Notify with fallback', '通知快捷'),
  description: t(
    "Reaches the contact's phone by LINE, then a LINE notification message, then SMS after a wait; continues on the step that delivered it.",
    '依序以 LINE 訊息、LINE 通知型訊息通知顧客手機,等待後再改發簡訊;依實際送達的方式繼續。',
  ),
  icon: 'bell-plus',
  config: Config,
  defaultConfig: {},
  examples: [
    {
      name: 'shipping notice, all steps',
      config: {
        linePush: { enabled: true, text: '{{system:customer_name}} 您好,您的訂單 {{trigger:order_id}} 已出貨,預計 2 天內送達。' },
        lon: { enabled: true, text: '您的訂單 {{trigger:order_id}} 已出貨,預計 2 天內送達。' },
        sms: { enabled: true, waitMinutes: 60, text: '【好日子】訂單{{trigger:order_id}}已出貨,預計2天內送達。' },
      },
    },
    {
      name: 'booking reminder, LINE notification then SMS',
      config: {
        linePush: { enabled: false, text: '' },
        lon: { enabled: true, text: 'Reminder: your fitting is tomorrow at {{attr:booking_time}}.' },
        sms: { enabled: true, waitMinutes: 5, text: 'Reminder: your fitting is tomorrow at {{attr:booking_time}}.' },
        respectQuietHours: false,
      },
    },
  ],
  ports: (config: Config) => [
    ...STEPS.filter((s) => config[s.key].enabled).map((s): PortSpec => ({ id: s.port, label: s.label, role: 'success' })),
    { id: 'failed', label: t('Not delivered', '未送達'), role: 'failure' },
  ],
  limits: [
    ...stepText('linePush', t('LINE message', 'LINE 訊息'), 5000, 'LINE text message'),
    ...stepText('lon', t('LINE notification message', 'LINE 通知型訊息'), 5000, 'LINE text message (LON sends message objects)'),
    ...stepText('sms', t('SMS text', '簡訊內容'), 670, 'ours: at most 10 concatenated UCS-2 SMS parts'),
    { path: 'sms.waitMinutes', measure: 'number', min: 5, max: 1440, field: t('Wait before SMS (minutes)', '改發簡訊前等待(分鐘)'), source: '§4.2.11' },
  ],
  placeholders: ['linePush.text', 'lon.text', 'sms.text'],
  check: (config: Config) => {
    const issues: NodeIssue[] = [...checkQuietHours(config)];
    if (!STEPS.some((s) => config[s.key].enabled)) {
      issues.push({ path: [], code: 'no_step', message: t('Turn on at least one way to notify the contact.', '請至少啟用一種通知方式。') });
    }
    const sms = config.sms;
    if (sms.enabled && sms.text !== '') {
      const gsm = GSM7.test(sms.text);
      const chars = [...sms.text].length;
      const single = gsm ? 160 : 70;
      const perPart = gsm ? 153 : 67;
      if (chars > single) {
        const parts = Math.ceil(chars / perPart);
        // On the step, not its text: the text's own length limit owns that path.
        issues.push({
          path: ['sms'],
          code: 'sms_parts',
          severity: 'warning',
          message: t(`This SMS is sent as ${parts} parts and billed as ${parts} messages.`, `此簡訊會分成 ${parts} 則發送,並以 ${parts} 則計費。`),
        });
      }
    }
    return issues;
  },
  waits: true,
  // §4.2.11 in order: a LINE push when the contact has exactly one LINE identity that can receive it, then a
  // LINE notification message (LON) to the phone, then — after waiting `sms.waitMinutes` for LINE — an SMS.
  // A too-low prepaid balance blocks sending (`insufficient_balance` → `failed`, no further step).
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    const phone = ctx.contact.phone;
    const tried: string[] = [];
    if (ctx.resumedBy?.type !== 'timer') {
      const lineIds = ctx.contact.identities.filter((i) => i.channel === 'line');
      if (c.linePush.enabled) {
        if (lineIds.length === 1 && lineIds[0]?.subscriptionStatus !== 'blocked') {
          const sent = await ctx.send({
            nodeType: 'message.text',
            channel: 'line',
            content: { text: ctx.render(c.linePush.text), buttons: [] },
            purpose: c.purpose,
          });
          if (sent.ok) return { kind: 'next', port: 'line_push', explanation: `Delivered by LINE push (${sent.messageId})` };
          if (blocked(sent)) return notDelivered(sent);
          tried.push(`line_push: ${sent.reason}`);
        } else
          tried.push(
            lineIds.length === 0 ? 'line_push: no LINE contact' : lineIds.length > 1 ? 'line_push: phone maps to several LINE contacts' : 'line_push: blocked',
          );
      }
      if (c.lon.enabled) {
        if (phone) {
          const sent = await ctx.send({
            nodeType: 'message.line_notification',
            channel: 'line',
            content: { phone, text: ctx.render(c.lon.text) },
            purpose: c.purpose,
          });
          if (sent.ok) return { kind: 'next', port: 'lon', explanation: `Delivered by LINE notification message (${sent.messageId})` };
          if (blocked(sent)) return notDelivered(sent);
          tried.push(`lon: ${sent.reason}`);
        } else tried.push('lon: no phone');
      }
      if (!c.sms.enabled || !phone)
        return { kind: 'next', port: 'failed', explanation: `Not delivered: ${[...tried, ...(c.sms.enabled ? ['sms: no phone'] : [])].join('; ')}` };
      // Give LINE its time before paying for an SMS, unless no LINE step was even possible.
      const lineAttempted = tried.some((t) => !/no LINE contact|no phone|several/.test(t));
      if (lineAttempted && c.sms.waitMinutes > 0) {
        return {
          kind: 'wait',
          until: new Date(ctx.now().getTime() + c.sms.waitMinutes * 60_000),
          state: { tried },
          explanation: `LINE did not deliver (${tried.join('; ')}); SMS in ${c.sms.waitMinutes} min`,
        };
      }
    }
    return sendSms(ctx, c.sms.text, phone);
  },
  needs: ['send', 'contacts', 'clock'],
});

/** A prepaid balance too low to send blocks every step (§4.2.11). */
const blocked = (sent: SendResult): boolean => !sent.ok && sent.reason === 'insufficient_balance';

function notDelivered(sent: Extract<SendResult, { ok: false }>): NodeOutcome {
  return { kind: 'next', port: 'failed', explanation: `Not delivered: ${sent.reason} — ${sent.message}` };
}

async function sendSms(ctx: RunContext<Config>, text: string, phone: string | undefined): Promise<NodeOutcome> {
  if (!phone) return { kind: 'next', port: 'failed', explanation: 'Not delivered: the contact has no phone number' };
  const sent = await ctx.send({ nodeType: 'message.sms', channel: 'sms', content: { phone, text: ctx.render(text) }, purpose: ctx.config.purpose });
  if (sent.ok) return { kind: 'next', port: 'sms', explanation: `Delivered by SMS (${sent.messageId})` };
  return notDelivered(sent);
}
