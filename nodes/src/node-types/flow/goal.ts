import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';

// §4.2.16 Goal (ours) as a node: reaching it ends the run as goal_reached and counts a conversion. Goals
// checked continuously (a condition or event that pulls the run here from anywhere) are journey settings.

const Config = z.object({
  label: field(z.string().max(300).default(''), t('Goal name', '目標名稱')),
  note: field(z.string().max(5000).default(''), t('Note', '備註'), { widget: 'textarea' }),
});

export const goalNode = defineNode({
  type: 'flow.goal',
  version: 1,
  category: 'flow',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Goal', '目標'),
  description: t('Ends the journey for the contact as a conversion (goal reached).', '顧客抵達此處即達成目標,計為一次轉換並結束旅程。'),
  icon: 'flag',
  config: Config,
  defaultConfig: { label: '', note: '' },
  examples: [{ name: 'purchased', config: { label: 'Purchased', note: 'Counted when the order tag arrives within the attribution window.' } }],
  ports: () => [],
  limits: [
    { path: 'label', measure: 'chars', min: 1, max: 100, field: t('Goal name', '目標名稱'), source: '§4.2.16 (ours, as journey goals)' },
    { path: 'note', measure: 'chars', max: 500, field: t('Note', '備註'), source: '§4.2.16 (ours)' },
  ],
  terminal: true,
  run: async (ctx) => ({ kind: 'end', status: 'goal_reached', reason: ctx.config.label, explanation: `Goal reached: ${ctx.config.label}` }),
  needs: [],
});
