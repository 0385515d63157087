import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, NEXT_PORT, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import { checkChannelsInFlow, checkKeywords, KeywordList, keywordLimits } from '../shared/trig-keywords.ts';
import { checkPeriod, Period, periodLimits } from '../shared/trig-period.ts';

// §3.3 Post comment auto-reply (貼文留言自動回覆 / 私訊回覆 / IG 直播). Unlike §3.1, comment keywords
// are case-sensitive AND width-sensitive (ABC ≠ ＡＢＣ ≠ abc); we only trim surrounding spaces (ours).
// Replies come in variants and one is picked at random, because Meta may block identical replies.
// A DM variant may be a bot module: in a chatbot it is reached through its `variant:<id>` port (and on
// FB that module must hold exactly one card, P6); a journey sends modules with its own message nodes.

const POST_CHANNELS = ['messenger', 'instagram'] as const;

const PostScope = z.discriminatedUnion('kind', [
  /** Picked from the latest 50 (FB) / 25 (IG) published posts. */
  z.object({ kind: z.literal('post'), postId: field(z.string().max(200).default(''), t('Post', '貼文'), { widget: 'select' }) }),
  /** Typed in: scheduled, ad or old FB posts. */
  z.object({ kind: z.literal('manual_post'), postId: field(z.string().max(200).default(''), t('Post ID', '貼文編號'), { widget: 'text' }) }),
  z.object({ kind: z.literal('all_posts') }),
  z.object({ kind: z.literal('ig_live') }),
  z.object({ kind: z.literal('reels') }),
]);

const DmReply = z.discriminatedUnion('kind', [
  z.object({ id: ItemId, kind: z.literal('text'), text: field(z.string().max(5000), t('Private reply', '私訊回覆'), { widget: 'template' }) }),
  z.object({ id: ItemId, kind: z.literal('module') }),
]);

const Config = z.object({
  channel: field(z.enum(POST_CHANNELS).default('messenger'), t('Channel', '渠道'), { widget: 'select' }),
  scope: field(PostScope.default({ kind: 'all_posts' }), t('Posts', '貼文範圍'), { widget: 'select' }),
  match: field(z.enum(['anyContent', 'containsAny', 'containsAll', 'exact']).default('anyContent'), t('Comment keyword', '留言訊息關鍵字'), {
    widget: 'select',
  }),
  keywords: KeywordList,
  minTaggedFriends: field(z.number().int().min(0).max(1000).default(0), t('Tagged friends (at least)', '標記朋友(至少)'), {
    widget: 'number',
    help: t('0 = not required. Instagram cannot detect tagged friends.', '0 表示不需要。Instagram 無法偵測標記的朋友。'),
  }),
  publicReplies: field(z.array(z.string().max(5000)).max(100).default([]), t('Public comment replies', '貼文留言回覆'), { widget: 'list' }),
  dmReplies: field(z.array(DmReply).max(100).default([]), t('Private replies', '私訊回覆'), { widget: 'list' }),
  validity: field(Period.default({ kind: 'always' }), t('Valid', '有效期間'), { widget: 'select' }),
});
type Config = z.output<typeof Config>;

const IG_POST_ID = /^\d+$/;
const FB_POST_ID = /^\d+(_\d+)?$/;

export const postInteractionTrigger = defineTrigger({
  type: 'trigger.post_interaction',
  version: 1,
  flowKinds: ['chatbot', 'journey'],
  channels: POST_CHANNELS,
  label: t('Post comment', '貼文留言'),
  description: t(
    'Starts when someone comments on a Facebook or Instagram post, live or reel, and answers with a random public reply and/or private message. Comment keywords are case-sensitive and full-/half-width-sensitive. A reply set for a single post beats one for all posts.',
    '當有人在 Facebook 或 Instagram 貼文、直播或 Reels 留言時開始,並隨機挑選一則公開留言回覆及/或私訊回覆。留言關鍵字區分大小寫及全形半形。針對單一貼文的設定優先於全部貼文。',
  ),
  icon: 'messages-square',
  config: Config,
  defaultConfig: { channel: 'messenger', scope: { kind: 'all_posts' }, match: 'anyContent' },
  examples: [
    {
      name: 'FB giveaway post',
      config: {
        channel: 'messenger',
        scope: { kind: 'post', postId: '104882345678901_223456789012345' },
        match: 'containsAny',
        keywords: ['+1', '想要'],
        minTaggedFriends: 2,
        publicReplies: ['Thanks {{system:customer_name}}! Check your inbox 📩', '已私訊你囉,請查看收件匣!'],
        dmReplies: [
          { id: 'dm1', kind: 'text', text: 'Hi {{system:customer_name|"there"}}, here is your coupon code: GIFT100' },
          { id: 'dm2', kind: 'text', text: '恭喜 {{system:customer_name}}!你的優惠碼是 GIFT100' },
        ],
        validity: { kind: 'range', start: '2025-03-01T00:00', end: '2025-03-31T23:59' },
      },
    },
    {
      name: 'IG live, exact keyword',
      config: {
        channel: 'instagram',
        scope: { kind: 'ig_live' },
        match: 'exact',
        keywords: ['BUY'],
        dmReplies: [{ id: 'dm1', kind: 'text', text: 'Here is the link to today’s live deals: https://example.com/live' }],
      },
    },
    {
      name: 'any comment on an old FB post',
      config: { channel: 'messenger', scope: { kind: 'manual_post', postId: '223456789012345' }, publicReplies: ['Thank you!'] },
    },
  ],
  ports: (config, { flowKind }) =>
    flowKind === 'journey'
      ? [NEXT_PORT]
      : config.dmReplies
          .filter((r) => r.kind === 'module')
          .map((r, i): PortSpec => ({ id: `variant:${r.id}`, label: t(`Private reply module ${i + 1}`, `私訊回覆模組 ${i + 1}`), role: 'branch' })),
  limits: [
    ...keywordLimits<Config>('anyContent', '§3.3'),
    { path: 'scope.postId', measure: 'chars', min: 1, field: t('Post ID', '貼文編號'), source: '§3.3' },
    { path: 'minTaggedFriends', measure: 'number', max: 20, field: t('Tagged friends (at least)', '標記朋友(至少)'), source: '§3.3 (ours: 20)' },
    { path: 'publicReplies', measure: 'items', max: 10, field: t('Public comment replies', '貼文留言回覆'), source: '§3.3 (ours: 10 variants)' },
    { path: 'publicReplies[]', measure: 'chars', min: 1, field: t('Public comment reply', '貼文留言回覆'), source: '§3.3' },
    { path: 'publicReplies[]', measure: 'chars', max: 2000, field: t('Public comment reply', '貼文留言回覆'), source: '§3.3 (ours: 2000)' },
    { path: 'dmReplies', measure: 'items', max: 10, field: t('Private replies', '私訊回覆'), source: '§3.3 (ours: 10 variants)' },
    { path: 'dmReplies[].text', measure: 'chars', min: 1, field: t('Private reply', '私訊回覆'), source: '§3.3' },
    {
      path: 'dmReplies[].text',
      measure: 'chars',
      max: 1999,
      field: t('Private reply', '私訊回覆'),
      source: 'PLATFORMS.md §2 Messenger Send API: text < 2000 (also Instagram)',
    },
    ...periodLimits<Config>('validity', '§3.3'),
  ],
  placeholders: ['publicReplies[]', 'dmReplies[].text'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [
      ...checkKeywords(config, { noKeywordMode: 'anyContent', exact: 'firstOnly', caseSensitive: true }),
      ...checkChannelsInFlow([config.channel], ctx, ['channel']).map((i) => ({ ...i, path: ['channel'] })),
      ...checkPeriod(config.validity, ['validity']),
    ];
    const ig = config.channel === 'instagram';
    if (config.publicReplies.length === 0 && config.dmReplies.length === 0) {
      issues.push({
        path: ['publicReplies'],
        code: 'reply_required',
        message: t('Add at least one public comment reply or one private reply.', '請至少設定一則貼文留言回覆或私訊回覆。'),
      });
    }
    if (ig && config.minTaggedFriends > 0) {
      issues.push({
        path: ['minTaggedFriends'],
        code: 'channel_rule',
        channel: 'instagram',
        message: t('Instagram cannot detect tagged friends; set this to 0.', 'Instagram 無法偵測標記的朋友,請設為 0。'),
      });
    }
    if (!ig && config.scope.kind === 'ig_live') {
      issues.push({
        path: ['scope', 'kind'],
        code: 'channel_rule',
        channel: 'messenger',
        message: t('Live comments are available for Instagram only.', '直播留言僅適用於 Instagram。'),
      });
    }
    if (ig && config.scope.kind === 'manual_post') {
      issues.push({
        path: ['scope', 'kind'],
        code: 'channel_rule',
        channel: 'instagram',
        severity: 'warning',
        message: t(
          'Manual post IDs are meant for scheduled, ad or old Facebook posts; Instagram ad posts never trigger and scheduled ones cannot be selected.',
          '手動輸入貼文編號適用於 Facebook 的排程、廣告或舊貼文;Instagram 廣告貼文不會觸發,排程貼文也無法選取。',
        ),
      });
    }
    if ((config.scope.kind === 'post' || config.scope.kind === 'manual_post') && config.scope.postId !== '') {
      if (!(ig ? IG_POST_ID : FB_POST_ID).test(config.scope.postId)) {
        issues.push({
          path: ['scope', 'postId'],
          code: 'invalid_post_id',
          message: ig
            ? t('An Instagram post ID has digits only.', 'Instagram 貼文編號只包含數字。')
            : t('A Facebook post ID looks like 1234567890 or 1234567890_9876543210.', 'Facebook 貼文編號格式如 1234567890 或 1234567890_9876543210。'),
        });
      }
    }
    if (ctx.flowKind === 'journey') {
      config.dmReplies.forEach((r, i) => {
        if (r.kind === 'module')
          issues.push({
            path: ['dmReplies', i, 'kind'],
            code: 'module_reply_in_journey',
            message: t(
              'A journey cannot reply with a bot module here; reply with text, then send the module with a message node.',
              '旅程無法在此以機器人模組回覆;請改用文字私訊,再以訊息節點傳送模組。',
            ),
          });
      });
    }
    // Identical variants defeat the anti-spam purpose of random replies.
    const dmTexts = config.dmReplies.map((r) => (r.kind === 'text' ? r.text : ''));
    for (const [list, at] of [
      [config.publicReplies, (i: number) => ['publicReplies', i]],
      [dmTexts, (i: number) => ['dmReplies', i, 'text']],
    ] as const) {
      const trimmed = list.map((v) => v.trim());
      trimmed.forEach((v, i) => {
        if (v !== '' && trimmed.indexOf(v) !== i)
          issues.push({
            path: at(i),
            code: 'duplicate_variant',
            severity: 'warning',
            message: t('This reply repeats another variant; Meta may block identical replies.', '此回覆與其他版本相同,Meta 可能封鎖重複的回覆。'),
          });
      });
    }
    return issues;
  },
  events: ['post.commented'],
  needs: [],
});
