import { AttributeCondition, t } from '@omniflow/schemas';
import { z } from 'zod';
import { checkConditionGroup } from '../../conditions.ts';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §3.5 Custom attribute changed (自訂屬性異動). Fires on every value change (writing the same value
// again is not a change), optionally only when the new value meets a typed §4.3 condition. Date
// operators that depend on "now" (today, N-th day, within N days, month…) cannot wait for a write: a
// daily evaluator at 00:05 team time emits `attribute.date_condition_met` once per customer per
// journey per day (dedupe journeyId:customerId:yyyy-mm-dd), hence the second event type.

const ATTRIBUTE_SOURCES = ['manual', 'import', 'api', 'bot', 'journey', 'integration'] as const;
const KEY = /^[A-Za-z0-9_]+$/;

/** Date operators whose truth moves with "now"; specificMonth only when relative (this / last / next month). */
const RELATIVE_DATE_OPS = ['today', 'nthPastDay', 'nthFutureDay', 'withinNextDays', 'afterDays', 'withinLastDays'];

/** Whether the daily evaluator must re-check this condition (its truth changes without any write). */
export function needsDailyEvaluation(condition: AttributeCondition | undefined): boolean {
  if (!condition || (condition.type !== 'date' && condition.type !== 'datetime')) return false;
  return RELATIVE_DATE_OPS.includes(condition.op) || (condition.op === 'specificMonth' && typeof condition.month === 'string');
}

const Config = z.object({
  attributeKey: field(z.string().max(200).default(''), t('Custom attribute', '自訂屬性'), { widget: 'attribute' }),
  condition: field(AttributeCondition.optional(), t('Only when the new value', '僅在新值符合時'), { widget: 'condition' }),
  sources: field(z.array(z.enum(ATTRIBUTE_SOURCES)).max(6).default([]), t('Only from sources', '僅限來源'), {
    widget: 'select',
    help: t('Leave empty for every source.', '留空代表所有來源。'),
  }),
  excludeSameFlow: field(z.boolean().default(true), t("Ignore this journey's own changes", '忽略此旅程自己做的變更'), { widget: 'toggle' }),
});

export const attributeChangedTrigger = defineTrigger({
  type: 'trigger.attribute_changed',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Custom attribute changed', '自訂屬性異動'),
  description: t(
    'Starts when a custom attribute gets a new value, optionally only when the new value meets a condition. Date conditions such as "today" or "within the next N days" are checked every day at 00:05 in the team time zone.',
    '當自訂屬性的值變更時開始,可限定新值符合條件。「當天」、「未來 N 天以內」等日期條件會在每天團隊時區 00:05 檢查。',
  ),
  icon: 'pencil-line',
  config: Config,
  defaultConfig: { attributeKey: '' },
  examples: [
    { name: 'any change of tier', config: { attributeKey: 'member_tier', sources: ['import', 'integration'] } },
    {
      name: 'became gold',
      config: { attributeKey: 'member_tier', condition: { criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'gold' } },
    },
    {
      name: 'birthday month',
      config: { attributeKey: 'birthday', condition: { criterion: 'attribute', key: 'birthday', type: 'date', op: 'specificMonth', month: 'this' } },
    },
  ],
  limits: [
    { path: 'attributeKey', measure: 'chars', min: 1, field: t('Custom attribute', '自訂屬性'), source: '§3.5' },
    { path: 'attributeKey', measure: 'chars', max: 64, field: t('Custom attribute', '自訂屬性'), source: '§1.5 attribute key (ours: 64)' },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = [];
    const key = config.attributeKey;
    if (key !== '' && !KEY.test(key)) {
      issues.push({
        path: ['attributeKey'],
        code: 'invalid_attribute_key',
        message: t('Attribute keys use letters, digits and "_" only, with no spaces.', '屬性鍵只能使用英文字母、數字與「_」,不可有空白。'),
      });
    } else if (key !== '' && ctx.attributes) {
      const def = ctx.attributes.find((a) => a.key === key);
      if (!def) {
        issues.push({ path: ['attributeKey'], code: 'unknown_attribute', message: t(`There is no custom attribute "${key}".`, `自訂屬性「${key}」不存在。`) });
      } else if (def.status === 'archived') {
        issues.push({
          path: ['attributeKey'],
          code: 'archived_attribute',
          severity: 'warning',
          message: t(
            `"${key}" is archived: it can no longer get new values, so this trigger will not fire.`,
            `「${key}」已封存,無法再寫入新值,此觸發條件不會觸發。`,
          ),
        });
      }
    }
    const c = config.condition;
    if (c) {
      if (c.key !== key) {
        issues.push({
          path: ['condition', 'key'],
          code: 'condition_key_mismatch',
          message: t(`The condition must test "${key || 'the chosen attribute'}", not "${c.key}".`, `條件必須判斷「${key || '所選屬性'}」,而非「${c.key}」。`),
        });
      }
      // Reuse the §4.3 checks (operands, attribute type); a missing attribute is reported on attributeKey above.
      for (const issue of checkConditionGroup({ op: 'and', items: [c] }, [], ctx.attributes)) {
        if (issue.code === 'unknown_attribute') continue;
        issues.push({ ...issue, path: ['condition', ...issue.path.slice(2)] });
      }
    }
    return issues;
  },
  events: ['attribute.changed', 'attribute.date_condition_met'],
  needs: [],
});
