import { type AttributeDefinition, type AttributeType, t } from '@omniflow/schemas';
import type { NodeIssue } from '../../define.ts';

// Checks for cards that write a custom attribute (§1.5, §4.1.8–§4.1.10): the attribute must exist,
// be active, and the fixed value must fit its type, or the write would fail at run time
// ('invalid_format' / 'archived' / 'type_mismatch').

/** Does `value` parse as a value of this attribute type (§1.5 formats)? */
export function fitsAttributeType(type: AttributeType, value: string): boolean {
  const v = value.trim();
  switch (type) {
    case 'text':
      return true;
    case 'number':
      return v !== '' && Number.isFinite(Number(v));
    case 'boolean':
      return v === 'true' || v === 'false';
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    }
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
  }
}

/** The attribute a card writes to: it must exist and be active. Returns its definition when usable. */
export function attributeTarget(
  key: string,
  attributes: readonly AttributeDefinition[],
  path: (string | number)[],
  issues: NodeIssue[],
): AttributeDefinition | undefined {
  const def = attributes.find((a) => a.key === key);
  if (!def) {
    issues.push({ path, code: 'unknown_attribute', message: t(`There is no custom attribute "${key}".`, `自訂屬性「${key}」不存在。`) });
    return undefined;
  }
  if (def.status === 'archived') {
    issues.push({
      path,
      code: 'archived_attribute',
      message: t(`The custom attribute "${key}" is archived and can no longer be written.`, `自訂屬性「${key}」已封存,無法再寫入。`),
    });
    return undefined;
  }
  return def;
}

/** A fixed "save this value" on a button or option (§4.1.1 (d), §4.1.8, §4.1.9). `path` points at the saveAttribute object. */
export function saveAttributeIssues(
  save: { key: string; value: string } | undefined,
  attributes: readonly AttributeDefinition[] | undefined,
  path: (string | number)[],
): NodeIssue[] {
  if (!save || !attributes) return [];
  const issues: NodeIssue[] = [];
  const def = attributeTarget(save.key, attributes, [...path, 'key'], issues);
  if (def && !fitsAttributeType(def.type, save.value)) {
    issues.push({
      path: [...path, 'value'],
      code: 'invalid_attribute_value',
      message: t(
        `"${save.value}" is not a valid ${def.type} value for "${save.key}", so it would not be saved.`,
        `「${save.value}」不是「${save.key}」可接受的${def.type}值,將不會被儲存。`,
      ),
    });
  }
  return issues;
}
