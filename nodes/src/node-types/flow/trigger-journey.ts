import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';
import { duplicateIssues, runVarNameIssues } from '../shared/ops-checks.ts';

// §4.2.13 Trigger journey (ours). The target must be a journey with the system-function trigger (§3.12);
// the passed variables arrive as its trigger payload's `vars`. The target's re-entry policy or trigger cap
// may refuse the contact, which takes `rejected`. Journeys only: chatbots start journeys through tags and
// attributes (the canonical pattern of §4.2.8), and §4.0 has no such card.

const Variable = z.object({
  name: field(z.string().max(200), t('Variable', '變數')),
  value: field(z.string(), t('Value', '值'), { widget: 'template' }),
});

const Config = z.object({
  journeyId: field(z.string().max(100).default(''), t('Journey', '旅程'), {
    widget: 'select',
    help: t('Only journeys started by "system function" can be chosen.', '僅能選擇觸發條件為「系統功能觸發」的旅程。'),
  }),
  variables: field(z.array(Variable).max(100).default([]), t('Pass variables', '傳遞變數'), { widget: 'list' }),
});

export const triggerJourneyNode = defineNode({
  type: 'flow.trigger_journey',
  version: 1,
  category: 'flow',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Trigger journey', '觸發旅程'),
  description: t(
    'Starts another journey (one with the system-function trigger) for this contact, optionally passing variables.',
    '為此顧客啟動另一個旅程(觸發條件需為系統功能觸發),可傳遞變數。',
  ),
  icon: 'route',
  config: Config,
  defaultConfig: { journeyId: '', variables: [] },
  examples: [
    { name: 'start onboarding', config: { journeyId: 'jrn_onboarding', variables: [] } },
    {
      name: 'start follow-up with order details',
      config: {
        journeyId: 'jrn_post_purchase',
        variables: [
          { name: 'order_id', value: '{{trigger:order_id}}' },
          { name: 'points', value: '{{run:points|"0"}}' },
        ],
      },
    },
  ],
  ports: () => [
    { id: 'entered', label: t('Entered', '已進入'), role: 'next' },
    { id: 'rejected', label: t('Not entered', '未進入'), role: 'failure' },
  ],
  limits: [
    { path: 'journeyId', measure: 'chars', min: 1, max: 64, field: t('Journey', '旅程'), source: '§4.2.13' },
    { path: 'variables', measure: 'items', max: 20, field: t('Pass variables', '傳遞變數'), source: '§4.2.13 (ours)' },
    { path: 'variables[].name', measure: 'chars', min: 1, max: 64, field: t('Variable', '變數'), source: '§4.2.13 (ours)' },
    { path: 'variables[].value', measure: 'chars', max: 1000, field: t('Value', '值'), source: '§4.2.13 (ours)' },
  ],
  placeholders: ['variables[].value'],
  check: (config) => [
    ...config.variables.flatMap((v, i) => runVarNameIssues(v.name, ['variables', i, 'name'])),
    ...duplicateIssues(
      config.variables.map((v) => v.name),
      (i) => ['variables', i, 'name'],
      'duplicate_variable',
      t('This variable is passed twice.', '此變數重複傳遞。'),
    ),
  ],
  run: async (ctx) => {
    const vars: Record<string, string> = {};
    for (const v of ctx.config.variables) vars[v.name] = ctx.render(v.value);
    const result = await ctx.journeys.enter(ctx.config.journeyId, vars);
    if (result.entered) return { kind: 'next', port: 'entered', explanation: `Entered journey ${ctx.config.journeyId}` };
    return { kind: 'next', port: 'rejected', explanation: `Journey ${ctx.config.journeyId} refused the contact: ${result.reason ?? 'unknown'}` };
  },
  needs: ['journeys'],
});
