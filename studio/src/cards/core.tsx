import {
  type AnyNodeDefinition,
  applicableLimits,
  type CountMode,
  formatPath,
  type LimitRule,
  type NodeIssue,
  type Placeholder,
  parseTemplate,
  pathMatches,
  renderTemplate,
  textLength,
} from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import { createContext, type ReactNode, useContext, useState } from 'react';
import type { CardAction, PlaceholderMode, SampleContact } from './types.ts';

export type Path = readonly (string | number)[];

/** Everything a card renderer needs besides its config. */
export interface CardEnv {
  def: AnyNodeDefinition;
  channel: ChannelKind;
  contact: SampleContact;
  placeholders: PlaceholderMode;
  loadImages: boolean;
  issues: readonly NodeIssue[];
  /** The limit rules that apply to this config on this channel (from the node's `limits`). */
  limits: readonly LimitRule<unknown>[];
  onAction: (action: Omit<CardAction, 'nodeType'>) => void;
}

export const CardEnvContext = createContext<CardEnv | null>(null);

export function useCardEnv(): CardEnv {
  const env = useContext(CardEnvContext);
  if (!env) throw new Error('Card renderers must be used inside <MessagePreview>');
  return env;
}

export function buildEnv(def: AnyNodeDefinition, config: unknown, channel: ChannelKind, rest: Omit<CardEnv, 'def' | 'channel' | 'limits'>): CardEnv {
  const limits = applicableLimits((def.limits ?? []) as readonly LimitRule<unknown>[], config, { channels: [channel] });
  return { def, channel, limits, ...rest };
}

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Issues reported exactly at this config path. */
export function issuesAt(env: CardEnv, path: Path): NodeIssue[] {
  return env.issues.filter((i) => samePath(i.path, path));
}

/** Issues at this path or below it. */
export function issuesUnder(env: CardEnv, path: Path): NodeIssue[] {
  return env.issues.filter((i) => i.path.length >= path.length && path.every((x, k) => i.path[k] === x));
}

/** The strictest character limit the channel applies to this path, from the node's own limit rules. */
export function charLimit(env: CardEnv, path: Path): { max: number; count: CountMode | undefined } | undefined {
  let best: { max: number; count: CountMode | undefined } | undefined;
  for (const rule of env.limits) {
    if (rule.measure !== 'chars' || rule.max === undefined || !pathMatches(path, rule.path)) continue;
    if (!best || rule.max < best.max) best = { max: rule.max, count: rule.count };
  }
  return best;
}

/** Splits text after `max` units counted the limit's way, so the overflowing tail can be marked. */
export function splitAtLimit(text: string, max: number, count: CountMode | undefined): [string, string] {
  if (textLength(text, count) <= max) return [text, ''];
  const units: string[] =
    count === 'graphemes' ? Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment) : Array.from(text);
  let head = '';
  let used = 0;
  for (const u of units) {
    used += count === 'graphemes' ? 1 : textLength(u, count);
    if (used > max) break;
    head += u;
  }
  return [head, text.slice(head.length)];
}

/** Resolves a §5 placeholder from a sample contact. */
export function resolveFromContact(contact: SampleContact, parameters: readonly string[] = []): (p: Placeholder) => unknown {
  return (p) => {
    if (p.kind === 'positional') return parameters[p.index - 1];
    const key = p.path;
    switch (p.namespace) {
      case 'system':
        return (
          {
            customer_name: contact.name,
            member_id: contact.memberId,
            email: contact.email,
            phone: contact.phone,
            branch_code: contact.branchCode,
            salesperson_code: contact.salespersonCode,
            'loyaltyPoint:balance': contact.points?.balance,
            'loyaltyPoint:accumulated': contact.points?.accumulated,
          } as Record<string, unknown>
        )[key];
      case 'attr':
        return contact.attributes?.[key];
      case 'run':
        return contact.run?.[key];
      case 'trigger':
        return contact.trigger?.[key];
      default:
        return undefined;
    }
  };
}

/** A template string rendered for the preview: resolved with the sample contact, or with placeholder chips. */
export function renderText(env: CardEnv, source: string): string {
  try {
    return renderTemplate(source, resolveFromContact(env.contact));
  } catch {
    return source;
  }
}

function placeholderName(p: Placeholder): string {
  if (p.kind === 'positional') return `{{${p.index}}}`;
  return `${p.namespace}:${p.path}${p.fallback !== undefined ? ` | ${p.fallback}` : ''}`;
}

function issueTitle(issues: readonly NodeIssue[]): string {
  return issues.map((i) => `${i.message.en} / ${i.message['zh-Hant']}`).join('\n');
}

/** A red marker naming the problem, placed where the channel rejects the value. */
export function IssueFlag({ issues }: { issues: readonly NodeIssue[] }) {
  if (issues.length === 0) return null;
  const error = issues.some((i) => i.severity !== 'warning');
  return (
    <span
      className={error ? 'of-flag of-flag-error' : 'of-flag of-flag-warning'}
      role="note"
      data-issue={issues.map((i) => i.code ?? 'issue').join(' ')}
      title={issueTitle(issues)}
    >
      {error ? '!' : '⚠'} {issues[0]?.message.en}
    </span>
  );
}

/**
 * Text from the config at `path`: placeholders resolved or shown as chips, the part past the channel's
 * limit marked, and the validator's issues for that exact path flagged beside it.
 */
export function ConfigText({
  path,
  value,
  className,
  allowPlaceholders = true,
}: {
  path: Path;
  value: string;
  className?: string;
  allowPlaceholders?: boolean;
}) {
  const env = useCardEnv();
  const issues = issuesAt(env, path);
  const over = issues.some((i) => i.code === 'too_long');
  const limit = over ? charLimit(env, path) : undefined;
  let body: ReactNode;
  if (env.placeholders === 'chips' && allowPlaceholders) {
    let parts: ReturnType<typeof parseTemplate>;
    try {
      parts = parseTemplate(value);
    } catch {
      parts = [value];
    }
    body = parts.map((part, i) =>
      typeof part === 'string' ? (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts of one string never reorder
        <span key={i}>{part}</span>
      ) : (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts of one string never reorder
        <span key={i} className="of-chip-var" data-placeholder={placeholderName(part)}>
          {placeholderName(part)}
        </span>
      ),
    );
  } else {
    const shown = allowPlaceholders ? renderText(env, value) : value;
    if (limit) {
      const [head, tail] = splitAtLimit(shown, limit.max, limit.count);
      body = (
        <>
          {head}
          <mark className="of-overflow" title={issueTitle(issues)}>
            {tail}
          </mark>
        </>
      );
    } else body = shown;
  }
  // The flag sits after the text, not inside it, so clamped or truncated text never hides it.
  return (
    <>
      <span className={className} data-path={formatPath(path)} data-over-limit={over || undefined}>
        {body}
      </span>
      <IssueFlag issues={issues} />
    </>
  );
}

/** An image, or a placeholder box when there is no URL, loading is off or the image fails. */
export function MediaBox({
  url,
  ratio,
  label,
  className,
  kind = 'image',
}: {
  url?: string | undefined;
  ratio?: number | undefined;
  label?: string;
  className?: string;
  kind?: 'image' | 'video' | 'file';
}) {
  const env = useCardEnv();
  const [failed, setFailed] = useState(false);
  const style = { aspectRatio: ratio ? String(ratio) : undefined };
  if (!url || failed || !env.loadImages) {
    const name = url ? decodeURIComponent(url.split('/').pop() ?? url) : undefined;
    return (
      <div
        className={`of-media-missing ${className ?? ''}`}
        style={style}
        data-missing-image={url ? 'offline' : 'missing'}
        role="img"
        aria-label={label ?? name ?? 'image'}
      >
        <span className="of-media-icon">{kind === 'video' ? '▶' : kind === 'file' ? '📄' : '🖼'}</span>
        <span className="of-media-name">{url ? name : 'No image'}</span>
      </div>
    );
  }
  return <img className={`of-media ${className ?? ''}`} style={style} src={url} alt={label ?? ''} onError={() => setFailed(true)} />;
}
