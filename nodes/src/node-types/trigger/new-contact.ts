import { CHANNEL_LABELS, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { CONTACT_SOURCE_CHANNELS, ContactSource } from '../shared/trig-contact-sources.ts';
import { checkChannelsInFlow } from '../shared/trig-keywords.ts';

// §3.6 New contact (新增聯絡人). Fires once per contact creation, by the §1.3 definition per platform:
// LINE when the user becomes a friend, FB on "Get Started", IG and WhatsApp on the first direct
// interaction. A LINE re-add after blocking is not a new contact (only the bot welcome fires).

const CONTACT_CHANNELS = ['line', 'messenger', 'instagram', 'whatsapp'] as const;

const Config = z.object({
  channels: field(z.array(z.enum(CONTACT_CHANNELS)).max(4).default([]), t('Channels', '渠道'), {
    widget: 'select',
    help: t('Leave empty for every channel of this journey.', '留空代表此旅程的所有渠道。'),
  }),
  sources: field(z.array(ContactSource).max(100).default([]), t('Only from sources', '僅限新增來源'), {
    widget: 'select',
    help: t('Leave empty for every source.', '留空代表所有來源。'),
  }),
});

export const newContactTrigger = defineTrigger({
  type: 'trigger.new_contact',
  version: 1,
  flowKinds: ['journey'],
  channels: CONTACT_CHANNELS,
  label: t('New contact', '新增聯絡人'),
  description: t(
    'Starts once when a new contact is created: a LINE friend add, Facebook "Get Started", or the first message on Instagram or WhatsApp. Optionally only for some sources, such as imports or ads.',
    '新增聯絡人時開始一次:LINE 加入好友、Facebook 按下「開始使用」,或 Instagram、WhatsApp 的第一次互動。可限定新增來源,例如匯入或廣告。',
  ),
  icon: 'user-plus',
  config: Config,
  defaultConfig: { channels: [], sources: [] },
  examples: [
    { name: 'every new contact', config: { channels: [], sources: [] } },
    { name: 'LINE friends from search or ads', config: { channels: ['line'], sources: ['organic_line_search', 'keyword_auto_reply'] } },
    { name: 'click-to-WhatsApp ads', config: { channels: ['whatsapp'], sources: ['click_to_message_ad'] } },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = checkChannelsInFlow(config.channels, ctx, ['channels']);
    const picked = config.channels.length > 0 ? config.channels : ctx.channels;
    config.sources.forEach((s, i) => {
      if (config.sources.indexOf(s) !== i) {
        issues.push({ path: ['sources', i], code: 'duplicate_source', severity: 'warning', message: t('This source is listed twice.', '此來源重複列出。') });
        return;
      }
      const only = CONTACT_SOURCE_CHANNELS[s];
      if (only && picked.length > 0 && !only.some((c) => picked.includes(c))) {
        const names = only.map((c) => CHANNEL_LABELS[c]).join(', ');
        issues.push({
          path: ['sources', i],
          code: 'source_channel_mismatch',
          severity: 'warning',
          message: t(
            `This source only creates contacts on ${names}, which this trigger does not cover.`,
            `此來源只會在 ${names} 新增聯絡人,不在此觸發條件的渠道內。`,
          ),
        });
      }
    });
    return issues;
  },
  events: ['contact.created'],
  needs: [],
});
