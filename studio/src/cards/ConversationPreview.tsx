import { renderTemplate } from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import { resolveFromContact } from './core.tsx';
import { ChannelFrame } from './frame.tsx';
import { MessagePreview } from './MessagePreview.tsx';
import type { CardAction, PlaceholderMode, SampleContact } from './types.ts';

export interface ConversationCard {
  nodeType: string;
  config: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The text LINE shows for a message outside the chat: the `altText` of templates, Flex and imagemaps,
 * the text of text-like cards, and LINE's generic wording for media.
 */
export function summaryText(card: ConversationCard): string {
  const c = isObj(card.config) ? card.config : {};
  switch (card.nodeType) {
    case 'message.text':
      return str(c.text);
    case 'message.quick_reply':
      return str(c.title);
    case 'message.user_input':
      return str(c.question);
    case 'message.line_flex':
    case 'message.imagemap':
    case 'message.image_carousel':
      return str(c.altText);
    case 'message.image':
      return 'Sent a photo.';
    case 'message.video':
      return 'Sent a video.';
    case 'message.send':
      return isObj(c.content) ? str(c.content.text) : '';
    default:
      return 'Sent a message.';
  }
}

/**
 * Several cards as one module sends them. On LINE the device notification shows the first card's text
 * and the chat list the last card's (PRODUCT_SPEC §6.2, §8.2); both are drawn above the chat.
 */
export function ConversationPreview({
  channel,
  cards,
  contact = {},
  placeholders = 'resolve',
  onAction,
  loadImages = true,
  brand = 'Omniflow Shop',
}: {
  channel: ChannelKind;
  cards: readonly ConversationCard[];
  contact?: SampleContact;
  placeholders?: PlaceholderMode;
  onAction?: (action: CardAction) => void;
  loadImages?: boolean;
  brand?: string;
}) {
  const render = (s: string) => {
    try {
      return renderTemplate(s, resolveFromContact(contact));
    } catch {
      return s;
    }
  };
  const first = cards[0];
  const last = cards[cards.length - 1];
  return (
    <div className="of-conversation">
      {channel === 'line' && first && last ? (
        <div className="of-line-outside">
          <div className="of-line-notification" data-testid="line-notification">
            <strong>{brand}</strong>
            <span>{render(summaryText(first))}</span>
          </div>
          <div className="of-line-chatlist" data-testid="line-chat-list">
            <strong>{brand}</strong>
            <span>{render(summaryText(last))}</span>
          </div>
        </div>
      ) : null}
      <ChannelFrame channel={channel} brand={brand}>
        <div className="of-preview">
          {cards.map((card, i) => (
            <MessagePreview
              // biome-ignore lint/suspicious/noArrayIndexKey: cards are positional in a module
              key={i}
              nodeType={card.nodeType}
              config={card.config}
              channel={channel}
              contact={contact}
              placeholders={placeholders}
              loadImages={loadImages}
              chrome={false}
              {...(onAction ? { onAction } : {})}
            />
          ))}
        </div>
      </ChannelFrame>
    </div>
  );
}
