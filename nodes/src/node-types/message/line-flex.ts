import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome, RunContext } from '../../run-context.ts';
import { renderUrl } from '../shared/card-run.ts';
import { FLEX_LIMITS, FLEX_SAMPLES, validateFlexContainer } from '../shared/flex/index.ts';
import { failedSend } from '../shared/run-helpers.ts';
import { DELIVERY_PORTS } from '../shared/send-common.ts';

// §4.1.14 LINE Flex Message (add-on). The container is JSON pasted from the LINE Flex Message Simulator;
// the structure and limits come from the LINE Messaging API reference (PLATFORMS.md §1.3), checked by
// the shared Flex validator so the LINE adapter and Storybook apply the same rules. Placeholders are
// allowed in any string value of the JSON, never in keys.

const Config = z.object({
  altText: field(z.string().max(5000).default(''), t('Notification text', '通知訊息文字'), {
    widget: 'template',
    help: t('Shown in push notifications and the chat list instead of the Flex Message.', '在推播通知與聊天列表中代替 Flex Message 顯示的文字。'),
  }),
  contents: field(z.record(z.string(), z.unknown()), t('Flex Message JSON', 'Flex Message JSON'), {
    widget: 'json',
    help: t('A bubble or carousel, e.g. designed in the LINE Flex Message Simulator.', 'bubble 或 carousel,可用 LINE Flex Message Simulator 設計後貼上。'),
  }),
  trackClicks: field(z.boolean().default(true), t('Track link clicks', '追蹤連結點擊'), {
    widget: 'toggle',
    help: t('Rewrites link actions at send time so clicks are counted.', '發送時改寫連結動作,以統計點擊數。'),
  }),
});
type Config = z.output<typeof Config>;

const isCarousel = (c: Config) => c.contents.type === 'carousel';
const sample = (id: string) => {
  const s = FLEX_SAMPLES.find((x) => x.id === id);
  if (!s) throw new Error(`Missing Flex sample ${id}`);
  return { altText: s.altText, contents: structuredClone(s.contents) as unknown as Record<string, unknown>, trackClicks: true };
};

export const lineFlexMessage = defineNode({
  type: 'message.line_flex',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot', 'journey'],
  channels: ['line'],
  botScopes: ['line'],
  label: t('LINE Flex Message', 'LINE Flex Message'),
  description: t(
    'A LINE Flex Message (a bubble or a carousel of up to 12 bubbles) pasted as JSON; variables can be used inside its texts and links.',
    '以 JSON 貼上的 LINE Flex Message(單一泡泡或最多 12 個泡泡的輪播),文字與連結中可使用替換變數。',
  ),
  icon: 'layout-template',
  config: Config,
  defaultConfig: {
    altText: '',
    contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hello!', wrap: true }] } },
    trackClicks: true,
  },
  examples: [
    { name: 'receipt', config: sample('receipt') },
    { name: 'shopping carousel', config: sample('shopping') },
    {
      name: 'personalised ticket',
      config: {
        ...sample('ticket'),
        altText: '{{system:customer_name|"您"}}的電子票券已送達',
      },
    },
  ],
  ports: (_config, { flowKind }) => (flowKind === 'journey' ? [...DELIVERY_PORTS] : []),
  limits: [
    { path: 'altText', measure: 'chars', min: 1, field: t('Notification text', '通知訊息文字'), source: '§4.1.14 (altText required)' },
    {
      path: 'altText',
      measure: 'chars',
      max: 1500,
      count: 'utf16',
      field: t('Notification text', '通知訊息文字'),
      source: 'PLATFORMS §1.3: LINE Flex altText ≤ 1500',
    },
    {
      path: 'contents.contents',
      measure: 'items',
      max: FLEX_LIMITS.carouselBubbles,
      when: isCarousel,
      field: t('Carousel bubbles', '輪播泡泡'),
      source: '§4.1.14, PLATFORMS §1.3: LINE Flex carousel ≤ 12 bubbles',
    },
  ],
  placeholders: ['altText', 'contents.**'],
  check: (config) => {
    const issues: NodeIssue[] = validateFlexContainer(config.contents, ['contents'])
      // The carousel bubble count is a limit rule (with a live counter); don't report it twice.
      .filter((i) => !(i.code === 'too_many' && i.path.length === 2 && i.path[1] === 'contents'))
      .map((i) => ({ ...i, channel: 'line' as const }));
    return issues;
  },
  run: async (ctx): Promise<NodeOutcome> => {
    const sent = await ctx.send({
      nodeType: 'message.line_flex',
      channel: 'line',
      content: { altText: ctx.render(ctx.config.altText), contents: renderStrings(ctx.config.contents, (text, mode) => ctx.render(text, mode)) },
      purpose: ctx.flow.kind === 'chatbot' ? 'conversational' : 'marketing',
    });
    if (ctx.flow.kind === 'chatbot') return sent.ok ? { kind: 'next', port: 'next', explanation: 'Flex message sent' } : failedSend(sent);
    if (sent.ok) return { kind: 'next', port: 'sent', explanation: `Flex message sent (${sent.messageId})` };
    return {
      kind: 'next',
      port: sent.reason === 'window_closed' || sent.reason === 'no_contact_on_channel' ? 'skipped' : 'failed',
      explanation: `${sent.reason}: ${sent.message}`,
    };
  },
  needs: ['send'],
  requiredFeatures: ['line_flex'],
});

/** Flex properties that hold a link or a media address: their placeholders render as URLs (see `renderUrl`). */
const URL_KEYS = new Set(['uri', 'desktop', 'url', 'previewUrl']);

/** Renders the placeholders of every string inside a Flex JSON value — values only, never keys or structure. */
function renderStrings(value: unknown, render: RunContext<unknown>['render'], key?: string): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    return key !== undefined && URL_KEYS.has(key) ? renderUrl({ render }, value) : render(value);
  }
  if (Array.isArray(value)) return value.map((v) => renderStrings(v, render));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderStrings(v, render, k)]));
  return value;
}
