import { type AttributeDefinition, type Condition, type ConditionGroup, isConditionGroup, type LocalizedText } from '@omniflow/schemas';
import type { NodeIssue } from './define.ts';

// Checks on the §4.3 condition grammar that a schema cannot express: operands present for the
// operator, attributes that exist with the right type, sane ranges. Shared by splits, exits, goals
// and entry filters.

const msg = (en: string, zh: string): LocalizedText => ({ en, 'zh-Hant': zh });

function checkCondition(c: Condition, path: (string | number)[], attributes?: readonly AttributeDefinition[]): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const need = (ok: boolean, field: string, m: LocalizedText) => {
    if (!ok) issues.push({ path: [...path, field], code: 'incomplete_condition', message: m });
  };
  switch (c.criterion) {
    case 'attribute': {
      const def = attributes?.find((a) => a.key === c.key);
      if (attributes && !def) {
        issues.push({
          path: [...path, 'key'],
          code: 'unknown_attribute',
          message: msg(`There is no custom attribute "${c.key}".`, `自訂屬性「${c.key}」不存在。`),
        });
      } else if (def && def.type !== c.type && !(def.type === 'datetime' && c.type === 'date') && !(def.type === 'date' && c.type === 'datetime')) {
        issues.push({
          path: [...path, 'type'],
          code: 'attribute_type_mismatch',
          message: msg(
            `"${c.key}" is a ${def.type} attribute, but the condition compares it as ${c.type}.`,
            `「${c.key}」是${def.type}類型的屬性,條件卻以${c.type}比較。`,
          ),
        });
      }
      if (c.type === 'text' && !['isSet', 'isNotSet'].includes(c.op))
        need(c.value !== undefined && c.value !== '', 'value', msg('Enter the text to compare with.', '請輸入要比較的文字。'));
      if (c.type === 'number' && !['isSet', 'isNotSet'].includes(c.op)) {
        need(c.value !== undefined, 'value', msg('Enter the number to compare with.', '請輸入要比較的數字。'));
        if (c.op === 'between') {
          need(c.value2 !== undefined, 'value2', msg('Enter the upper bound.', '請輸入上限。'));
          if (c.value !== undefined && c.value2 !== undefined && c.value > c.value2) {
            issues.push({ path: [...path, 'value2'], code: 'invalid_range', message: msg('The upper bound is below the lower bound.', '上限小於下限。') });
          }
        }
      }
      if (c.type === 'date' || c.type === 'datetime') {
        if (['specificDate', 'before', 'after'].includes(c.op)) need(c.date !== undefined, 'date', msg('Choose a date.', '請選擇日期。'));
        if (['nthPastDay', 'nthFutureDay', 'withinNextDays', 'afterDays', 'withinLastDays'].includes(c.op))
          need(c.n !== undefined, 'n', msg('Enter the number of days.', '請輸入天數。'));
        if (c.op === 'specificMonth') need(c.month !== undefined, 'month', msg('Choose a month.', '請選擇月份。'));
      }
      break;
    }
    case 'profile':
      if (c.op === 'equals' || c.op === 'contains') need(!!c.value, 'value', msg('Enter the value to compare with.', '請輸入要比較的值。'));
      break;
    case 'points':
      if (!['isSet', 'isNotSet'].includes(c.op)) need(c.value !== undefined, 'value', msg('Enter the number of points.', '請輸入點數。'));
      if (c.op === 'between') need(c.value2 !== undefined, 'value2', msg('Enter the upper bound.', '請輸入上限。'));
      break;
    case 'subscription':
      if (c.field === 'status') need(c.status !== undefined, 'status', msg('Choose a subscription status.', '請選擇訂閱狀態。'));
      else need(c.value !== undefined, 'value', msg('Choose yes or no.', '請選擇是或否。'));
      break;
    case 'time':
      if (c.op === 'between') need(!!c.from && !!c.to, 'from', msg('Choose the start and end of the range.', '請選擇起訖時間。'));
      if (c.op === 'before' || c.op === 'after') need(!!c.from, 'from', msg('Choose a time.', '請選擇時間。'));
      if (c.op === 'withinLastDays') need(c.n !== undefined, 'n', msg('Enter the number of days.', '請輸入天數。'));
      break;
    case 'journey':
      if (c.op === 'reachedNode') need(!!c.nodeId, 'nodeId', msg('Choose the node.', '請選擇節點。'));
      break;
    default:
      break;
  }
  return issues;
}

/** Issues in a condition group, with paths relative to `path`. An empty group is an error (it would match everyone). */
export function checkConditionGroup(group: ConditionGroup, path: (string | number)[], attributes?: readonly AttributeDefinition[]): NodeIssue[] {
  if (group.items.length === 0) {
    return [{ path: [...path, 'items'], code: 'empty_condition', message: msg('Add at least one condition.', '請至少加入一個條件。') }];
  }
  return group.items.flatMap((item, i) =>
    isConditionGroup(item) ? checkConditionGroup(item, [...path, 'items', i], attributes) : checkCondition(item, [...path, 'items', i], attributes),
  );
}
