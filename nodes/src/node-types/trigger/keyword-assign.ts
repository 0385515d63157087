import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger } from '../../define.ts';
import { field } from '../../form.ts';
import { checkChannelsInFlow, checkKeywords, KeywordList, KeywordMatch, keywordLimits, RuleTags } from '../shared/trig-keywords.ts';

// §3.2 Keyword auto-assign (關鍵字自動指派 2.0), a routing trigger: it hands the conversation to a
// person and sends nothing itself, so it has no output port. A §3.1 keyword rule with the same
// keywords still replies when the assignee is a CS agent; for a salesperson only the OMO binding
// message goes out (§3.1). It never fires while the conversation is in progress (§1.10), stickers
// never trigger it, and offline members are skipped (§1.9).

const ASSIGN_CHANNELS = ['webchat', 'messenger', 'line', 'whatsapp'] as const;

const AssignTo = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('member'),
    memberIds: field(z.array(z.string().min(1).max(64)).max(500).default([]), t('Team members', '團隊成員'), { widget: 'select' }),
  }),
  /** Any online member holding a CS permission (CS Manager, CS Agent, Marketing-CS). */
  z.object({ kind: z.literal('cs_role') }),
  /** Any online member holding a sales permission (OMO); also fires the OMO Sales API webhook. */
  z.object({ kind: z.literal('sales_role') }),
]);

const Config = z.object({
  enabled: field(z.boolean().default(true), t('Enabled', '啟用中'), { widget: 'toggle' }),
  keywords: KeywordList,
  match: KeywordMatch,
  assignTo: field(AssignTo.default({ kind: 'cs_role' }), t('Assign to', '自動指派給'), { widget: 'select' }),
  order: field(z.enum(['random', 'sequential']).default('random'), t('Assignment order', '指派順序'), {
    widget: 'select',
    help: t('Random may be uneven; sequential follows the members’ account creation time.', '隨機可能不平均;按順序依成員帳號建立時間。'),
  }),
  channels: field(z.array(z.enum(ASSIGN_CHANNELS)).max(4).default([]), t('Channels', '適用渠道'), {
    widget: 'select',
    help: t('Leave empty for every channel of this bot.', '留空代表此機器人的所有渠道。'),
  }),
  tags: RuleTags,
});
type Config = z.output<typeof Config>;

export const keywordAssignTrigger = defineTrigger({
  type: 'trigger.keyword_assign',
  version: 1,
  flowKinds: ['chatbot'],
  channels: ASSIGN_CHANNELS,
  label: t('Keyword auto-assign', '關鍵字自動指派'),
  description: t(
    'Assigns the conversation to a team member, CS or sales role when a customer message matches the keywords, and moves it to their in-progress list. Never fires while a conversation is in progress; offline members are skipped.',
    '當顧客訊息符合關鍵字時,將對話指派給團隊成員、客服或銷售權限人員,並移至其處理中列表。對話處理中時不觸發;離線成員會被略過。',
  ),
  icon: 'user-round-check',
  config: Config,
  defaultConfig: { keywords: [], match: 'containsAny', assignTo: { kind: 'cs_role' } },
  examples: [
    {
      name: 'to named members in turn',
      config: {
        keywords: ['refund', '退款'],
        match: 'containsAny',
        assignTo: { kind: 'member', memberIds: ['m_alice', 'm_bob'] },
        order: 'sequential',
        tags: ['refund_request'],
      },
    },
    { name: 'branch code to sales', config: { keywords: ['TPE01'], match: 'exact', assignTo: { kind: 'sales_role' }, channels: ['line', 'whatsapp'] } },
  ],
  ports: () => [],
  limits: [
    ...keywordLimits<Config>('anyInput', '§3.2'),
    { path: 'tags', measure: 'items', max: 5, field: t('Tags to apply', '貼上標籤'), source: '§3.2 (ours: 5, as on buttons)' },
    { path: 'assignTo.memberIds', measure: 'items', min: 1, field: t('Team members', '團隊成員'), source: '§3.2' },
    { path: 'assignTo.memberIds', measure: 'items', max: 50, field: t('Team members', '團隊成員'), source: '§3.2 (ours: 50)' },
  ],
  check: (config, ctx) => {
    const issues = [
      ...checkKeywords(config, { noKeywordMode: 'anyInput', exact: 'single', caseSensitive: false }),
      ...checkChannelsInFlow(config.channels, ctx, ['channels']),
    ];
    if (config.assignTo.kind === 'member') {
      const ids = config.assignTo.memberIds;
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i)
          issues.push({
            path: ['assignTo', 'memberIds', i],
            code: 'duplicate_member',
            message: t('This member is listed twice.', '此成員重複列出。'),
          });
      });
    }
    return issues;
  },
  events: ['message.received'],
  needs: [],
});
