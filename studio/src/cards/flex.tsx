import { formatPath, type NodeIssue } from '@omniflow/nodes';
import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';
import { type CardEnv, ConfigText, IssueFlag, MediaBox, type Path, useCardEnv } from './core.tsx';

// A LINE Flex Message renderer: bubble / carousel JSON (as pasted from the Flex Message Simulator)
// drawn with plain CSS flexbox, following the layout rules of LINE's Flex Message reference
// (box layouts, default flex per layout, spacing/margin keywords, block paddings, button styles).
// It reads `unknown` JSON defensively: the validator reports structure problems, the renderer only
// draws what it can and flags issues where they are.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Keyword → px tables (LINE Flex Message layout reference). Pixel and % values pass through. */
const SPACING: Record<string, number> = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const TEXT_SIZE: Record<string, number> = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
const IMAGE_SIZE: Record<string, string> = {
  xxs: '40px',
  xs: '60px',
  sm: '80px',
  md: '100px',
  lg: '120px',
  xl: '140px',
  xxl: '160px',
  '3xl': '180px',
  '4xl': '200px',
  '5xl': '220px',
  full: '100%',
};
const RADIUS: Record<string, number> = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const BORDER: Record<string, string> = { none: '0', light: '0.5px', normal: '1px', medium: '2px', 'semi-bold': '3px', bold: '4px' };
const BUBBLE_WIDTH: Record<string, number> = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 500 };

function length(v: unknown, table: Record<string, number | string>): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const k = table[s];
  if (k !== undefined) return typeof k === 'number' ? `${k}px` : k;
  return /^-?\d+(\.\d+)?(px|%)$/.test(s) ? s : undefined;
}

function ratio(v: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(str(v) ?? '');
  return m ? Number(m[1]) / Number(m[2]) : undefined;
}

/** Drops undefined entries: React clears a longhand set to undefined, which would undo a shorthand before it. */
function defined(style: CSSProperties): CSSProperties {
  return Object.fromEntries(Object.entries(style).filter(([, v]) => v !== undefined)) as CSSProperties;
}

type Parent = 'horizontal' | 'vertical' | 'baseline' | 'block';

/** Default flex per the parent layout: 1 in horizontal/baseline boxes, 0 (content size) in vertical ones. */
function flexStyle(c: Json, parent: Parent): CSSProperties {
  const f = num(c.flex);
  if (parent === 'horizontal' || parent === 'baseline') {
    const grow = f ?? 1;
    return grow === 0 ? { flex: '0 0 auto' } : { flex: `${grow} 0 0`, minWidth: 0 };
  }
  if (parent === 'vertical') return f && f > 0 ? { flex: `${f} 0 0` } : { flex: '0 0 auto' };
  return {};
}

function placement(c: Json, parent: Parent, first: boolean, spacing: string | undefined): CSSProperties {
  const style: CSSProperties = flexStyle(c, parent);
  // An explicit margin wins over the parent's spacing; spacing goes between children only.
  const margin = length(c.margin, SPACING) ?? (first ? undefined : spacing);
  if (margin) {
    if (parent === 'vertical') style.marginTop = margin;
    else if (parent !== 'block') style.marginInlineStart = margin;
  }
  if (c.position === 'absolute') style.position = 'absolute';
  else if (c.position === 'relative' || c.offsetTop || c.offsetStart) style.position = 'relative';
  const off = (k: string) => length(c[k], SPACING);
  if (off('offsetTop')) style.top = off('offsetTop');
  if (off('offsetBottom')) style.bottom = off('offsetBottom');
  if (off('offsetStart')) style.insetInlineStart = off('offsetStart');
  if (off('offsetEnd')) style.insetInlineEnd = off('offsetEnd');
  return style;
}

/**
 * Issues that belong to this component itself: at its path or one of its own properties (`type`, `size`,
 * `url`, `action.uri`…), but not inside child components or texts that flag themselves.
 */
function ownIssues(env: CardEnv, path: Path, kind: 'component' | 'button' | 'text' | 'bubble' | 'carousel'): NodeIssue[] {
  return env.issues.filter((i) => {
    if (i.path.length < path.length || !path.every((x, k) => i.path[k] === x)) return false;
    const rest = i.path.slice(path.length);
    if (rest.length === 0) return true;
    const [head, second, third] = rest;
    if (kind === 'bubble') return !['header', 'hero', 'body', 'footer'].includes(String(head));
    if (kind === 'carousel') return !(head === 'contents' && typeof second === 'number');
    if (head === 'contents') return kind === 'text' && typeof second === 'number' && third !== 'text';
    if (head === 'text') return kind !== 'text';
    if (kind === 'button' && head === 'action' && second === 'label') return false;
    return true;
  });
}

function Issues({ path, kind = 'component' }: { path: Path; kind?: Parameters<typeof ownIssues>[2] }) {
  const env = useCardEnv();
  return <IssueFlag issues={ownIssues(env, path, kind)} />;
}

/** Props that make a tappable Flex component (one with an `action`) clickable and keyboard-operable. */
function tapProps(tap: (() => void) | undefined) {
  if (!tap) return {};
  return {
    role: 'button',
    tabIndex: 0,
    onClick: tap,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') tap();
    },
  };
}

function useTap(path: Path, action: unknown, label: string | undefined) {
  const env = useCardEnv();
  if (!isObj(action)) return undefined;
  return () =>
    env.onAction({
      id: str(action.data) ?? str(action.uri) ?? str(action.text) ?? formatPath(path),
      kind: 'flex',
      label: label ?? str(action.label) ?? '',
      action,
    });
}

function FlexComponent({
  c,
  path,
  parent,
  first,
  spacing,
  blockPadding,
}: {
  c: unknown;
  path: Path;
  parent: Parent;
  first: boolean;
  spacing?: string | undefined;
  blockPadding?: string | undefined;
}) {
  if (!isObj(c)) return <Issues path={path} />;
  const style = placement(c, parent, first, spacing);
  if (blockPadding) style.padding = blockPadding;
  switch (c.type) {
    case 'box':
      return <FlexBox c={c} path={path} style={style} />;
    case 'text':
      return <FlexText c={c} path={path} style={style} parent={parent} />;
    case 'image':
      return <FlexImage c={c} path={path} style={style} />;
    case 'button':
      return <FlexButton c={c} path={path} style={style} parent={parent} />;
    case 'icon':
      return <FlexIcon c={c} path={path} style={style} />;
    case 'separator':
      return (
        <div
          className={`of-fx-separator ${parent === 'vertical' ? 'of-fx-sep-h' : 'of-fx-sep-v'}`}
          style={{ ...style, flex: '0 0 auto', borderColor: str(c.color) }}
          data-path={formatPath(path)}
        />
      );
    case 'filler':
      return <div className="of-fx-filler" style={{ flex: `${num(c.flex) ?? 1} 0 0` }} />;
    case 'video':
      return <FlexVideo c={c} path={path} />;
    default:
      return (
        <div className="of-fx-unknown" data-path={formatPath(path)}>
          {String(c.type ?? '?')}
          <Issues path={path} />
        </div>
      );
  }
}

function FlexBox({ c, path, style }: { c: Json; path: Path; style: CSSProperties }) {
  const layout = c.layout === 'horizontal' || c.layout === 'baseline' ? c.layout : 'vertical';
  const spacing = length(c.spacing, SPACING);
  const pad = (k: string) => length(c[k], SPACING);
  const bg = isObj(c.background) && c.background.type === 'linearGradient' ? c.background : undefined;
  const boxStyle: CSSProperties = {
    ...style,
    display: 'flex',
    flexDirection: layout === 'vertical' ? 'column' : 'row',
    alignItems: layout === 'baseline' ? 'baseline' : (str(c.alignItems) as CSSProperties['alignItems']),
    justifyContent: str(c.justifyContent) as CSSProperties['justifyContent'],
    backgroundColor: str(c.backgroundColor),
    backgroundImage: bg
      ? `linear-gradient(${str(bg.angle) ?? '0deg'}, ${[str(bg.startColor), bg.centerColor ? `${str(bg.centerColor)} ${str(bg.centerPosition) ?? '50%'}` : undefined, str(bg.endColor)].filter(Boolean).join(', ')})`
      : undefined,
    borderColor: str(c.borderColor),
    borderStyle: c.borderWidth || c.borderColor ? 'solid' : undefined,
    borderWidth: length(c.borderWidth, BORDER) ?? (c.borderColor ? '1px' : undefined),
    borderRadius: length(c.cornerRadius, RADIUS),
    width: length(c.width, {}),
    maxWidth: length(c.maxWidth, {}),
    height: length(c.height, {}),
    maxHeight: length(c.maxHeight, {}),
    padding: pad('paddingAll') ?? style.padding,
    paddingTop: pad('paddingTop'),
    paddingBottom: pad('paddingBottom'),
    paddingInlineStart: pad('paddingStart'),
    paddingInlineEnd: pad('paddingEnd'),
    overflow: c.cornerRadius ? 'hidden' : undefined,
  };
  const tap = useTap(path, c.action, undefined);
  const children = Array.isArray(c.contents) ? c.contents : [];
  return (
    <div className={`of-fx-box of-fx-${layout}${tap ? ' of-fx-tappable' : ''}`} style={defined(boxStyle)} data-path={formatPath(path)} {...tapProps(tap)}>
      {children.map((child, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: Flex contents are positional
        <FlexComponent key={i} c={child} path={[...path, 'contents', i]} parent={layout} first={i === 0} spacing={spacing} />
      ))}
      <Issues path={path} />
    </div>
  );
}

function textStyle(c: Json): CSSProperties {
  return {
    fontSize: length(c.size, TEXT_SIZE),
    color: str(c.color),
    fontWeight: c.weight === 'bold' ? 700 : undefined,
    fontStyle: c.style === 'italic' ? 'italic' : undefined,
    textDecoration: c.decoration === 'underline' ? 'underline' : c.decoration === 'line-through' ? 'line-through' : undefined,
  };
}

function FlexText({ c, path, style, parent }: { c: Json; path: Path; style: CSSProperties; parent: Parent }) {
  const wrap = c.wrap === true;
  const maxLines = num(c.maxLines);
  const tap = useTap(path, c.action, str(c.text));
  const spans = Array.isArray(c.contents) ? c.contents : undefined;
  const s: CSSProperties = {
    ...style,
    ...textStyle(c),
    textAlign: c.align === 'end' ? 'end' : c.align === 'center' ? 'center' : undefined,
    alignSelf: parent === 'horizontal' ? (c.gravity === 'center' ? 'center' : c.gravity === 'bottom' ? 'flex-end' : undefined) : undefined,
    lineHeight: length(c.lineSpacing, {}) ? `calc(1.4em + ${length(c.lineSpacing, {})})` : undefined,
    WebkitLineClamp: wrap && maxLines ? maxLines : undefined,
  };
  let body: ReactNode;
  if (spans && spans.length > 0) {
    body = spans.map((sp, i) =>
      isObj(sp) ? (
        // biome-ignore lint/suspicious/noArrayIndexKey: spans are positional
        <span key={i} className="of-fx-span" style={textStyle(sp)}>
          <ConfigText path={[...path, 'contents', i, 'text']} value={str(sp.text) ?? ''} />
        </span>
      ) : null,
    );
  } else body = <ConfigText path={[...path, 'text']} value={str(c.text) ?? ''} />;
  return (
    <div
      className={`of-fx-text ${wrap ? (maxLines ? 'of-fx-clamp' : 'of-fx-wrap') : 'of-fx-nowrap'}${tap ? ' of-fx-tappable' : ''}`}
      style={s}
      data-path={formatPath(path)}
      {...tapProps(tap)}
    >
      {body}
      <Issues path={path} kind="text" />
    </div>
  );
}

function FlexImage({ c, path, style }: { c: Json; path: Path; style: CSSProperties }) {
  const size = length(c.size, IMAGE_SIZE) ?? IMAGE_SIZE.md;
  const tap = useTap(path, c.action, undefined);
  const align = c.align === 'start' ? 'flex-start' : c.align === 'end' ? 'flex-end' : 'center';
  return (
    <div
      className={`of-fx-image${tap ? ' of-fx-tappable' : ''}`}
      style={{ ...style, display: 'flex', justifyContent: align }}
      data-path={formatPath(path)}
      {...tapProps(tap)}
    >
      <div
        style={{ width: size, maxWidth: '100%', backgroundColor: str(c.backgroundColor) }}
        className={c.aspectMode === 'cover' ? 'of-fx-cover' : 'of-fx-fit'}
      >
        <MediaBox url={str(c.url)} ratio={ratio(c.aspectRatio) ?? 1} />
      </div>
      <Issues path={path} />
    </div>
  );
}

function FlexIcon({ c, path, style }: { c: Json; path: Path; style: CSSProperties }) {
  const px = length(c.size, TEXT_SIZE) ?? `${TEXT_SIZE.md}px`;
  const r = ratio(c.aspectRatio) ?? 1;
  return (
    <>
      <span className="of-fx-icon" style={{ ...style, flex: '0 0 auto', width: `calc(${px} * ${r})`, height: px }} data-path={formatPath(path)}>
        <MediaBox url={str(c.url)} ratio={r} label="icon" className="of-fx-icon-img" />
      </span>
      <Issues path={path} />
    </>
  );
}

function FlexButton({ c, path, style, parent }: { c: Json; path: Path; style: CSSProperties; parent: Parent }) {
  const action = isObj(c.action) ? c.action : {};
  const label = str(action.label) ?? '';
  const kind = c.style === 'primary' || c.style === 'secondary' ? c.style : 'link';
  const color = str(c.color);
  const tap = useTap(path, c.action, label);
  const s: CSSProperties = {
    ...style,
    ...(kind === 'link' ? { color } : { backgroundColor: color }),
    // gravity places a component vertically, which only moves it inside a horizontal box.
    alignSelf: parent === 'horizontal' ? (c.gravity === 'center' ? 'center' : c.gravity === 'bottom' ? 'flex-end' : undefined) : undefined,
  };
  return (
    <>
      <button
        type="button"
        className={`of-fx-button of-fx-button-${kind} of-fx-button-${c.height === 'sm' ? 'sm' : 'md'}`}
        style={s}
        data-path={formatPath(path)}
        onClick={tap}
      >
        <ConfigText path={[...path, 'action', 'label']} value={label} />
      </button>
      <Issues path={path} kind="button" />
    </>
  );
}

function FlexVideo({ c, path }: { c: Json; path: Path }) {
  return (
    <div className="of-fx-video" data-path={formatPath(path)}>
      <MediaBox url={str(c.previewUrl)} ratio={ratio(c.aspectRatio) ?? 16 / 9} kind="video" label="video" />
      <span className="of-fx-video-play" aria-hidden>
        ▶
      </span>
      <Issues path={path} />
    </div>
  );
}

const BLOCKS = ['header', 'hero', 'body', 'footer'] as const;
const BLOCK_PADDING: Record<(typeof BLOCKS)[number], string | undefined> = { header: '20px', hero: undefined, body: '20px', footer: '10px' };

/** One bubble: header, hero, body and footer blocks with their styles. */
export function FlexBubble({ bubble, path }: { bubble: unknown; path: Path }) {
  const env = useCardEnv();
  const tap = useTap(path, isObj(bubble) ? bubble.action : undefined, undefined);
  if (!isObj(bubble)) return <IssueFlag issues={ownIssues(env, path, 'component')} />;
  const size = str(bubble.size) ?? 'mega';
  const styles = isObj(bubble.styles) ? bubble.styles : {};
  let first = true;
  return (
    <div
      className={`of-fx-bubble${tap ? ' of-fx-tappable' : ''}`}
      style={{ width: BUBBLE_WIDTH[size] ?? BUBBLE_WIDTH.mega, direction: bubble.direction === 'rtl' ? 'rtl' : 'ltr' }}
      data-size={size}
      data-path={formatPath(path)}
      {...tapProps(tap)}
    >
      {BLOCKS.map((name) => {
        const block = bubble[name];
        if (!isObj(block)) return null;
        const st = isObj(styles[name]) ? (styles[name] as Json) : {};
        const separator = !first && st.separator === true;
        first = false;
        return (
          <div
            key={name}
            className={`of-fx-block of-fx-${name}`}
            style={{
              backgroundColor: str(st.backgroundColor),
              borderTop: separator ? `1px solid ${str(st.separatorColor) ?? '#e5e5e5'}` : undefined,
            }}
          >
            <FlexComponent c={block} path={[...path, name]} parent="block" first blockPadding={block.type === 'box' ? BLOCK_PADDING[name] : undefined} />
          </div>
        );
      })}
      <IssueFlag issues={ownIssues(env, path, 'bubble')} />
    </div>
  );
}

/** A Flex container (bubble or carousel) at a config path, typically ['contents']. */
export function FlexContainerView({ contents, path }: { contents: unknown; path: Path }) {
  const env = useCardEnv();
  if (isObj(contents) && contents.type === 'carousel') {
    const bubbles = Array.isArray(contents.contents) ? contents.contents : [];
    return (
      <div className="of-fx-carousel" data-path={formatPath(path)}>
        {bubbles.map((b, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: carousel bubbles are positional
          <FlexBubble key={i} bubble={b} path={[...path, 'contents', i]} />
        ))}
        <IssueFlag issues={ownIssues(env, path, 'carousel')} />
      </div>
    );
  }
  return <FlexBubble bubble={contents} path={path} />;
}
