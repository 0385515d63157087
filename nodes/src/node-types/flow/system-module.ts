import { CHANNEL_LABELS, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { SYSTEM_MODULE_CHANNELS, SYSTEM_MODULES } from '../shared/button-action.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';
import { failedSend } from '../shared/run-helpers.ts';

// §4.1.23 System modules. Member center and coupon wallet work on LINE and WhatsApp; phone binding and the
// 91APP presets on LINE only. The member-center link is valid for 30 minutes; the 91APP presets' text
// cannot be customised (hot products shows the top 12). Phone binding routes its result (success, already
// bound, failed) to modules.

type SystemModule = (typeof SYSTEM_MODULES)[number];

const MODULE_NAMES: Readonly<Record<SystemModule, { en: string; 'zh-Hant': string }>> = {
  member_center: t('Member center', '會員中心'),
  coupon_wallet: t('Coupon wallet', '優惠券夾'),
  phone_binding: t('Phone binding', '手機綁定'),
  '91app_member_card': t('91APP: my member card', '91APP:@我的會員卡'),
  '91app_shipping': t('91APP: shipping status', '91APP:@出貨進度'),
  '91app_hot_products': t('91APP: hot products', '91APP:@熱銷商品'),
};

const Config = z.object({
  module: field(z.enum(SYSTEM_MODULES).default('member_center'), t('System module', '系統模組'), { widget: 'select' }),
  requirePhoneBinding: field(z.boolean().default(false), t('Require phone binding first', '需先完成手機綁定'), {
    widget: 'toggle',
    help: t('Member center only: unbound customers are asked to bind their phone first.', '僅適用會員中心:未綁定的顧客會先被要求綁定手機。'),
  }),
});

export const systemModuleCard = defineNode({
  type: 'flow.system_module',
  version: 1,
  category: 'flow',
  flowKinds: ['chatbot'],
  channels: ['line', 'whatsapp'],
  label: t('System module', '系統預設模組'),
  description: t(
    'Opens a built-in module: member center (link valid 30 minutes), coupon wallet, phone binding or a 91APP preset.',
    '開啟系統預設模組:會員中心(連結 30 分鐘內有效)、優惠券夾、手機綁定或 91APP 預設模組。',
  ),
  icon: 'layout-grid',
  config: Config,
  defaultConfig: { module: 'member_center', requirePhoneBinding: false },
  examples: [
    { name: 'member center behind phone binding', config: { module: 'member_center', requirePhoneBinding: true } },
    { name: 'coupon wallet', config: { module: 'coupon_wallet' } },
  ],
  ports: (config) =>
    config.module === 'phone_binding'
      ? ([
          { id: 'success', label: t('Bound', '綁定成功'), role: 'success' },
          { id: 'alreadyBound', label: t('Already bound', '已綁定'), role: 'skipped' },
          { id: 'failed', label: t('Binding failed', '綁定失敗'), role: 'failure' },
        ] satisfies PortSpec[])
      : [],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    const supported = SYSTEM_MODULE_CHANNELS[config.module];
    const name = MODULE_NAMES[config.module];
    for (const channel of ctx.channels.filter((c) => !supported.includes(c))) {
      issues.push({
        path: ['module'],
        channel,
        code: 'channel_unsupported',
        message: t(
          `${name.en} is not available on ${CHANNEL_LABELS[channel]}; it works on ${supported.map((c) => CHANNEL_LABELS[c]).join(' and ')}.`,
          `${CHANNEL_LABELS[channel]} 不支援${name['zh-Hant']},僅支援 ${supported.map((c) => CHANNEL_LABELS[c]).join('、')}。`,
        ),
      });
    }
    if (config.requirePhoneBinding && config.module !== 'member_center') {
      issues.push({
        path: ['requirePhoneBinding'],
        severity: 'warning',
        code: 'ignored_field',
        message: t('Requiring phone binding applies to the member center only.', '「需先完成手機綁定」僅適用於會員中心。'),
      });
    }
    return issues;
  },
  // Sends the module's card. The member center's link is valid for 30 minutes; with "require phone binding"
  // a contact without a phone gets the binding card instead. Phone binding waits for the binding service's
  // answer (`payload.result`: success / failed) and routes it; a bound contact goes straight to `alreadyBound`.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    if (c.module === 'phone_binding') {
      if (ctx.resumedBy) {
        const ok = ctx.resumedBy.type !== 'timer' && ctx.resumedBy.payload.result === 'success';
        return { kind: 'next', port: ok ? 'success' : 'failed', explanation: ok ? 'Phone bound' : 'Phone binding failed or was not finished' };
      }
      if (ctx.contact.phone) return { kind: 'next', port: 'alreadyBound', explanation: 'The contact already has a bound phone' };
      const skip = skipOffChannel(ctx, SYSTEM_MODULE_CHANNELS.phone_binding, MODULE_NAMES.phone_binding.en);
      if (skip) return skip;
      const sent = await ctx.send({ nodeType: 'flow.system_module', content: { module: 'phone_binding' }, purpose: 'conversational' });
      if (!sent.ok) return failedSend(sent);
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
        events: [{ event: 'buttonClick' }],
        timeoutPort: 'failed',
        explanation: 'Phone binding offered',
      };
    }
    const skip = skipOffChannel(ctx, SYSTEM_MODULE_CHANNELS[c.module], MODULE_NAMES[c.module].en);
    if (skip) return skip;
    const module = c.module === 'member_center' && c.requirePhoneBinding && !ctx.contact.phone ? 'phone_binding' : c.module;
    const content = module === 'member_center' ? { module, linkValidMinutes: 30 } : { module };
    return sendCard(ctx, 'flow.system_module', content, `${MODULE_NAMES[module].en} sent`);
  },
  needs: ['send', 'contacts'],
});
