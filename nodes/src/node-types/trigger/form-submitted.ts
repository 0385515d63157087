import { TEXT_OPERATORS, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §3.14 WA Flow completion (webhook whatsapp_flow/flow_create), ours also as the journey trigger "form
// submitted" (§4.1.16 outputs). In a WhatsApp bot it opens the linked module after the form is sent.
// Field filters compare the submitted answers as text and must all pass. Whether the Flow is sendable
// (draft / published / restricted) is an asset check at publish time, not a config rule.

const FieldFilter = z.object({
  field: field(z.string().max(200), t('Form field', '表單欄位'), { widget: 'text' }),
  op: field(z.enum(TEXT_OPERATORS).default('equals'), t('Operator', '運算子'), { widget: 'select' }),
  value: field(z.string().max(1000).default(''), t('Value', '值'), { widget: 'text' }),
});

const Config = z.object({
  flowId: field(z.string().max(64).default(''), t('WhatsApp Flow', 'WhatsApp Flow'), { widget: 'select' }),
  filters: field(z.array(FieldFilter).max(200).default([]), t('Only when the answers', '僅在回覆符合時'), {
    widget: 'list',
    help: t('All filters must match. Leave empty for every submission.', '須符合所有條件。留空代表每次提交。'),
  }),
});

/** WA Flow component names (the answer keys in the webhook payload). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NO_VALUE_OPS = ['isSet', 'isNotSet'];

export const formSubmittedTrigger = defineTrigger({
  type: 'trigger.form_submitted',
  version: 1,
  flowKinds: ['journey', 'chatbot'],
  channels: ['whatsapp'],
  botScopes: ['whatsapp'],
  label: t('WhatsApp Flow submitted', 'WhatsApp Flow 表單提交'),
  description: t(
    'Starts when a customer completes a WhatsApp Flow form, optionally only when some answers match.',
    '當顧客完成 WhatsApp Flow 表單時開始,可限定部分回覆需符合條件。',
  ),
  icon: 'clipboard-check',
  config: Config,
  defaultConfig: { flowId: '', filters: [] },
  examples: [
    { name: 'any sign-up', config: { flowId: '1234567890123456', filters: [] } },
    {
      name: 'booking for the Taipei store',
      config: {
        flowId: '9876543210987654',
        filters: [
          { field: 'store', op: 'equals', value: 'taipei_101' },
          { field: 'email', op: 'isSet' },
        ],
      },
    },
  ],
  limits: [
    { path: 'flowId', measure: 'chars', min: 1, field: t('WhatsApp Flow', 'WhatsApp Flow'), source: '§3.14' },
    { path: 'filters', measure: 'items', max: 10, field: t('Only when the answers', '僅在回覆符合時'), source: '§3.14 (ours: 10)' },
    { path: 'filters[].field', measure: 'chars', min: 1, field: t('Form field', '表單欄位'), source: '§3.14' },
    { path: 'filters[].field', measure: 'chars', max: 80, field: t('Form field', '表單欄位'), source: '§3.14 (ours: 80)' },
  ],
  check: (config) => {
    const issues: NodeIssue[] = [];
    config.filters.forEach((f, i) => {
      if (f.field !== '' && !FIELD_NAME.test(f.field)) {
        issues.push({
          path: ['filters', i, 'field'],
          code: 'invalid_field_name',
          message: t('Use the field’s name in the Flow (letters, digits and "_").', '請使用 Flow 中的欄位名稱(英文字母、數字與「_」)。'),
        });
      }
      if (!NO_VALUE_OPS.includes(f.op) && f.value === '') {
        issues.push({ path: ['filters', i, 'value'], code: 'incomplete_condition', message: t('Enter the value to compare with.', '請輸入要比較的值。') });
      }
      if (NO_VALUE_OPS.includes(f.op) && f.value !== '') {
        issues.push({
          path: ['filters', i, 'value'],
          code: 'value_ignored',
          severity: 'warning',
          message: t('This operator does not use a value.', '此運算子不會使用比較值。'),
        });
      }
    });
    return issues;
  },
  events: ['form.submitted'],
  needs: [],
});
