import { pathMatches } from '@omniflow/nodes';
import type { ReactNode } from 'react';
import { type CardEnv, ConfigText, IssueFlag, issuesAt, type Path, useCardEnv } from './core.tsx';
import type { CardAction } from './types.ts';

/** A chat bubble from the business. */
export function Bubble({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={`of-bubble ${className ?? ''}`}>{children}</div>;
}

/** A template card (white card with optional media, title, text and buttons). */
export function Card({ children, className, width }: { children: ReactNode; className?: string; width?: number }) {
  return (
    <div className={`of-card ${className ?? ''}`} style={width ? { width } : undefined}>
      {children}
    </div>
  );
}

/** The largest item count the channel accepts at this array path (from the node's limits). */
export function itemLimit(env: CardEnv, path: Path): number | undefined {
  let best: number | undefined;
  for (const rule of env.limits) {
    if (rule.measure !== 'items' || rule.max === undefined || !pathMatches(path, rule.path)) continue;
    best = best === undefined ? rule.max : Math.min(best, rule.max);
  }
  return best;
}

export interface ButtonItem {
  id: string;
  label: string;
  /** Path of the label in the config, for limits and issues. */
  labelPath: Path;
  action?: unknown;
  /** Shown after the label: ↗ for links, ☎ for calls… */
  icon?: string | undefined;
}

/**
 * Buttons under a card. Items past the channel's maximum are drawn struck-through with the issue,
 * because the platform rejects the whole message.
 */
export function Buttons({
  items,
  path,
  kind = 'button',
  className,
}: {
  items: readonly ButtonItem[];
  path: Path;
  kind?: CardAction['kind'];
  className?: string;
}) {
  const env = useCardEnv();
  const max = itemLimit(env, path);
  return (
    <div className={`of-buttons ${className ?? ''}`} data-path={path.join('.')}>
      {items.map((b, i) => {
        const over = max !== undefined && i >= max;
        return (
          <button
            type="button"
            key={b.id}
            className={`of-button${over ? ' of-over-item' : ''}`}
            data-button-id={b.id}
            onClick={() => env.onAction({ id: b.id, kind, label: b.label, action: b.action })}
          >
            <ConfigText path={b.labelPath} value={b.label} allowPlaceholders={false} />
            {b.icon ? <span className="of-button-icon">{b.icon}</span> : null}
          </button>
        );
      })}
      <IssueFlag issues={issuesAt(env, path)} />
    </div>
  );
}

/** Quick-reply chips, laid out horizontally above the input bar. */
export function Chips({ items, path }: { items: readonly ButtonItem[]; path: Path }) {
  const env = useCardEnv();
  const max = itemLimit(env, path);
  return (
    <>
      <div className="of-chips" data-quick-replies>
        {items.map((b, i) => (
          <button
            type="button"
            key={b.id}
            className={`of-chip${max !== undefined && i >= max ? ' of-over-item' : ''}`}
            data-button-id={b.id}
            onClick={() => env.onAction({ id: b.id, kind: 'quick_reply', label: b.label, action: b.action })}
          >
            <ConfigText path={b.labelPath} value={b.label} allowPlaceholders={false} />
          </button>
        ))}
      </div>
      <IssueFlag issues={issuesAt(env, path)} />
    </>
  );
}

/** A small grey note under a card: what the channel does that the card cannot show. */
export function Note({ children }: { children: ReactNode }) {
  return <div className="of-note">{children}</div>;
}

export const linkIcon = (action: unknown): string | undefined => {
  const kind = (action as { kind?: string } | undefined)?.kind;
  return kind === 'url' ? '↗' : undefined;
};
