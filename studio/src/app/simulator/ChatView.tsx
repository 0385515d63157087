import type { WebChatAction, WebChatBotMessage } from '@omniflow/schemas';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n.tsx';
import type { TranscriptEntry } from './session.ts';

/** One action: postbacks go back to the bot; links and phone numbers open as they would on a phone. */
function ActionButton({ action, className, onPress }: { action: WebChatAction; className: string; onPress(action: WebChatAction): void }) {
  if (action.kind === 'url' && action.url) {
    return (
      <a className={className} href={action.url} target="_blank" rel="noreferrer noopener">
        {action.label}
      </a>
    );
  }
  if (action.kind === 'phone' && action.payload) {
    return (
      <a className={className} href={`tel:${action.payload}`}>
        {action.label}
      </a>
    );
  }
  return (
    <button type="button" className={className} onClick={() => onPress(action)}>
      {action.label}
    </button>
  );
}

function BotMessage({ message, onPress }: { message: WebChatBotMessage; onPress(action: WebChatAction): void }) {
  return (
    <div className="sim-msg bot" data-node-type={message.nodeType}>
      {message.imageUrl && <img className="sim-image" src={message.imageUrl} alt="" loading="lazy" />}
      {message.videoUrl && (
        <video className="sim-image" src={message.videoUrl} controls {...(message.previewImageUrl ? { poster: message.previewImageUrl } : {})} />
      )}
      {message.text && <p className="sim-text">{message.text}</p>}
      {message.fileUrl && (
        <a className="sim-file" href={message.fileUrl} target="_blank" rel="noreferrer noopener">
          📎 {message.fileName ?? message.fileUrl}
        </a>
      )}
      {message.buttons.length > 0 && (
        <div className="sim-buttons">
          {message.buttons.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: buttons are positional in a message
            <ActionButton key={i} action={b} className="sim-button" onPress={onPress} />
          ))}
        </div>
      )}
      {message.cards.length > 0 && (
        <div className="sim-carousel">
          {message.cards.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: cards are positional in a carousel
            <div key={i} className="sim-card">
              {c.imageUrl && <img className="sim-image" src={c.imageUrl} alt="" loading="lazy" />}
              {c.title && <strong>{c.title}</strong>}
              {c.text && <p>{c.text}</p>}
              {c.actions.map((a, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: actions are positional in a card
                <ActionButton key={j} action={a} className="sim-button" onPress={onPress} />
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** A phone-like conversation: the bot on the left, the tester on the right, quick replies under the last message. */
export function ChatView({
  transcript,
  typing,
  onPress,
  emptyText,
}: {
  transcript: readonly TranscriptEntry[];
  typing: boolean;
  onPress(action: WebChatAction): void;
  emptyText?: string;
}) {
  const { t } = useI18n();
  const end = useRef<HTMLDivElement>(null);
  // Keep the newest message in view as the conversation grows.
  const size = transcript.length + (typing ? 1 : 0);
  useEffect(() => {
    if (size > 0) end.current?.scrollIntoView?.({ block: 'end' });
  }, [size]);
  const last = transcript.at(-1);
  const quickReplies = last?.kind === 'bot' ? last.message.quickReplies : [];
  return (
    <div className="sim-phone" data-testid="sim-chat">
      <div className="sim-messages" role="log" aria-live="polite" aria-label={t('sim.conversation')}>
        {transcript.length === 0 && <p className="sim-empty">{emptyText ?? t('sim.emptyChat')}</p>}
        {transcript.map((entry) => {
          switch (entry.kind) {
            case 'bot':
              return <BotMessage key={entry.key} message={entry.message} onPress={onPress} />;
            case 'me':
              return (
                <div key={entry.key} className="sim-msg me">
                  <p className="sim-text">{entry.text}</p>
                </div>
              );
            case 'handoff':
              return (
                <p key={entry.key} className="sim-notice handoff" data-testid="sim-handoff">
                  {t('sim.handoff')}
                  {entry.text ? ` — ${entry.text}` : ''}
                </p>
              );
            default:
              return (
                <p key={entry.key} className="sim-notice problem" role="alert">
                  {entry.text}
                </p>
              );
          }
        })}
        {typing && <p className="sim-typing">{t('sim.typing')}</p>}
        <div ref={end} />
      </div>
      {quickReplies.length > 0 && (
        <fieldset className="sim-quick-replies" aria-label={t('sim.quickReplies')}>
          {quickReplies.map((q, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: quick replies are positional
            <ActionButton key={i} action={q} className="sim-quick-reply" onPress={onPress} />
          ))}
        </fieldset>
      )}
    </div>
  );
}
