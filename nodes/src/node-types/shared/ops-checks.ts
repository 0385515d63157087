import { type AttributeDefinition, type AttributeType, type EventMatcher, IsoDate, IsoDateTime, type LocalizedText, t } from '@omniflow/schemas';
import type { NodeIssue } from '../../define.ts';
import { hasPlaceholderSyntax } from '../../variables/template.ts';

// Checks shared by the logic, wait, action and flow node types: attribute references, typed literal
// values, run variable names, event matchers and JSONPath expressions.

type Path = (string | number)[];

const TYPE_NAMES: Readonly<Record<AttributeType, LocalizedText>> = {
  text: t('text', '文字'),
  number: t('number', '數字'),
  date: t('date', '日期'),
  datetime: t('date and time', '日期與時間'),
  boolean: t('yes/no', '是/否'),
};

export const attributeTypeName = (type: AttributeType): LocalizedText => TYPE_NAMES[type];

/**
 * Problems with a reference to a custom attribute, when the attribute definitions are known.
 * `write`: the node assigns the attribute, and archived attributes cannot be newly assigned (§1.5).
 * `types`: the attribute types the node can work with.
 */
export function attributeRefIssues(
  key: string,
  attributes: readonly AttributeDefinition[] | undefined,
  path: Path,
  options: { write?: boolean; types?: readonly AttributeType[] } = {},
): NodeIssue[] {
  if (!attributes || key === '') return [];
  const def = attributes.find((a) => a.key === key);
  if (!def) return [{ path, code: 'unknown_attribute', message: t(`There is no custom attribute "${key}".`, `自訂屬性「${key}」不存在。`) }];
  const issues: NodeIssue[] = [];
  if (def.status === 'archived') {
    issues.push(
      options.write
        ? { path, code: 'attribute_archived', message: t(`"${key}" is archived and cannot be assigned.`, `「${key}」已封存,無法寫入。`) }
        : {
            path,
            severity: 'warning',
            code: 'attribute_archived',
            message: t(`"${key}" is archived; its values no longer change.`, `「${key}」已封存,其值不會再變動。`),
          },
    );
  }
  if (options.types && !options.types.includes(def.type)) {
    const wanted = options.types.map((ty) => TYPE_NAMES[ty]);
    issues.push({
      path,
      code: 'attribute_type_mismatch',
      message: t(
        `"${key}" is a ${TYPE_NAMES[def.type].en} attribute; this needs ${wanted.map((w) => w.en).join(' or ')}.`,
        `「${key}」是${TYPE_NAMES[def.type]['zh-Hant']}屬性,此處需要${wanted.map((w) => w['zh-Hant']).join('或')}屬性。`,
      ),
    });
  }
  return issues;
}

/** Does a literal (placeholder-free) value parse as a value of this attribute type? */
export function literalFitsType(value: string, type: AttributeType): boolean {
  switch (type) {
    case 'text':
      return true;
    case 'number':
      return isNumberLiteral(value);
    case 'date':
      return IsoDate.safeParse(value).success;
    case 'datetime':
      return IsoDateTime.safeParse(value).success;
    case 'boolean':
      return value === 'true' || value === 'false';
  }
}

export const isNumberLiteral = (value: string): boolean => /^-?\d+(\.\d+)?$/.test(value.trim());

/** How a value of this type must be written, for error messages. */
export const TYPE_FORMAT: Readonly<Record<AttributeType, LocalizedText>> = {
  text: t('any text', '任意文字'),
  number: t('a number such as 12 or -3.5', '數字,例如 12 或 -3.5'),
  date: t('a date as YYYY-MM-DD', 'YYYY-MM-DD 格式的日期'),
  datetime: t('a date and time such as 2025-01-31T09:00:00+08:00', '日期時間,例如 2025-01-31T09:00:00+08:00'),
  boolean: t('true or false', 'true 或 false'),
};

/** True when the value contains a placeholder, so its final form is only known at run time. */
export const isTemplated = (value: string): boolean => hasPlaceholderSyntax(value);

/** Run variable names as {{run:name}} reads them. */
export const RUN_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function runVarNameIssues(name: string, path: Path): NodeIssue[] {
  if (name === '' || RUN_VAR_NAME.test(name)) return [];
  return [
    {
      path,
      code: 'invalid_variable_name',
      message: t(
        `"${name}" is not a valid variable name: use letters, digits and "_", not starting with a digit.`,
        `「${name}」不是有效的變數名稱:請使用英文字母、數字與「_」,且不能以數字開頭。`,
      ),
    },
  ];
}

/** Event details a wait-for-event, goal or exit needs to be meaningful. */
export function eventMatcherIssues(match: EventMatcher, path: Path, attributes?: readonly AttributeDefinition[]): NodeIssue[] {
  const issues: NodeIssue[] = [];
  if ((match.event === 'tagApplied' || match.event === 'tagRemoved') && !match.tag) {
    issues.push({ path: [...path, 'tag'], code: 'incomplete_event', message: t('Choose the tag to wait for.', '請選擇要等待的標籤。') });
  }
  if (match.event === 'attributeChanged') {
    if (!match.attributeKey) {
      issues.push({
        path: [...path, 'attributeKey'],
        code: 'incomplete_event',
        message: t('Choose the custom attribute to watch.', '請選擇要監看的自訂屬性。'),
      });
    } else {
      issues.push(...attributeRefIssues(match.attributeKey, attributes, [...path, 'attributeKey']));
    }
  }
  if (match.buttonId && match.event !== 'buttonClick') {
    issues.push({
      path: [...path, 'buttonId'],
      severity: 'warning',
      code: 'ignored_field',
      message: t('A button only narrows a "button click" event; it is ignored here.', '指定按鈕只適用於「點擊按鈕」事件,此處會被忽略。'),
    });
  }
  return issues;
}

/**
 * A light JSONPath syntax check: `$`, dotted names, `[n]`, `['name']`, `[*]` and `.*`. A path without
 * the leading `$` is read from the root ("data.points" = "$.data.points"). Returns a problem or undefined.
 */
export function jsonPathProblem(path: string): LocalizedText | undefined {
  const rest = path.startsWith('$') ? path.slice(1) : path.startsWith('.') || path.startsWith('[') ? path : `.${path}`;
  const token = /^(?:\.\.?(?:[A-Za-z_$][\w$-]*|\*)|\[(?:\d+|\*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\])/;
  let s = rest;
  while (s.length > 0) {
    const m = token.exec(s);
    if (!m) {
      return t(
        `"${path}" is not a JSONPath this step understands: use forms like $.data.points, $.items[0].id or $['member-id'].`,
        `「${path}」不是可用的 JSONPath,請使用如 $.data.points、$.items[0].id 或 $['member-id'] 的寫法。`,
      );
    }
    s = s.slice(m[0].length);
  }
  return undefined;
}

/** Issues for duplicate values in a list, reported on every repeat. */
export function duplicateIssues(
  values: readonly string[],
  pathOf: (index: number) => Path,
  code: string,
  message: LocalizedText,
  warning = false,
): NodeIssue[] {
  const issues: NodeIssue[] = [];
  values.forEach((v, i) => {
    if (v !== '' && values.indexOf(v) !== i) issues.push({ path: pathOf(i), code, message, ...(warning ? { severity: 'warning' as const } : {}) });
  });
  return issues;
}
