import type { AttributeDefinition, LocalizedText } from '@omniflow/schemas';

// The §5 placeholder language, one parser for the validator, the engine and the studio:
//   {{namespace:path}}            e.g. {{system:customer_name}}, {{attr:member_tier}}, {{run:order.id}}
//   {{namespace:path|"fallback"}} the fallback renders when the value is empty ("\"" escapes a quote)
//   {{1}}                         WhatsApp template parameter (only where a field allows it)
//   \{{                           a literal "{{" (the backslash is dropped)

export const NAMESPACES = ['system', 'attr', 'run', 'trigger', 'response'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** The system fields of §5, with the seed's misspelling accepted as an alias. */
export const SYSTEM_FIELDS = [
  'customer_name',
  'member_id',
  'email',
  'phone',
  'branch_code',
  'salesperson_code',
  'loyaltyPoint:balance',
  'loyaltyPoint:accumulated',
] as const;
export const SYSTEM_ALIASES: Readonly<Record<string, (typeof SYSTEM_FIELDS)[number]>> = { cutomer_name: 'customer_name' };

export type Placeholder =
  | { kind: 'named'; namespace: Namespace; path: string; fallback?: string; start: number; end: number }
  | { kind: 'positional'; index: number; start: number; end: number };

export type TemplatePart = string | Placeholder;

export class TemplateError extends Error {
  constructor(
    readonly index: number,
    readonly localized: LocalizedText,
  ) {
    super(`${localized.en} (at character ${index + 1})`);
  }
}

const NAMED = /^([a-zA-Z]+):([A-Za-z0-9_][A-Za-z0-9_.:-]*)\s*(?:\|\s*"((?:[^"\\]|\\.)*)")?\s*$/;
const POSITIONAL = /^\s*([1-9]\d{0,2})\s*$/;

/** Splits a template into text and placeholders; throws TemplateError on a malformed placeholder. */
export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    if (source.startsWith('\\{{', i)) {
      text += '{{';
      i += 3;
      continue;
    }
    if (!source.startsWith('{{', i)) {
      text += source[i];
      i++;
      continue;
    }
    const close = source.indexOf('}}', i + 2);
    if (close < 0) {
      throw new TemplateError(i, {
        en: 'A placeholder starts with "{{" but never ends with "}}". Write \\{{ for a literal "{{".',
        'zh-Hant': '變數以「{{」開頭但沒有「}}」結尾。若要顯示「{{」請輸入 \\{{。',
      });
    }
    const inner = source.slice(i + 2, close);
    const end = close + 2;
    const named = NAMED.exec(inner.trim());
    const positional = POSITIONAL.exec(inner);
    if (positional) {
      if (text) parts.push(text);
      text = '';
      parts.push({ kind: 'positional', index: Number(positional[1]), start: i, end });
    } else if (named && (NAMESPACES as readonly string[]).includes(named[1] ?? '')) {
      if (text) parts.push(text);
      text = '';
      const fallback = named[3]?.replace(/\\(["\\])/g, '$1');
      parts.push({
        kind: 'named',
        namespace: named[1] as Namespace,
        path: named[2] ?? '',
        ...(fallback !== undefined ? { fallback } : {}),
        start: i,
        end,
      });
    } else {
      const ns = named?.[1];
      throw new TemplateError(
        i,
        ns
          ? {
              en: `"{{${inner}}}" uses an unknown kind of variable "${ns}". Use system:, attr:, run: or trigger:.`,
              'zh-Hant': `「{{${inner}}}」的變數種類「${ns}」不存在,請使用 system:、attr:、run: 或 trigger:。`,
            }
          : {
              en: `"{{${inner}}}" is not a valid placeholder. Write it like {{system:customer_name}} or {{attr:member_tier}}.`,
              'zh-Hant': `「{{${inner}}}」不是有效的變數,格式如 {{system:customer_name}} 或 {{attr:member_tier}}。`,
            },
      );
    }
    i = end;
  }
  if (text) parts.push(text);
  return parts;
}

/** The placeholders of a template, or the parse error. Never throws. */
export function scanTemplate(source: string): { placeholders: Placeholder[]; error?: TemplateError } {
  try {
    return { placeholders: parseTemplate(source).filter((p): p is Placeholder => typeof p !== 'string') };
  } catch (e) {
    if (e instanceof TemplateError) return { placeholders: [], error: e };
    throw e;
  }
}

/** True when the string contains anything the parser would treat as a placeholder (valid or not). */
export function hasPlaceholderSyntax(source: string): boolean {
  return /(^|[^\\])\{\{/.test(source);
}

export interface PlaceholderCheckOptions {
  attributes?: readonly AttributeDefinition[];
  /** Allow {{1}}… (WhatsApp template parameters). */
  positional?: boolean;
  /** Allow {{response:…}} (Call-an-API message templates). */
  response?: boolean;
}

/** Why a placeholder cannot be rendered here, or undefined when it is fine. */
export function checkPlaceholder(p: Placeholder, options: PlaceholderCheckOptions = {}): LocalizedText | undefined {
  if (p.kind === 'positional') {
    return options.positional
      ? undefined
      : { en: `{{${p.index}}} is a WhatsApp template parameter and cannot be used here.`, 'zh-Hant': `{{${p.index}}} 是 WhatsApp 範本參數,不能用在這裡。` };
  }
  if (p.namespace === 'system' && !(SYSTEM_FIELDS as readonly string[]).includes(p.path) && !(p.path in SYSTEM_ALIASES)) {
    return {
      en: `{{system:${p.path}}} is not a known contact field. Known fields: ${SYSTEM_FIELDS.join(', ')}.`,
      'zh-Hant': `{{system:${p.path}}} 不是已知的聯絡人欄位。可用欄位:${SYSTEM_FIELDS.join('、')}。`,
    };
  }
  if (p.namespace === 'attr' && options.attributes) {
    const def = options.attributes.find((a) => a.key === p.path);
    if (!def) {
      return { en: `There is no custom attribute "${p.path}".`, 'zh-Hant': `自訂屬性「${p.path}」不存在。` };
    }
    if (def.status === 'archived') {
      return { en: `The custom attribute "${p.path}" is archived.`, 'zh-Hant': `自訂屬性「${p.path}」已封存。` };
    }
  }
  if (p.namespace === 'response' && !options.response) {
    return {
      en: `{{response:${p.path}}} is only available in a Call-an-API message template.`,
      'zh-Hant': `{{response:${p.path}}} 只能用在 Call an API 的訊息範本中。`,
    };
  }
  return undefined;
}

/** Rewrites aliases to their canonical form ({{system:cutomer_name}} → {{system:customer_name}}). */
export function canonicalTemplate(source: string): string {
  return parseTemplate(source)
    .map((p) => {
      if (typeof p === 'string') return p.replaceAll('{{', '\\{{');
      if (p.kind === 'positional') return `{{${p.index}}}`;
      const path = p.namespace === 'system' ? (SYSTEM_ALIASES[p.path] ?? p.path) : p.path;
      const fallback = p.fallback !== undefined ? `|"${p.fallback.replace(/["\\]/g, '\\$&')}"` : '';
      return `{{${p.namespace}:${path}${fallback}}}`;
    })
    .join('');
}

export type RenderMode = 'text' | 'url' | 'json';

export interface RenderOptions {
  mode?: RenderMode;
  timeZone?: string;
  language?: string;
}

/** Looks up a placeholder's value; `undefined`, null and "" render the fallback. */
export type PlaceholderResolver = (p: Placeholder) => unknown;

function formatValue(value: unknown, options: RenderOptions): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) {
    return new Intl.DateTimeFormat(options.language ?? 'en', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: options.timeZone ?? 'UTC',
    }).format(value);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function escapeFor(mode: RenderMode, value: string): string {
  if (mode === 'url') return encodeURIComponent(value);
  if (mode === 'json') return JSON.stringify(value).slice(1, -1);
  return value;
}

/** Renders a template. Values are escaped for the context (percent-encoded in URLs, JSON-escaped in Flex strings). */
export function renderTemplate(source: string, resolve: PlaceholderResolver, options: RenderOptions = {}): string {
  const mode = options.mode ?? 'text';
  return parseTemplate(source)
    .map((part) => {
      if (typeof part === 'string') return part;
      const normalised =
        part.kind === 'named' && part.namespace === 'system' && part.path in SYSTEM_ALIASES ? { ...part, path: SYSTEM_ALIASES[part.path] ?? part.path } : part;
      const text = formatValue(resolve(normalised), options);
      const shown = text === '' && part.kind === 'named' ? (part.fallback ?? '') : text;
      return escapeFor(mode, shown);
    })
    .join('');
}
