import { ConversationState, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, NEXT_PORT } from '../../define.ts';
import { field } from '../../form.ts';
import { checkChannelsInFlow, checkKeywords, KeywordList, KeywordMatch, keywordLimits, RuleTags } from '../shared/trig-keywords.ts';

// §3.1 Keyword auto-reply (關鍵字自動回覆 2.0), with the conversation-state rules of §1.10. Keywords
// are compared trimmed and case-insensitively but width-sensitively (ＡＢＣ ≠ ABC), so duplicates are
// detected the same way. Precedence between rules (newest wins, "any input" last, one rule per
// message) belongs to the engine's matcher, across all enabled rules that target the channel.

const KEYWORD_CHANNELS = ['webchat', 'messenger', 'line', 'instagram', 'whatsapp'] as const;

/** §1.10: auto-reply fires in pending, bot and closed; "in progress" (處理中) is opt-in. */
const DEFAULT_STATES = ['pending_bot', 'pending_human', 'closed'] as const;

const Config = z.object({
  enabled: field(z.boolean().default(true), t('Enabled', '啟用中'), { widget: 'toggle' }),
  keywords: KeywordList,
  match: KeywordMatch,
  conversationStates: field(
    z
      .array(ConversationState)
      .max(4)
      .default([...DEFAULT_STATES]),
    t('When the conversation is', '及事件狀態為'),
    {
      widget: 'select',
      help: t('Contacts without a conversation yet count as pending.', '尚無對話事件的聯絡人視為待處理。'),
    },
  ),
  channels: field(z.array(z.enum(KEYWORD_CHANNELS)).max(5).default([]), t('Channels', '適用渠道'), {
    widget: 'select',
    help: t('Leave empty for every channel of this flow.', '留空代表此流程的所有渠道。'),
  }),
  tags: RuleTags,
  /** Chatbots: reply with the linked module, or only tag (不回覆訊息). Journeys always continue on `next`. */
  reply: field(z.enum(['module', 'none']).default('module'), t('Reply', '觸發動作'), {
    widget: 'select',
    help: t('Chatbots only: reply with the linked module, or do not reply (only tag).', '僅適用於聊天機器人:以連結的模組回覆,或不回覆訊息(僅貼標籤)。'),
  }),
});
type Config = z.output<typeof Config>;

export const keywordTrigger = defineTrigger({
  type: 'trigger.keyword',
  version: 1,
  flowKinds: ['chatbot', 'journey'],
  channels: KEYWORD_CHANNELS,
  label: t('Keyword', '關鍵字'),
  description: t(
    'Starts when a customer message matches the keywords. Keywords ignore upper/lower case and surrounding spaces, but full-width and half-width characters differ. By default it does not fire while an agent handles the conversation (in progress).',
    '當顧客訊息符合關鍵字時開始。關鍵字不分大小寫並忽略前後空白,但全形與半形視為不同。預設在對話處理中(真人客服處理時)不觸發。',
  ),
  icon: 'message-circle-question',
  config: Config,
  defaultConfig: { keywords: [], match: 'containsAny' },
  examples: [
    { name: 'price list', config: { keywords: ['menu', '價目表'], match: 'containsAny', tags: ['asked_menu'] } },
    {
      name: 'exact code, also while an agent handles it',
      config: {
        keywords: ['00'],
        match: 'exact',
        channels: ['line', 'messenger'],
        conversationStates: ['pending_bot', 'pending_human', 'in_progress', 'closed'],
      },
    },
    { name: 'tag any message, no reply', config: { keywords: [], match: 'anyInput', tags: ['inbound_message'], reply: 'none' } },
  ],
  ports: (config, { flowKind }) => (flowKind === 'chatbot' && config.reply === 'none' ? [] : [NEXT_PORT]),
  limits: [
    ...keywordLimits<Config>('anyInput', '§3.1'),
    {
      path: 'conversationStates',
      measure: 'items',
      min: 1,
      field: t('When the conversation is', '及事件狀態為'),
      source: '§3.1',
    },
    { path: 'tags', measure: 'items', max: 5, field: t('Tags to apply', '貼上標籤'), source: '§3.1 (ours: 5, as on buttons)' },
  ],
  check: (config, ctx) => {
    const issues = [
      ...checkKeywords(config, { noKeywordMode: 'anyInput', exact: 'single', caseSensitive: false }),
      ...checkChannelsInFlow(config.channels, ctx, ['channels']),
    ];
    if (ctx.flowKind === 'chatbot' && config.reply === 'none' && config.tags.length === 0) {
      issues.push({
        path: ['reply'],
        code: 'no_effect',
        severity: 'warning',
        message: t('This rule neither replies nor tags: it only moves the conversation to the bot.', '此規則既不回覆也不貼標籤,只會把對話事件轉為機器人狀態。'),
      });
    }
    return issues;
  },
  events: ['message.received'],
  needs: [],
});
