import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';

// §4.2.17 Exit (ours): an explicit end of the journey. A node with no outgoing edge also ends the run; an
// explicit exit records its reason in the run log and the journey report.

const Config = z.object({
  reason: field(z.string().max(300).default(''), t('Reason', '結束原因'), { help: t('Shown in run logs and reports.', '會顯示在執行紀錄與報表中。') }),
});

export const exitNode = defineNode({
  type: 'flow.exit',
  version: 1,
  category: 'flow',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Exit', '結束'),
  description: t('Ends the journey for the contact.', '結束此顧客的旅程。'),
  icon: 'log-out',
  config: Config,
  defaultConfig: { reason: '' },
  examples: [
    { name: 'not interested', config: { reason: 'Declined the offer' } },
    { name: 'plain exit', config: { reason: '' } },
  ],
  ports: () => [],
  limits: [{ path: 'reason', measure: 'chars', max: 100, field: t('Reason', '結束原因'), source: '§4.2.17 (ours)' }],
  terminal: true,
  // An explicit exit is the journey's designed end: the run completes with the exit's reason. `exited` is
  // kept for journey-level exit conditions, which take a contact out early.
  run: async (ctx) => ({
    kind: 'end',
    status: 'completed',
    reason: ctx.config.reason || 'exit',
    explanation: `Exit${ctx.config.reason ? `: ${ctx.config.reason}` : ''}`,
  }),
  needs: [],
});
