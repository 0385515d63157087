import type { ChannelKind } from '@omniflow/schemas';
import type { ReactNode } from 'react';

const TITLES: Record<ChannelKind, string> = {
  line: 'LINE',
  messenger: 'Messenger',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  webchat: 'Web chat',
  wechat: 'WeChat',
  sms: 'SMS',
};

/** Phone-like chrome in the channel's colours: a header with the brand name, the chat area, and an optional footer. */
export function ChannelFrame({
  channel,
  children,
  footer,
  brand = 'Omniflow Shop',
}: {
  channel: ChannelKind;
  children: ReactNode;
  footer?: ReactNode;
  brand?: string;
}) {
  return (
    <div className={`of-frame of-ch-${channel}`} data-channel={channel}>
      <div className="of-frame-header">
        <span className="of-frame-avatar" aria-hidden>
          {brand.slice(0, 1)}
        </span>
        <span className="of-frame-title">{brand}</span>
        <span className="of-frame-channel">{TITLES[channel]}</span>
      </div>
      <div className="of-frame-chat">{children}</div>
      {footer ? <div className="of-frame-footer">{footer}</div> : null}
    </div>
  );
}

export const CHANNEL_TITLES = TITLES;
