import type {
  carouselMessage,
  cartItemsMessage,
  couponMessage,
  fbRecurringOptinMessage,
  fileMessage,
  imageCarouselMessage,
  imageMessage,
  imagemapMessage,
  invoiceMessage,
  lineFlexMessage,
  notifyFallbackMessage,
  omnilinkMessage,
  optionsListMessage,
  quickReplyMessage,
  sendMessage,
  stickerPackMessage,
  textMessage,
  userInputMessage,
  videoMessage,
  whatsappFlowMessage,
  whatsappTemplateMessage,
} from '@omniflow/nodes';
import { type ReactNode, useState } from 'react';
import { type CardEnv, ConfigText, IssueFlag, issuesAt, issuesUnder, MediaBox, type Path, renderText, useCardEnv } from './core.tsx';
import { FlexContainerView } from './flex.tsx';
import { Bubble, type ButtonItem, Buttons, Card, Chips, linkIcon, Note } from './parts.tsx';

/** The parsed config type of a node definition. */
type ConfigOf<D> = D extends { ports: (config: infer C, ...rest: never[]) => unknown } ? C : never;

/** What a renderer draws: the messages, and what sits above the input bar (quick replies). */
export interface Rendered {
  body: ReactNode;
  footer?: ReactNode;
}

// biome-ignore lint/suspicious/noExplicitAny: each renderer takes its own node's config type.
export type Renderer = (config: any, env: CardEnv) => Rendered;

const isMeta = (c: string) => c === 'messenger' || c === 'instagram';

/** Ratio of a carousel's rectangular image on each channel (§4.1.5): LINE 1.51:1, Facebook 1.91:1. */
const rectRatio = (channel: string) => (channel === 'line' ? 1.51 : 1.91);

function TextLines({ path, value, className }: { path: Path; value: string; className?: string }) {
  return <ConfigText path={path} value={value} className={`of-text ${className ?? ''}`} />;
}

const buttonItems = (buttons: readonly { id: string; label: string; action?: unknown }[], base: Path): ButtonItem[] =>
  buttons.map((b, i) => ({ id: b.id, label: b.label, labelPath: [...base, i, 'label'], action: b.action, icon: linkIcon(b.action) }));

// ---------------------------------------------------------------- message.text

function TextCard({ config }: { config: ConfigOf<typeof textMessage> }) {
  const env = useCardEnv();
  const items = buttonItems(config.buttons, ['buttons']);
  if (items.length === 0) {
    return (
      <Bubble>
        <TextLines path={['text']} value={config.text} />
      </Bubble>
    );
  }
  switch (env.channel) {
    case 'line':
      // A buttons template: text above, up to the channel's maximum of link-style actions below.
      return (
        <Card className="of-line-template" width={260}>
          <div className="of-card-body">
            <TextLines path={['text']} value={config.text} />
          </div>
          <Buttons items={items} path={['buttons']} className="of-line-actions" />
        </Card>
      );
    case 'whatsapp':
      // Interactive reply buttons: the body bubble, each reply button as its own white bar below.
      return (
        <div className="of-wa-interactive">
          <Bubble>
            <TextLines path={['text']} value={config.text} />
          </Bubble>
          <Buttons items={items} path={['buttons']} className="of-wa-replies" />
        </div>
      );
    default:
      // Messenger / Instagram button template; web chat renders the same shape.
      return (
        <Card className="of-button-template" width={isMeta(env.channel) ? 240 : 260}>
          <div className="of-card-body">
            <TextLines path={['text']} value={config.text} />
          </div>
          <Buttons items={items} path={['buttons']} />
        </Card>
      );
  }
}

// ---------------------------------------------------------------- message.carousel

function CarouselCard({ config }: { config: ConfigOf<typeof carouselMessage> }) {
  const env = useCardEnv();
  const ratio = config.imageAspectRatio === 'square' ? 1 : rectRatio(env.channel);
  return (
    <div className="of-carousel" data-path="columns">
      {config.columns.map((col, i) => (
        <Card key={col.id} className="of-carousel-column" width={env.channel === 'line' ? 240 : 260}>
          <button
            type="button"
            className="of-media-button"
            disabled={!col.imageClickUrl}
            onClick={() => env.onAction({ id: col.id, kind: 'image', label: col.title, action: { kind: 'url', url: col.imageClickUrl } })}
          >
            <MediaBox url={col.imageUrl} ratio={ratio} label={col.title} />
          </button>
          <IssueFlag issues={issuesAt(env, ['columns', i, 'imageUrl'])} />
          <div className="of-card-body">
            <ConfigText path={['columns', i, 'title']} value={col.title} className="of-card-title" allowPlaceholders={false} />
            <ConfigText path={['columns', i, 'subtitle']} value={col.subtitle} className="of-card-subtitle" />
          </div>
          <Buttons items={buttonItems(col.buttons, ['columns', i, 'buttons'])} path={['columns', i, 'buttons']} />
        </Card>
      ))}
      <IssueFlag issues={issuesAt(env, ['columns'])} />
    </div>
  );
}

// ---------------------------------------------------------------- message.image_carousel (LINE)

function ImageCarouselCard({ config }: { config: ConfigOf<typeof imageCarouselMessage> }) {
  const env = useCardEnv();
  return (
    <div className="of-carousel" data-path="images">
      {config.images.map((img, i) => (
        <div key={img.id} className="of-image-column">
          <button
            type="button"
            className="of-media-button"
            data-button-id={img.id}
            onClick={() => env.onAction({ id: img.id, kind: 'image', label: img.label, action: img.action })}
          >
            <MediaBox url={img.imageUrl} ratio={1} label={img.label} />
            {img.label ? <ConfigText path={['images', i, 'label']} value={img.label} className="of-image-label" allowPlaceholders={false} /> : null}
          </button>
          <IssueFlag issues={issuesUnder(env, ['images', i]).filter((x) => x.path.length > 2 && x.path[2] !== 'label')} />
        </div>
      ))}
      <IssueFlag issues={issuesAt(env, ['images'])} />
    </div>
  );
}

// ---------------------------------------------------------------- message.imagemap (LINE)

function ImagemapCard({ config }: { config: ConfigOf<typeof imagemapMessage> }) {
  const env = useCardEnv();
  const { width, height } = config.baseSize;
  return (
    <div className="of-imagemap" style={{ aspectRatio: `${width} / ${height}` }} data-asset={config.assetId}>
      <MediaBox url={undefined} ratio={width / height} label={config.assetName ?? config.assetId} />
      <span className="of-imagemap-name">{config.assetName ?? config.assetId}</span>
      {config.areas.map((a, i) => (
        <button
          type="button"
          key={a.id}
          className="of-imagemap-area"
          data-button-id={a.id}
          style={{
            left: `${(a.bounds.x / width) * 100}%`,
            top: `${(a.bounds.y / height) * 100}%`,
            width: `${(a.bounds.width / width) * 100}%`,
            height: `${(a.bounds.height / height) * 100}%`,
          }}
          onClick={() => env.onAction({ id: a.id, kind: 'area', label: a.label, action: a.action })}
        >
          <span className="of-imagemap-label">
            {a.label || a.action.kind} <small>({a.action.kind})</small>
          </span>
          <IssueFlag issues={issuesUnder(env, ['areas', i])} />
        </button>
      ))}
      <IssueFlag issues={issuesAt(env, ['areas'])} />
    </div>
  );
}

// ---------------------------------------------------------------- message.quick_reply

function quickReply(config: ConfigOf<typeof quickReplyMessage>, env: CardEnv): Rendered {
  const items = config.options.map((o, i) => ({ id: o.id, label: o.label, labelPath: ['options', i, 'label'], action: o.saveAttribute }));
  return {
    body: (
      <>
        <Bubble>
          <TextLines path={['title']} value={config.title} />
        </Bubble>
        {env.channel === 'instagram' ? <Note>Quick replies are not shown on Instagram desktop.</Note> : null}
      </>
    ),
    footer: <Chips items={items} path={['options']} />,
  };
}

// ---------------------------------------------------------------- message.options_list (WhatsApp)

function OptionsListCard({ config }: { config: ConfigOf<typeof optionsListMessage> }) {
  const env = useCardEnv();
  const [open, setOpen] = useState(false);
  return (
    <div className="of-wa-interactive">
      <Bubble className="of-wa-list">
        {config.header ? <ConfigText path={['header']} value={config.header} className="of-wa-header" allowPlaceholders={false} /> : null}
        <TextLines path={['body']} value={config.body} />
        {config.footer ? <ConfigText path={['footer']} value={config.footer} className="of-wa-footer" allowPlaceholders={false} /> : null}
        <button
          type="button"
          className="of-wa-list-button"
          onClick={() => {
            setOpen(!open);
            env.onAction({ id: 'list', kind: 'list_open', label: config.buttonText });
          }}
        >
          ☰ <ConfigText path={['buttonText']} value={config.buttonText} allowPlaceholders={false} />
        </button>
      </Bubble>
      {open ? (
        <div className="of-wa-sheet" role="listbox" aria-label={config.buttonText}>
          {config.options.map((o, i) => (
            <button
              type="button"
              role="option"
              aria-selected={false}
              key={o.id}
              className="of-wa-row"
              data-button-id={o.id}
              onClick={() => env.onAction({ id: o.id, kind: 'option', label: o.title, action: o.saveAttribute })}
            >
              <ConfigText path={['options', i, 'title']} value={o.title} className="of-wa-row-title" allowPlaceholders={false} />
              {o.description ? <ConfigText path={['options', i, 'description']} value={o.description} className="of-wa-row-desc" /> : null}
              <span className="of-wa-radio" aria-hidden />
            </button>
          ))}
          <IssueFlag issues={issuesAt(env, ['options'])} />
        </div>
      ) : (
        <IssueFlag issues={issuesUnder(env, ['options'])} />
      )}
    </div>
  );
}

// ---------------------------------------------------------------- message.whatsapp_template

const SEE_ALL = '查看所有項目 See all options';

function WhatsAppTemplateCard({ config }: { config: ConfigOf<typeof whatsappTemplateMessage> }) {
  const env = useCardEnv();
  const [expanded, setExpanded] = useState(false);
  const header = config.header;
  const buttons: ButtonItem[] = config.buttons.map((b, i) => ({
    id: b.id,
    label: b.text,
    labelPath: ['buttons', i, 'text'],
    action: b,
    icon: b.type === 'url' ? '↗' : b.type === 'phone' ? '☎' : b.type === 'go_to_order' ? '🛒' : '↩',
  }));
  if (config.flowButton) buttons.push({ id: 'flow', label: config.flowButton.text, labelPath: ['flowButton', 'text'], action: config.flowButton, icon: '⧉' });
  // WhatsApp shows two buttons and folds the 3rd onwards under "See all options" once there are 4 or more.
  const collapse = buttons.length >= 4;
  const shown = collapse ? buttons.slice(0, 2) : buttons;
  return (
    <div className="of-wa-interactive">
      <Bubble className="of-wa-template">
        {header.kind === 'image' || header.kind === 'video' || header.kind === 'document' ? (
          <MediaBox
            url={header.media.url}
            ratio={header.kind === 'document' ? 2 : 1.91}
            kind={header.kind === 'video' ? 'video' : header.kind === 'document' ? 'file' : 'image'}
          />
        ) : header.kind === 'text' ? (
          <ConfigText path={['header', 'parameter']} value={header.parameter ?? ''} className="of-wa-header" />
        ) : null}
        <div className="of-wa-template-name">
          {config.template.name || '—'} · {config.template.language || '—'} · {config.template.category}
        </div>
        <ol className="of-wa-params">
          {config.parameters.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: parameters are positional ({{1}}, {{2}}…)
            <li key={i}>
              <span className="of-wa-param-name">{`{{${i + 1}}}`}</span> <ConfigText path={['parameters', i]} value={p} />
            </li>
          ))}
        </ol>
        <IssueFlag issues={issuesAt(env, ['parameters']).concat(issuesUnder(env, ['template']))} />
      </Bubble>
      <Buttons items={shown} path={['buttons']} className="of-wa-replies" />
      {collapse ? (
        <>
          <button
            type="button"
            className="of-button of-wa-see-all"
            onClick={() => {
              setExpanded(!expanded);
              env.onAction({ id: 'see_all', kind: 'see_all', label: SEE_ALL });
            }}
          >
            ☰ {SEE_ALL}
          </button>
          {expanded ? (
            <div className="of-wa-sheet" data-see-all>
              <Buttons items={buttons} path={['buttons']} className="of-wa-replies" />
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- message.whatsapp_flow

function WhatsAppFlowCard({ config }: { config: ConfigOf<typeof whatsappFlowMessage> }) {
  const env = useCardEnv();
  const h = config.header;
  return (
    <div className="of-wa-interactive">
      <Bubble className="of-wa-template">
        {h.kind === 'text' ? <ConfigText path={['header', 'text']} value={h.text} className="of-wa-header" allowPlaceholders={false} /> : null}
        {h.kind === 'image' || h.kind === 'video' ? <MediaBox url={h.media.url} ratio={1.91} kind={h.kind} /> : null}
        <TextLines path={['body']} value={config.body} />
        {config.footer ? <ConfigText path={['footer']} value={config.footer} className="of-wa-footer" allowPlaceholders={false} /> : null}
      </Bubble>
      <Buttons
        items={[{ id: config.button.flowId || 'flow', label: config.button.name, labelPath: ['button', 'name'], action: config.button, icon: '⧉' }]}
        path={['button']}
        className="of-wa-replies"
      />
      <IssueFlag issues={issuesAt(env, ['button', 'flowStatus']).concat(issuesAt(env, ['button', 'flowId']))} />
      <Note>
        After submit: <ConfigText path={['successMessage']} value={config.successMessage} />
      </Note>
    </div>
  );
}

// ---------------------------------------------------------------- media

function ImageCard({ config }: { config: ConfigOf<typeof imageMessage> }) {
  const env = useCardEnv();
  return (
    <Bubble className="of-media-bubble">
      <MediaBox url={config.url} ratio={config.width && config.height ? config.width / config.height : 1} />
      <IssueFlag issues={issuesAt(env, ['url']).concat(issuesAt(env, ['sizeBytes']), issuesAt(env, ['mimeType']))} />
      {config.caption && env.channel === 'whatsapp' ? <TextLines path={['caption']} value={config.caption} /> : null}
      {config.caption && env.channel !== 'whatsapp' ? <Note>The caption is sent on WhatsApp only.</Note> : null}
    </Bubble>
  );
}

function VideoCard({ config }: { config: ConfigOf<typeof videoMessage> }) {
  const env = useCardEnv();
  return (
    <Bubble className="of-media-bubble">
      <div className="of-video">
        <MediaBox url={config.previewImageUrl} ratio={config.width && config.height ? config.width / config.height : 16 / 9} kind="video" />
        <span className="of-fx-video-play" aria-hidden>
          ▶
        </span>
      </div>
      <IssueFlag issues={env.issues} />
    </Bubble>
  );
}

function FileCard({ config }: { config: ConfigOf<typeof fileMessage> }) {
  const env = useCardEnv();
  return (
    <Bubble className="of-file">
      <span className="of-file-icon" aria-hidden>
        📄
      </span>
      <span className="of-file-name">{config.fileName || config.url.split('/').pop()}</span>
      <span className="of-file-size">{config.sizeBytes ? `${(config.sizeBytes / 1_000_000).toFixed(1)} MB` : ''}</span>
      <IssueFlag issues={env.issues} />
    </Bubble>
  );
}

// ---------------------------------------------------------------- other chatbot cards

function UserInputCard({ config }: { config: ConfigOf<typeof userInputMessage> }) {
  return (
    <>
      <Bubble>
        <TextLines path={['question']} value={config.question} />
      </Bubble>
      <Note>
        Waits for a reply ({config.expectedType}
        {config.saveTo ? ` → ${config.saveTo}` : ''}).
      </Note>
    </>
  );
}

function FlexCard({ config }: { config: ConfigOf<typeof lineFlexMessage> }) {
  const env = useCardEnv();
  return (
    <>
      <FlexContainerView contents={config.contents} path={['contents']} />
      <Note>
        Notification: <ConfigText path={['altText']} value={config.altText} />
      </Note>
      <IssueFlag issues={issuesAt(env, [])} />
    </>
  );
}

function CouponCard({ config }: { config: ConfigOf<typeof couponMessage> }) {
  const env = useCardEnv();
  const label = config.redeemButtonText || (env.channel === 'whatsapp' ? 'Claim coupon' : '領取優惠券');
  return (
    <Card className="of-button-template" width={240}>
      <MediaBox url={config.image?.url} ratio={1.91} label="coupon" />
      <div className="of-card-body">
        <span className="of-card-title">🎟 {config.couponId || '—'}</span>
      </div>
      <Buttons items={[{ id: 'redeem', label, labelPath: ['redeemButtonText'], icon: env.channel === 'whatsapp' ? '↗' : undefined }]} path={['redeem']} />
    </Card>
  );
}

function OmnilinkCard({ config }: { config: ConfigOf<typeof omnilinkMessage> }) {
  return (
    <Card className="of-button-template" width={240}>
      {config.image ? (
        <MediaBox url={config.image.url} ratio={config.image.width && config.image.height ? config.image.width / config.image.height : 1} />
      ) : null}
      <div className="of-card-body">
        <ConfigText path={['content']} value={config.content} className="of-text" allowPlaceholders={false} />
      </div>
      <Buttons items={[{ id: 'omnilink', label: config.buttonName, labelPath: ['buttonName'], icon: '↗' }]} path={['omnilink']} />
      <Note>Links to {config.targetChannel === 'line' ? 'LINE' : 'WhatsApp'}</Note>
    </Card>
  );
}

function FbOptinCard({ config }: { config: ConfigOf<typeof fbRecurringOptinMessage> }) {
  return (
    <Card className="of-button-template" width={240}>
      <MediaBox url={config.image?.url} ratio={1.94} />
      <div className="of-card-body">
        <ConfigText path={['topic']} value={config.topic} className="of-card-title" allowPlaceholders={false} />
        <span className="of-card-subtitle">Daily · 每日</span>
      </div>
      {/* The label is fixed by Facebook (§4.1.18). */}
      <Buttons items={[{ id: 'optin', label: '接收訊息', labelPath: ['optin'] }]} path={['optin']} />
    </Card>
  );
}

function StickerCard({ config }: { config: ConfigOf<typeof stickerPackMessage> }) {
  return (
    <div className="of-sticker" data-pack={config.packId}>
      <span aria-hidden>🙂</span>
      <span className="of-media-name">{config.packName || config.packId || 'Sticker pack'}</span>
    </div>
  );
}

function InvoiceCard({ config }: { config: ConfigOf<typeof invoiceMessage> }) {
  return (
    <Card className="of-line-template" width={260}>
      <div className="of-card-body">
        <span className="of-card-title">🧾 {config.campaignName || config.campaignId}</span>
        <span className="of-card-subtitle">上傳發票 Upload your invoice</span>
      </div>
      <Buttons
        items={[
          { id: 'photo', label: '拍照上傳', labelPath: ['photo'] },
          { id: 'manual', label: '手動輸入', labelPath: ['manual'] },
          { id: 'carrier', label: '載具歸戶', labelPath: ['carrier'] },
        ]}
        path={['invoice']}
        className="of-line-actions"
      />
    </Card>
  );
}

function CartItemsCard({ config }: { config: ConfigOf<typeof cartItemsMessage> }) {
  const env = useCardEnv();
  // WhatsApp shows one image: the last product added (§4.1.22).
  const n = env.channel === 'whatsapp' ? 1 : Math.max(1, Math.min(config.maxItems, 3));
  return (
    <div className="of-carousel">
      {Array.from({ length: n }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder products
        <Card key={i} className="of-carousel-column" width={200}>
          <MediaBox url={undefined} ratio={1} label={`Product ${i + 1}`} />
          <div className="of-card-body">
            <span className="of-card-title">Cart item #{i + 1}</span>
            <span className="of-card-subtitle">Shows up to {config.maxItems} recent products</span>
          </div>
        </Card>
      ))}
    </div>
  );
}

// ---------------------------------------------------------------- journey message nodes

function SendCard({ config }: { config: ConfigOf<typeof sendMessage> }) {
  const c = config.content;
  if (c.kind === 'text') {
    return (
      <Bubble>
        <TextLines path={['content', 'text']} value={c.text} />
      </Bubble>
    );
  }
  if (c.kind === 'module') {
    return (
      <Note>
        Sends bot module <code>{c.moduleId || '—'}</code> of bot <code>{c.botId || '—'}</code>
      </Note>
    );
  }
  return (
    <Bubble className="of-wa-template">
      <div className="of-wa-template-name">
        {c.template.name || '—'} · {c.template.language || '—'}
      </div>
      <ol className="of-wa-params">
        {c.parameters.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: positional parameters
          <li key={i}>
            <span className="of-wa-param-name">{`{{${i + 1}}}`}</span> <ConfigText path={['content', 'parameters', i]} value={p} />
          </li>
        ))}
      </ol>
    </Bubble>
  );
}

function NotifyFallbackCard({ config }: { config: ConfigOf<typeof notifyFallbackMessage> }) {
  const env = useCardEnv();
  if (env.channel === 'sms') {
    return config.sms.enabled ? (
      <>
        <Note>After {config.sms.waitMinutes} min without a LINE delivery:</Note>
        <Bubble>
          <TextLines path={['sms', 'text']} value={config.sms.text} />
        </Bubble>
      </>
    ) : (
      <Note>SMS step off</Note>
    );
  }
  return (
    <>
      {config.linePush.enabled ? (
        <Bubble>
          <TextLines path={['linePush', 'text']} value={config.linePush.text} />
        </Bubble>
      ) : null}
      {config.lon.enabled ? (
        <>
          <Note>If the contact is not a friend: LINE notification message (by phone number)</Note>
          <Bubble className="of-lon">
            <TextLines path={['lon', 'text']} value={config.lon.text} />
          </Bubble>
        </>
      ) : null}
    </>
  );
}

const el =
  <C,>(Component: (p: { config: C }) => ReactNode): Renderer =>
  (config: C) => ({ body: <Component config={config} /> });

/** One renderer per message node type in the catalogue. */
export const CARD_RENDERERS: Readonly<Record<string, Renderer>> = {
  'message.text': el(TextCard),
  'message.image': el(ImageCard),
  'message.video': el(VideoCard),
  'message.file': el(FileCard),
  'message.carousel': el(CarouselCard),
  'message.image_carousel': el(ImageCarouselCard),
  'message.imagemap': el(ImagemapCard),
  'message.quick_reply': quickReply,
  'message.options_list': el(OptionsListCard),
  'message.user_input': el(UserInputCard),
  'message.line_flex': el(FlexCard),
  'message.coupon': el(CouponCard),
  'message.whatsapp_flow': el(WhatsAppFlowCard),
  'message.omnilink': el(OmnilinkCard),
  'message.fb_recurring_optin': el(FbOptinCard),
  'message.sticker_pack': el(StickerCard),
  'message.invoice': el(InvoiceCard),
  'message.cart_items': el(CartItemsCard),
  'message.send': el(SendCard),
  'message.whatsapp_template': el(WhatsAppTemplateCard),
  'message.notify_fallback': el(NotifyFallbackCard),
};

export { renderText };
