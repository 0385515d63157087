import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type NodeIssue, type PortSpec } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import { duplicateIssues } from '../shared/ops-checks.ts';
import { fnv1a } from '../shared/run-helpers.ts';

// §4.2.12 Random split / A/B (ours). Weights are whole percentages that add up to exactly 100; with
// `sticky` the variant comes from a hash of customerId + nodeId, so a re-entering contact sees the same one.

const Variant = z.object({
  id: ItemId,
  label: field(z.string().max(200), t('Variant name', '組別名稱')),
  weight: field(z.number().int(), t('Share (%)', '比例(%)'), { widget: 'number' }),
});

const Config = z.object({
  variants: field(z.array(Variant).max(50), t('Variants', '組別'), { widget: 'list' }),
  sticky: field(z.boolean().default(true), t('Same contact, same variant', '同一顧客固定同一組'), { widget: 'toggle' }),
});

export const randomSplit = defineNode({
  type: 'logic.random_split',
  version: 1,
  category: 'logic',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Random split', '隨機分流'),
  description: t(
    'Splits contacts at random by percentage, e.g. for an A/B test. Reports show results per variant.',
    '依比例隨機分配顧客,例如進行 A/B 測試。報表會依組別顯示成效。',
  ),
  icon: 'shuffle',
  config: Config,
  defaultConfig: {
    variants: [
      { id: 'a', label: 'A', weight: 50 },
      { id: 'b', label: 'B', weight: 50 },
    ],
    sticky: true,
  },
  examples: [
    {
      name: 'A/B test',
      config: {
        variants: [
          { id: 'a', label: 'Coupon', weight: 50 },
          { id: 'b', label: 'No coupon', weight: 50 },
        ],
        sticky: true,
      },
    },
    {
      name: 'holdout group',
      config: {
        variants: [
          { id: 'email', label: 'Message A', weight: 45 },
          { id: 'line', label: 'Message B', weight: 45 },
          { id: 'holdout', label: 'Holdout', weight: 10 },
        ],
        sticky: false,
      },
    },
  ],
  ports: (config) =>
    config.variants.map(
      (v): PortSpec => ({ id: `variant:${v.id}`, label: { en: `${v.label} (${v.weight}%)`, 'zh-Hant': `${v.label}(${v.weight}%)` }, role: 'branch' }),
    ),
  limits: [
    { path: 'variants', measure: 'items', min: 2, max: 10, field: t('Variants', '組別'), source: '§4.2.12 (ours: 2–10)' },
    { path: 'variants[].label', measure: 'chars', min: 1, max: 40, field: t('Variant name', '組別名稱'), source: '§4.2.12 (ours)' },
    { path: 'variants[].weight', measure: 'number', min: 1, max: 99, field: t('Share (%)', '比例(%)'), source: '§4.2.12 (ours: every variant gets 1–99%)' },
  ],
  check: (config) => {
    const issues: NodeIssue[] = [
      ...duplicateIssues(
        config.variants.map((v) => v.id),
        (i) => ['variants', i, 'id'],
        'duplicate_id',
        t('Two variants have the same id.', '有兩個組別的識別碼相同。'),
      ),
      ...duplicateIssues(
        config.variants.map((v) => v.label),
        (i) => ['variants', i, 'label'],
        'duplicate_label',
        t('Two variants have the same name.', '有兩個組別名稱相同。'),
      ),
    ];
    const total = config.variants.reduce((sum, v) => sum + v.weight, 0);
    const last = config.variants.length - 1;
    if (last >= 0 && total !== 100) {
      // Reported on the last share: it is the one a marketer adjusts to make the total 100.
      issues.push({
        path: ['variants', last, 'weight'],
        code: 'weights_not_100',
        message: t(`The shares add up to ${total}%; they must add up to exactly 100%.`, `各組比例合計為 ${total}%,必須剛好等於 100%。`),
      });
    }
    return issues;
  },
  run: async (ctx) => {
    const { variants, sticky } = ctx.config;
    const total = variants.reduce((sum, v) => sum + v.weight, 0) || 1;
    // Sticky: the same customer always lands in the same place of [0, total) for this node.
    const point = sticky ? (fnv1a(`${ctx.run.customerId}:${ctx.node.id}`) / 0x1_0000_0000) * total : ctx.random() * total;
    let acc = 0;
    for (const v of variants) {
      acc += v.weight;
      if (point < acc)
        return { kind: 'next', port: `variant:${v.id}`, explanation: `${sticky ? 'Sticky' : 'Random'} draw ${point.toFixed(2)} of ${total} → ${v.label}` };
    }
    const last = variants[variants.length - 1];
    if (!last) return { kind: 'fail', reason: 'no_variants', message: 'The split has no variants', retryable: false };
    return { kind: 'next', port: `variant:${last.id}`, explanation: `Draw ${point.toFixed(2)} → ${last.label}` };
  },
  needs: ['random'],
});
