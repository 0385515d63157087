import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';
import { duplicateIssues } from '../shared/ops-checks.ts';
import { stepTagSource } from '../shared/run-helpers.ts';

// §4.1.24 Live-agent handoff module and §4.2.14 handoff / assign node (§1.10 contract). Offline members are
// never auto-assigned. In a chatbot the module holds no other card (P4) and ends the bot session; its only
// output is the optional fallback module for when nobody is online (otherwise the conversation stays
// pending-human). In a journey the run continues on `assigned` or `noAgent`.

const AssignTo = z.discriminatedUnion('kind', [
  // No automatic assignment: the conversation waits as pending-human for any agent to follow it.
  z.object({ kind: z.literal('pending') }),
  z.object({
    kind: z.literal('members'),
    memberIds: field(z.array(z.string().min(1).max(100)).max(200).default([]), t('Team members', '團隊成員'), { widget: 'select' }),
  }),
  z.object({ kind: z.literal('role'), role: field(z.enum(['cs', 'sales']).default('cs'), t('Role', '角色'), { widget: 'select' }) }),
]);

const Config = z.object({
  assignTo: field(AssignTo.default({ kind: 'pending' }), t('Assign to', '指派給')),
  order: field(z.enum(['random', 'sequential']).default('random'), t('Assignment order', '指派順序'), { widget: 'select' }),
  tag: field(z.string().max(200).default(''), t('Tag the contact', '為顧客貼標'), { widget: 'text' }),
  note: field(z.string().max(5000).default(''), t('Note for the agent', '給客服的備註'), { widget: 'textarea' }),
});

const NO_AGENT: PortSpec = { id: 'noAgent', label: t('Nobody online', '無人在線'), role: 'failure' };

export const handoffAction = defineNode({
  type: 'action.handoff',
  version: 1,
  category: 'action',
  flowKinds: ['chatbot', 'journey'],
  channels: 'any',
  label: t('Live agent', '真人客服'),
  description: t(
    'Hands the conversation to a person: it becomes pending-human, or is assigned to online members of a list or role. In a chatbot this ends the bot session.',
    '將對話轉給真人客服:對話變為待處理-真人客服,或指派給名單或角色中在線的成員。在聊天機器人中會結束機器人對話。',
  ),
  icon: 'headset',
  config: Config,
  defaultConfig: { assignTo: { kind: 'pending' }, order: 'random', tag: '', note: '' },
  examples: [
    { name: 'to the customer-service team', config: { assignTo: { kind: 'role', role: 'cs' }, order: 'sequential', tag: 'needs_human', note: '' } },
    {
      name: 'to named members',
      config: {
        assignTo: { kind: 'members', memberIds: ['mem_amy', 'mem_ben'] },
        order: 'random',
        tag: 'vip_handoff',
        note: 'VIP {{system:customer_name}} asked for a call back about order {{trigger:order_id|"(none)"}}.',
      },
    },
    { name: 'pending for anyone', config: { assignTo: { kind: 'pending' } } },
  ],
  ports: (_config, { flowKind }) => (flowKind === 'chatbot' ? [NO_AGENT] : [{ id: 'assigned', label: t('Assigned', '已指派'), role: 'next' }, NO_AGENT]),
  limits: [
    { path: 'assignTo.memberIds', measure: 'items', min: 1, max: 50, field: t('Team members', '團隊成員'), source: '§4.1.24 (ours: at most 50)' },
    { path: 'tag', measure: 'chars', max: 100, field: t('Tag the contact', '為顧客貼標'), source: '§1.4 tag name (ours: 100)' },
    { path: 'note', measure: 'chars', max: 500, field: t('Note for the agent', '給客服的備註'), source: '§4.1.24 (ours)' },
  ],
  placeholders: ['note'],
  check: (config) => {
    const issues: NodeIssue[] = [];
    if (config.assignTo.kind === 'members') {
      issues.push(
        ...duplicateIssues(
          config.assignTo.memberIds,
          (i) => ['assignTo', 'memberIds', i],
          'duplicate_member',
          t('This member is listed twice.', '此成員重複列出。'),
          true,
        ),
      );
    }
    return issues;
  },
  // P4: the live-agent module allows no other cards.
  placement: { alone: true },
  run: async (ctx) => {
    const { assignTo, order, tag } = ctx.config;
    if (tag) await ctx.tags.apply([tag], stepTagSource(ctx));
    const result = await ctx.conversation.handOff({ assignTo, order, note: ctx.render(ctx.config.note) });
    const pendingForAnyone = assignTo.kind === 'pending';
    if (ctx.flow.kind === 'chatbot') {
      // §2.1: the live-agent module ends the bot session; nobody online routes to the fallback module.
      if (result.assigned || pendingForAnyone)
        return { kind: 'end', status: 'completed', reason: 'handoff', explanation: 'Handed off to a person; the bot session ends' };
      return { kind: 'next', port: 'noAgent', explanation: 'Nobody online to take the conversation' };
    }
    if (result.assigned || pendingForAnyone)
      return { kind: 'next', port: 'assigned', explanation: pendingForAnyone ? 'Pending for any agent' : 'Assigned to an agent' };
    return { kind: 'next', port: 'noAgent', explanation: 'Nobody online to take the conversation' };
  },
  needs: ['conversation'],
});
