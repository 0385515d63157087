import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { attributeRefIssues, attributeTypeName, isNumberLiteral, isTemplated, literalFitsType, TYPE_FORMAT } from '../shared/ops-checks.ts';

// §4.2.6 Change custom attribute. The seed allows text attributes only; we allow every type with typed
// validation (ours), plus clear, increment (numbers) and now (dates). A value that does not fit the type
// at run time is not saved (§1.5) and the run takes `invalid`.

const Config = z.object({
  attributeKey: field(
    z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9_]*$/, 'Attribute keys use letters, digits and "_" only, with no spaces')
      .default(''),
    t('Custom attribute', '自訂屬性'),
    { widget: 'attribute' },
  ),
  op: field(z.enum(['set', 'clear', 'increment', 'now']).default('set'), t('Change', '變更方式'), { widget: 'select' }),
  value: field(z.string().default(''), t('Value', '值'), {
    widget: 'template',
    help: t('For "increment", the amount to add (negative to subtract).', '選擇「增加」時,填入要增加的數值(負數表示減少)。'),
  }),
});

const FIELD_VALUE = t('Value', '值');

export const setAttributeAction = defineNode({
  type: 'action.set_attribute',
  version: 1,
  category: 'action',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Change custom attribute', '變更自訂屬性'),
  description: t(
    'Sets, clears or increments a custom attribute, or stamps it with the current time. A value in the wrong format is not saved and the contact takes "invalid".',
    '設定、清除或增加自訂屬性的值,或寫入目前時間。格式不符的值不會被儲存,顧客會走「格式錯誤」。',
  ),
  icon: 'user-pen',
  config: Config,
  defaultConfig: { attributeKey: '', op: 'set', value: '' },
  examples: [
    { name: 'set from the trigger', config: { attributeKey: 'last_campaign', op: 'set', value: '{{trigger:campaign|"spring_sale"}}' } },
    { name: 'set a literal', config: { attributeKey: 'member_tier', op: 'set', value: 'gold' } },
    { name: 'count visits', config: { attributeKey: 'visit_count', op: 'increment', value: '1' } },
    { name: 'stamp the time', config: { attributeKey: 'last_engaged_at', op: 'now', value: '' } },
    { name: 'clear', config: { attributeKey: 'cart_total', op: 'clear', value: '' } },
  ],
  ports: () => [NEXT_PORT, { id: 'invalid', label: t('Invalid value', '格式錯誤'), role: 'failure' }],
  limits: [
    { path: 'attributeKey', measure: 'chars', min: 1, max: 64, field: t('Custom attribute', '自訂屬性'), source: '§1.5' },
    { path: 'value', measure: 'chars', min: 1, when: (c) => c.op === 'set' || c.op === 'increment', field: FIELD_VALUE, source: '§4.2.6' },
    { path: 'value', measure: 'chars', max: 1000, field: FIELD_VALUE, source: '§4.2.6 (ours)' },
  ],
  placeholders: ['value'],
  check: (config, ctx) => {
    const issues: NodeIssue[] = attributeRefIssues(config.attributeKey, ctx.attributes, ['attributeKey'], { write: true });
    const def = ctx.attributes?.find((a) => a.key === config.attributeKey);
    const value = config.value.trim();
    const literal = value !== '' && !isTemplated(value);

    if (config.op === 'clear' || config.op === 'now') {
      if (value !== '') {
        issues.push({
          path: ['op'],
          severity: 'warning',
          code: 'value_ignored',
          message: t(`The value is not used when the change is "${config.op}".`, `變更方式為「${config.op}」時不會使用此值。`),
        });
      }
    }
    if (config.op === 'increment') {
      if (def && def.type !== 'number') {
        issues.push({
          path: ['op'],
          code: 'op_type_mismatch',
          message: t(
            `Only number attributes can be incremented; "${def.key}" is ${attributeTypeName(def.type).en}.`,
            `只有數字屬性可以增加;「${def.key}」是${attributeTypeName(def.type)['zh-Hant']}屬性。`,
          ),
        });
      }
      if (literal && !isNumberLiteral(value)) {
        issues.push({ path: ['value'], code: 'invalid_value', message: t('Enter the number to add, e.g. 1 or -5.', '請輸入要增加的數字,例如 1 或 -5。') });
      }
    }
    if (config.op === 'now' && def && def.type !== 'date' && def.type !== 'datetime') {
      issues.push({
        path: ['op'],
        code: 'op_type_mismatch',
        message: t(
          `Only date attributes can be set to the current time; "${def.key}" is ${attributeTypeName(def.type).en}.`,
          `只有日期屬性可以寫入目前時間;「${def.key}」是${attributeTypeName(def.type)['zh-Hant']}屬性。`,
        ),
      });
    }
    if (config.op === 'set' && def && literal && !literalFitsType(value, def.type)) {
      issues.push({
        path: ['value'],
        code: 'invalid_value',
        message: t(
          `"${def.key}" is a ${attributeTypeName(def.type).en} attribute: enter ${TYPE_FORMAT[def.type].en}.`,
          `「${def.key}」是${attributeTypeName(def.type)['zh-Hant']}屬性,請輸入${TYPE_FORMAT[def.type]['zh-Hant']}。`,
        ),
      });
    }
    return issues;
  },
  run: async (ctx) => {
    const { attributeKey: key, op } = ctx.config;
    let value: string | number | null;
    if (op === 'clear') value = null;
    else if (op === 'now') value = ctx.now().toISOString();
    else if (op === 'increment') {
      const by = Number(ctx.render(ctx.config.value).trim());
      const current = ctx.contact.attributes[key];
      const base = current === undefined || current === null || current === '' ? 0 : Number(current);
      if (!Number.isFinite(by) || !Number.isFinite(base)) {
        return { kind: 'next', port: 'invalid', explanation: `Cannot increment "${key}" (${String(current)}) by "${ctx.config.value}"` };
      }
      value = base + by;
    } else value = ctx.render(ctx.config.value);
    const result = await ctx.attributes.set(key, value);
    if (result !== 'ok') return { kind: 'next', port: 'invalid', explanation: `"${key}" not saved: ${result}` };
    return { kind: 'next', port: 'next', explanation: `${key} = ${value === null ? '(cleared)' : JSON.stringify(value)}` };
  },
  needs: ['attributes'],
  requiredFeatures: ['custom_attributes'],
});
