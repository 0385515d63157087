import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { isNumberLiteral, isTemplated } from '../shared/ops-checks.ts';

// §4.2.8 Meta Conversions API event, checked against PLATFORMS.md §4 (which wins on platform facts):
// business-messaging events go to /{dataset_id}/events with action_source "business_messaging" and a
// messaging_channel, and Meta supports only its business-messaging event list there. The event id is
// runId:nodeId (Meta does not dedupe business-messaging events, so we never send one twice). A contact
// whose channel identity cannot be matched to a Meta identity takes `no_identity`. The test event code
// is sent only with test runs, so a published journey never pollutes Events Manager's test view.

/** Events Meta supports for Conversions API for Business Messaging (PLATFORMS.md §4). */
export const BUSINESS_MESSAGING_EVENTS = [
  'Purchase',
  'LeadSubmitted',
  'InitiateCheckout',
  'AddToCart',
  'ViewContent',
  'OrderCreated',
  'OrderShipped',
  'OrderDelivered',
  'OrderCanceled',
  'OrderReturned',
  'CartAbandoned',
  'QualifiedLead',
  'RatingProvided',
  'ReviewProvided',
] as const;

/** Standard events offered for the other action sources (§4.2.8 examples). */
export const OTHER_STANDARD_EVENTS = ['Lead', 'CompleteRegistration', 'Contact', 'Schedule'] as const;

export const ACTION_SOURCES = ['business_messaging', 'chat', 'website', 'app', 'email', 'phone_call', 'physical_store', 'system_generated', 'other'] as const;

const CustomData = z.object({
  value: field(z.string().max(100).default(''), t('Value', '金額'), { widget: 'template' }),
  currency: field(z.string().max(3).default(''), t('Currency', '幣別'), { help: t('ISO 4217 code, e.g. TWD or USD.', 'ISO 4217 幣別代碼,例如 TWD 或 USD。') }),
  contentIds: field(z.array(z.string().max(200)).max(100).default([]), t('Content IDs', '商品編號'), { widget: 'tags' }),
  contentType: field(z.enum(['product', 'product_group']).optional(), t('Content type', '內容類型'), { widget: 'select' }),
  orderId: field(z.string().max(200).default(''), t('Order ID', '訂單編號'), { widget: 'template' }),
});

const Config = z.object({
  datasetId: field(z.string().max(64).default(''), t('Dataset ID', '資料集 ID')),
  eventName: field(z.string().max(100).default('Purchase'), t('Event', '事件'), { widget: 'select' }),
  actionSource: field(z.enum(ACTION_SOURCES).default('business_messaging'), t('Action source', '事件來源'), { widget: 'select' }),
  messagingChannel: field(z.enum(['messenger', 'whatsapp', 'instagram']).optional(), t('Messaging channel', '通訊渠道'), { widget: 'select' }),
  customData: field(CustomData.default({ value: '', currency: '', contentIds: [], orderId: '' }), t('Event details', '事件內容')),
  testEventCode: field(z.string().max(100).default(''), t('Test event code', '測試事件代碼'), {
    help: t('From Events Manager › Test events. Sent with test runs only.', '取自事件管理工具的「測試事件」,僅在測試時送出。'),
  }),
});

const isBusinessMessaging = (c: { actionSource: string }) => c.actionSource === 'business_messaging';

export const capiEventAction = defineNode({
  type: 'action.capi_event',
  version: 1,
  category: 'action',
  flowKinds: ['journey'],
  channels: ['messenger', 'instagram', 'whatsapp', 'line'],
  label: t('Meta CAPI event', 'Meta CAPI 廣告事件'),
  description: t(
    'Sends a conversion event to Meta’s Conversions API, e.g. after a click-to-message ad led to a purchase. The contact must be matched to a Meta identity (OmniLink helps for LINE contacts).',
    '將轉換事件傳送至 Meta 轉換 API,例如點擊前往訊息廣告後完成購買。顧客需能對應到 Meta 身分(LINE 顧客建議搭配跨社群一鍵整合)。',
  ),
  icon: 'radio-tower',
  config: Config,
  defaultConfig: { datasetId: '', eventName: 'Purchase', actionSource: 'business_messaging', messagingChannel: 'messenger' },
  examples: [
    {
      name: 'purchase from a click-to-Messenger ad',
      config: {
        datasetId: '1234567890123456',
        eventName: 'Purchase',
        actionSource: 'business_messaging',
        messagingChannel: 'messenger',
        customData: {
          value: '{{trigger:order_total}}',
          currency: 'TWD',
          contentIds: ['SKU-1001', '{{trigger:sku}}'],
          contentType: 'product',
          orderId: '{{trigger:order_id}}',
        },
      },
    },
    {
      name: 'qualified lead on WhatsApp',
      config: { datasetId: '987654321098765', eventName: 'QualifiedLead', actionSource: 'business_messaging', messagingChannel: 'whatsapp' },
    },
    {
      name: 'custom event from chat',
      config: { datasetId: '1234567890123456', eventName: 'CouponClaimed', actionSource: 'chat', customData: { value: '100', currency: 'TWD' } },
    },
  ],
  ports: () => [
    { id: 'sent', label: t('Sent', '已傳送'), role: 'next' },
    { id: 'failed', label: t('Failed', '傳送失敗'), role: 'failure' },
    { id: 'no_identity', label: t('No Meta identity', '無法對應 Meta 身分'), role: 'skipped' },
  ],
  limits: [
    { path: 'datasetId', measure: 'chars', min: 1, field: t('Dataset ID', '資料集 ID'), source: 'PLATFORMS §4: POST /{DATASET_ID}/events' },
    { path: 'eventName', measure: 'chars', min: 1, field: t('Event', '事件'), source: '§4.2.8' },
    {
      path: 'eventName',
      measure: 'chars',
      max: 50,
      when: (c) => !isBusinessMessaging(c),
      field: t('Event', '事件'),
      source: 'ours: Meta custom event names (≤50 chars per the Meta Pixel docs; not in PLATFORMS.md)',
    },
    { path: 'customData.contentIds', measure: 'items', max: 50, field: t('Content IDs', '商品編號'), source: 'ours' },
    { path: 'customData.contentIds[]', measure: 'chars', min: 1, max: 100, field: t('Content ID', '商品編號'), source: 'ours' },
  ],
  placeholders: ['customData.value', 'customData.contentIds[]', 'customData.orderId'],
  check: (config) => {
    const issues: NodeIssue[] = [];
    if (config.datasetId !== '' && !/^\d+$/.test(config.datasetId)) {
      issues.push({
        path: ['datasetId'],
        code: 'invalid_dataset_id',
        message: t('A dataset ID is made of digits only, as shown in Events Manager.', '資料集 ID 只包含數字,可在事件管理工具中找到。'),
      });
    }
    if (isBusinessMessaging(config)) {
      if (!config.messagingChannel) {
        issues.push({
          path: ['messagingChannel'],
          code: 'messaging_channel_required',
          message: t(
            'Business-messaging events need the channel: Messenger, WhatsApp or Instagram.',
            '商業訊息事件需指定渠道:Messenger、WhatsApp 或 Instagram。',
          ),
        });
      }
      if (config.eventName !== '' && !(BUSINESS_MESSAGING_EVENTS as readonly string[]).includes(config.eventName)) {
        // PLATFORMS.md §4 wins over the spec's examples (Lead, CompleteRegistration, Contact, Schedule).
        issues.push({
          path: ['eventName'],
          code: 'event_not_supported',
          message: t(
            `Meta does not accept "${config.eventName}" for business messaging. Use one of: ${BUSINESS_MESSAGING_EVENTS.join(', ')}.`,
            `Meta 商業訊息事件不支援「${config.eventName}」。可用事件:${BUSINESS_MESSAGING_EVENTS.join('、')}。`,
          ),
        });
      }
    } else {
      if (config.messagingChannel) {
        issues.push({
          path: ['messagingChannel'],
          severity: 'warning',
          code: 'ignored_field',
          message: t('The messaging channel is only sent with the "business messaging" action source.', '只有事件來源為「商業訊息」時才會送出通訊渠道。'),
        });
      }
      if (config.actionSource === 'website') {
        issues.push({
          path: ['actionSource'],
          severity: 'warning',
          code: 'missing_browser_data',
          message: t(
            'Meta expects website events to carry the browser’s user agent and page URL, which a journey does not have. Prefer "business messaging" or "chat".',
            'Meta 的網站事件需附上瀏覽器資訊與網址,旅程無法提供。建議改用「商業訊息」或「聊天」。',
          ),
        });
      }
    }
    const { value, currency } = config.customData;
    if (value !== '' && !isTemplated(value) && !(isNumberLiteral(value) && Number(value) >= 0)) {
      issues.push({
        path: ['customData', 'value'],
        code: 'invalid_value',
        message: t('Enter the amount as a number, e.g. 1280 or 99.5.', '請以數字輸入金額,例如 1280 或 99.5。'),
      });
    }
    if (currency !== '' && !/^[A-Z]{3}$/.test(currency)) {
      issues.push({
        path: ['customData', 'currency'],
        code: 'invalid_currency',
        message: t('Use a three-letter ISO 4217 currency code in capitals, e.g. TWD.', '請使用三個大寫英文字母的 ISO 4217 幣別代碼,例如 TWD。'),
      });
    }
    if (value !== '' && currency === '') {
      issues.push({ path: ['customData', 'currency'], code: 'currency_required', message: t('A value needs its currency.', '填寫金額時需指定幣別。') });
    }
    if (config.eventName === 'Purchase' && value === '') {
      issues.push({
        path: ['customData', 'value'],
        code: 'purchase_needs_value',
        message: t('Meta requires the value and currency of a Purchase event.', 'Meta 要求 Purchase 事件需附上金額與幣別。'),
      });
    }
    return issues;
  },
  // The event id is the step's idempotency key, so Meta dedupes a redelivered event (§4.2.8, §9.15).
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    const identity = ctx.contact.identities.find(
      (i) => i.channel === 'messenger' || i.channel === 'whatsapp' || i.channel === 'instagram' || i.channel === 'line',
    );
    if (!identity) return { kind: 'next', port: 'no_identity', explanation: 'No identity Meta can match' };
    const sent = await ctx.capi.sendEvent({
      datasetId: c.datasetId,
      eventName: c.eventName,
      actionSource: c.actionSource,
      messagingChannel: c.messagingChannel,
      eventId: ctx.idempotencyKey,
      eventTime: Math.floor(ctx.now().getTime() / 1000),
      customData: { ...c.customData, value: ctx.render(c.customData.value), orderId: ctx.render(c.customData.orderId) },
      ...(ctx.run.isTest && c.testEventCode ? { testEventCode: c.testEventCode } : {}),
    });
    if (sent.ok) return { kind: 'next', port: 'sent', explanation: `${c.eventName} sent to dataset ${c.datasetId}` };
    if (sent.reason === 'no_identity') return { kind: 'next', port: 'no_identity', explanation: sent.message };
    return { kind: 'next', port: 'failed', explanation: `${sent.reason}: ${sent.message}` };
  },
  needs: ['capi'],
  requiredFeatures: ['social_ads_enhancement'],
});
