import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger } from '../../define.ts';
import { field } from '../../form.ts';
import { checkChannelsInFlow } from '../shared/trig-keywords.ts';

// §3.6 Bot welcome message (歡迎訊息): per channel, the module a new conversation opens with. FB fires
// on "Get Started"; LINE on follow, including a re-add after blocking (then only the welcome fires,
// not OmniLink success or new contact); IG, WhatsApp and web chat on the first interaction. Welcome
// messages also reach unsubscribed contacts (§1.3) and are not sent in collaborative conversations (§1.10).

const WELCOME_CHANNELS = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat'] as const;

const Config = z.object({
  channels: field(z.array(z.enum(WELCOME_CHANNELS)).max(5).default([]), t('Channels', '渠道'), {
    widget: 'select',
    help: t(
      'Leave empty for every channel of this bot. Use one welcome trigger per channel to greet each channel differently.',
      '留空代表此機器人的所有渠道。若各渠道要不同的歡迎訊息,請為每個渠道各設一個。',
    ),
  }),
});

export const welcomeTrigger = defineTrigger({
  type: 'trigger.welcome',
  version: 1,
  flowKinds: ['chatbot'],
  channels: WELCOME_CHANNELS,
  label: t('Welcome message', '歡迎訊息'),
  description: t(
    'Opens the linked module when a customer starts a conversation: LINE friend add (also re-adding after a block), Facebook "Get Started", or the first message on other channels. Also reaches unsubscribed contacts.',
    '顧客開始對話時開啟連結的模組:LINE 加入好友(含封鎖後重新加入)、Facebook「開始使用」,或其他渠道的第一則訊息。取消訂閱的聯絡人也會收到。',
  ),
  icon: 'hand',
  config: Config,
  defaultConfig: { channels: [] },
  examples: [
    { name: 'every channel', config: { channels: [] } },
    { name: 'LINE only', config: { channels: ['line'] } },
  ],
  check: (config, ctx) => checkChannelsInFlow(config.channels, ctx, ['channels']),
  events: ['contact.followed', 'contact.created'],
  needs: [],
});
