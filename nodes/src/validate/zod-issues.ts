import type { LocalizedText } from '@omniflow/schemas';
import type { z } from 'zod';
import { formatPath } from '../config-path.ts';
import { fieldMeta } from '../form.ts';

// Turns zod's issues into sentences a marketer understands, naming the field by its form label.

type Schema = z.ZodType;
interface Def {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  in?: Schema;
  out?: Schema;
  getter?: () => Schema;
}

function def(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema at a config path, following objects, arrays and wrappers; undefined where it branches. */
function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const seg of path) {
    s = unwrap(s);
    if (!s) return undefined;
    const d = def(s);
    if (d.type === 'object' && typeof seg === 'string') s = d.shape?.[seg];
    else if (d.type === 'array' && typeof seg === 'number') s = d.element;
    else if (d.type === 'union' && typeof seg === 'string') {
      const option = d.options?.map((o) => unwrap(o)).find((o) => o && def(o).type === 'object' && def(o).shape?.[seg]);
      s = option ? def(option).shape?.[seg] : undefined;
    } else return undefined;
  }
  return s;
}

function unwrap(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    if (fieldMeta(s)) return s;
    const d = def(s);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe') s = d.in;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else return s;
  }
  return s;
}

function labelFor(root: Schema, path: readonly PropertyKey[]): LocalizedText {
  // Prefer the label of the field itself, then of the nearest labelled ancestor plus the item number.
  for (let n = path.length; n > 0; n--) {
    const s = schemaAt(root, path.slice(0, n));
    const meta = s && (fieldMeta(s) ?? fieldMeta(unwrap(s) ?? s));
    if (meta) {
      const rest = path.slice(n).filter((p): p is string | number => typeof p !== 'symbol');
      const suffix = rest.length ? ` ${formatPath(rest)}` : '';
      return { en: meta.label.en + suffix, 'zh-Hant': meta.label['zh-Hant'] + suffix };
    }
  }
  const plain = formatPath(path.filter((p): p is string | number => typeof p !== 'symbol'));
  return { en: plain || 'This setting', 'zh-Hant': plain || '此設定' };
}

export function describeZodIssue(root: Schema, issue: z.core.$ZodIssue): LocalizedText {
  const f = labelFor(root, issue.path);
  const i = issue as z.core.$ZodIssue & Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type':
      return i.input === undefined
        ? { en: `${f.en} is required.`, 'zh-Hant': `請填寫${f['zh-Hant']}。` }
        : { en: `${f.en} should be ${article(String(i.expected))}.`, 'zh-Hant': `${f['zh-Hant']}的格式不正確(應為 ${String(i.expected)})。` };
    case 'too_big': {
      const max = String(i.maximum);
      if (i.origin === 'string') return { en: `${f.en} can have at most ${max} characters.`, 'zh-Hant': `${f['zh-Hant']}最多 ${max} 字。` };
      if (i.origin === 'array') return { en: `${f.en} can have at most ${max} items.`, 'zh-Hant': `${f['zh-Hant']}最多 ${max} 項。` };
      return { en: `${f.en} must be at most ${max}.`, 'zh-Hant': `${f['zh-Hant']}不可大於 ${max}。` };
    }
    case 'too_small': {
      const min = String(i.minimum);
      if (i.origin === 'string') {
        return min === '1'
          ? { en: `${f.en} cannot be empty.`, 'zh-Hant': `${f['zh-Hant']}不可空白。` }
          : { en: `${f.en} needs at least ${min} characters.`, 'zh-Hant': `${f['zh-Hant']}至少需要 ${min} 字。` };
      }
      if (i.origin === 'array') return { en: `${f.en} needs at least ${min} item${min === '1' ? '' : 's'}.`, 'zh-Hant': `${f['zh-Hant']}至少需要 ${min} 項。` };
      return { en: `${f.en} must be at least ${min}.`, 'zh-Hant': `${f['zh-Hant']}不可小於 ${min}。` };
    }
    case 'invalid_value': {
      const values = (i.values as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ') ?? '';
      return { en: `${f.en} must be one of: ${values}.`, 'zh-Hant': `${f['zh-Hant']}必須是以下之一:${values}。` };
    }
    case 'invalid_format':
      return customText(f, issue.message, i.format === 'url' ? ['a full URL, e.g. https://example.com', '完整網址,例如 https://example.com'] : undefined);
    case 'unrecognized_keys': {
      const keys = (i.keys as string[]).join(', ');
      return { en: `${f.en} has settings this node does not know: ${keys}.`, 'zh-Hant': `${f['zh-Hant']}含有此節點不認得的設定:${keys}。` };
    }
    case 'invalid_union':
      return { en: `${f.en} does not match any allowed form.`, 'zh-Hant': `${f['zh-Hant']}的內容不符合任何可用格式。` };
    case 'not_multiple_of':
      return { en: `${f.en} must be a multiple of ${String(i.divisor)}.`, 'zh-Hant': `${f['zh-Hant']}必須是 ${String(i.divisor)} 的倍數。` };
    default:
      return customText(f, issue.message);
  }
}

function customText(f: LocalizedText, message: string, expected?: [string, string]): LocalizedText {
  if (expected) return { en: `${f.en} should be ${expected[0]}.`, 'zh-Hant': `${f['zh-Hant']}應為${expected[1]}。` };
  return { en: `${f.en}: ${message}`, 'zh-Hant': `${f['zh-Hant']}:${message}` };
}

function article(type: string): string {
  return ({ string: 'text', number: 'a number', boolean: 'yes or no', array: 'a list', object: 'a group of settings' } as Record<string, string>)[type] ?? type;
}
