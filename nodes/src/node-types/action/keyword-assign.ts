import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';

// §4.1.20 Keyword auto-assign card, WhatsApp bots only (P8): assigns the conversation with the rule of a
// keyword-auto-assign group (§3.2), e.g. to a sales role, and fires the OMO Sales API webhook. It only
// assigns, so the module's other cards still go out and it has no outputs. It cannot be a saved reply.

const REF = /^[A-Za-z0-9_-]+$/;

const Config = z.object({
  groupId: field(z.string().max(100).default(''), t('Auto-assign group', '自動指派群組'), { widget: 'select' }),
  conditionId: field(z.string().max(100).default(''), t('Assignment rule', '指派條件'), { widget: 'select' }),
});

export const keywordAssignAction = defineNode({
  type: 'action.keyword_assign',
  version: 1,
  category: 'action',
  flowKinds: ['chatbot'],
  channels: ['whatsapp'],
  botScopes: ['whatsapp'],
  label: t('Keyword auto-assign', '關鍵字自動指派'),
  description: t(
    'Assigns the conversation with a rule of a keyword auto-assign group, e.g. to a salesperson, and notifies the OMO Sales API.',
    '依關鍵字自動指派群組的條件指派對話(例如指派給銷售人員),並通知 OMO Sales API。',
  ),
  icon: 'user-check',
  config: Config,
  defaultConfig: { groupId: '', conditionId: '' },
  examples: [{ name: 'assign to the store sales team', config: { groupId: 'grp_store_sales', conditionId: 'cond_taipei_101' } }],
  ports: () => [],
  limits: [
    { path: 'groupId', measure: 'chars', min: 1, max: 64, field: t('Auto-assign group', '自動指派群組'), source: '§4.1.20' },
    { path: 'conditionId', measure: 'chars', min: 1, max: 64, field: t('Assignment rule', '指派條件'), source: '§4.1.20' },
  ],
  check: (config) => {
    const issues: NodeIssue[] = [];
    for (const key of ['groupId', 'conditionId'] as const) {
      if (config[key] !== '' && !REF.test(config[key])) {
        issues.push({
          path: [key],
          code: 'invalid_reference',
          message: t('Choose the group and rule from the list.', '請從清單中選擇群組與條件。'),
        });
      }
    }
    return issues;
  },
  // Asks the conversation service to assign by the group's rule (it also notifies the OMO Sales API); the
  // module's other cards go out either way, so an unassigned conversation only shows in the explanation.
  run: async (ctx): Promise<NodeOutcome> => {
    const { groupId, conditionId } = ctx.config;
    const { assigned } = await ctx.conversation.handOff({ kind: 'keyword_assign', groupId, conditionId });
    return { kind: 'next', port: 'next', explanation: assigned ? `Assigned by ${groupId}/${conditionId}` : `No one to assign by ${groupId}/${conditionId}` };
  },
  needs: ['conversation'],
});
