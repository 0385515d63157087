import { ConditionGroup, t } from '@omniflow/schemas';
import { z } from 'zod';
import { checkConditionGroup } from '../../conditions.ts';
import { evaluateCondition } from '../../conditions-eval.ts';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import { duplicateIssues } from '../shared/ops-checks.ts';

// §4.2.3 Journey segment split: ordered branches, the first whose condition matches wins, everyone else
// takes "else". Evaluated on live profile data in the team time zone. Branch count and label length are ours.

const Branch = z.object({
  id: ItemId,
  label: field(z.string().max(200), t('Branch name', '分支名稱')),
  condition: field(ConditionGroup.default({ op: 'and', items: [] }), t('Condition', '條件'), { widget: 'condition' }),
});

const Config = z.object({
  branches: field(z.array(Branch).max(50).default([]), t('Branches', '分支'), { widget: 'list' }),
  elseLabel: field(z.string().max(200).default(''), t('Name of the "else" branch', '「其他」分支名稱')),
});

const ELSE_LABEL = t('Everyone else', '其他');

export const segmentSplit = defineNode({
  type: 'logic.split',
  version: 1,
  category: 'logic',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Segment split', '分眾節點'),
  description: t(
    'Sends each contact down the first branch whose condition matches, checked in order on live data; everyone else takes "else".',
    '依序判斷各分支條件(使用即時資料),顧客走第一個符合的分支;都不符合的顧客走「其他」。',
  ),
  icon: 'git-branch',
  config: Config,
  defaultConfig: { branches: [{ id: 'branch1', label: '', condition: { op: 'and', items: [] } }], elseLabel: '' },
  examples: [
    {
      name: 'by tier and activity',
      config: {
        branches: [
          {
            id: 'vip',
            label: 'VIP',
            condition: {
              op: 'or',
              items: [
                { criterion: 'tag', op: 'hasAny', tags: ['vip'] },
                { criterion: 'points', field: 'lifetime', op: 'gte', value: 5000 },
              ],
            },
          },
          {
            id: 'active',
            label: 'Active in 30 days',
            condition: { op: 'and', items: [{ criterion: 'time', field: 'customerLastInteractionAt', op: 'withinLastDays', n: 30 }] },
          },
        ],
        elseLabel: 'Dormant',
      },
    },
    {
      name: 'by channel',
      config: {
        branches: [{ id: 'line', label: 'LINE friends', condition: { op: 'and', items: [{ criterion: 'channel', channels: ['line'] }] } }],
      },
    },
  ],
  ports: (config) => [
    ...config.branches.map((b): PortSpec => ({ id: `branch:${b.id}`, label: { en: b.label, 'zh-Hant': b.label }, role: 'branch' })),
    { id: 'else', label: config.elseLabel ? { en: config.elseLabel, 'zh-Hant': config.elseLabel } : ELSE_LABEL, role: 'branch' },
  ],
  limits: [
    { path: 'branches', measure: 'items', min: 1, max: 20, field: t('Branches', '分支'), source: '§4.2.3 (ours: 1–20)' },
    { path: 'branches[].label', measure: 'chars', min: 1, max: 40, field: t('Branch name', '分支名稱'), source: '§4.2.3 (ours)' },
    { path: 'elseLabel', measure: 'chars', max: 40, field: t('Name of the "else" branch', '「其他」分支名稱'), source: '§4.2.3 (ours)' },
  ],
  check: (config, ctx) => {
    const issues: NodeIssue[] = config.branches.flatMap((b, i) => checkConditionGroup(b.condition, ['branches', i, 'condition'], ctx.attributes));
    issues.push(
      ...duplicateIssues(
        config.branches.map((b) => b.id),
        (i) => ['branches', i, 'id'],
        'duplicate_id',
        t('Two branches have the same id.', '有兩個分支的識別碼相同。'),
      ),
      ...duplicateIssues(
        config.branches.map((b) => b.label),
        (i) => ['branches', i, 'label'],
        'duplicate_label',
        t('Two branches have the same name.', '有兩個分支名稱相同。'),
      ),
    );
    // First match wins: a branch whose condition repeats an earlier one can never be taken.
    const seen = config.branches.map((b) => JSON.stringify(b.condition));
    seen.forEach((c, i) => {
      const first = seen.indexOf(c);
      if (first !== i && config.branches[i]?.condition.items.length) {
        issues.push({
          path: ['branches', i, 'condition'],
          severity: 'warning',
          code: 'unreachable_branch',
          message: t(
            `This branch repeats the condition of branch ${first + 1}, which is checked first, so no contact will take it.`,
            `此分支與第 ${first + 1} 個分支條件相同,而前者先判斷,因此不會有顧客走這個分支。`,
          ),
        });
      }
    });
    return issues;
  },
  run: async (ctx) => {
    const options = { now: ctx.now(), timeZone: ctx.flow.timeZone, channel: ctx.run.channel };
    const tried: string[] = [];
    for (const branch of ctx.config.branches) {
      const result = evaluateCondition(branch.condition, ctx.contact, options);
      if (result.match)
        return { kind: 'next', port: `branch:${branch.id}`, explanation: `${[...tried, `"${branch.label}": ✓ ${result.explanation}`].join(' | ')}` };
      tried.push(`"${branch.label}": ✗ ${result.explanation}`);
    }
    return { kind: 'next', port: 'else', explanation: `${[...tried, 'else'].join(' | ')}` };
  },
  needs: ['contacts'],
});
