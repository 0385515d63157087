import { TagSource, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger } from '../../define.ts';
import { field } from '../../form.ts';

// §3.4 Tag applied. Fires only on tag events after publishing; by default a journey's own tag
// changes do not re-trigger it (source "journey" from the same flow is excluded by the engine).

const Config = z.object({
  tags: field(z.array(z.string().min(1).max(100)).max(50), t('Tags', '標籤'), { widget: 'tags' }),
  match: field(z.enum(['any', 'all']).default('any'), t('Fire when', '觸發時機'), { widget: 'select' }),
  includeSources: field(z.array(TagSource).default([]), t('Only from sources', '僅限來源'), { widget: 'select' }),
  excludeSources: field(z.array(TagSource).default([]), t('Except from sources', '排除來源'), { widget: 'select' }),
  includeReapply: field(z.boolean().default(true), t('Also when re-applied', '再次貼上時也觸發'), { widget: 'toggle' }),
  excludeSameFlow: field(z.boolean().default(true), t("Ignore this journey's own tags", '忽略此旅程自己貼的標籤'), { widget: 'toggle' }),
});

export const tagAppliedTrigger = defineTrigger({
  type: 'trigger.tag_applied',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Tag applied', '貼上標籤'),
  description: t('Starts when a contact gets one of these tags (or all of them at once).', '當顧客被貼上任一(或同時貼上全部)指定標籤時開始。'),
  icon: 'tag',
  config: Config,
  defaultConfig: { tags: [], match: 'any' },
  examples: [
    { name: 'cart abandoned', config: { tags: ['cart_abandoned'], match: 'any' } },
    { name: 'all at once from import', config: { tags: ['vip', 'newsletter'], match: 'all', includeSources: ['import'] } },
  ],
  limits: [{ path: 'tags', measure: 'items', min: 1, max: 50, field: t('Tags', '標籤'), source: 'ours' }],
  check: (config) =>
    config.includeSources
      .filter((s) => config.excludeSources.includes(s))
      .map((s) => ({
        path: ['excludeSources'],
        code: 'contradiction',
        message: t(`Source "${s}" is both included and excluded.`, `來源「${s}」同時被包含與排除。`),
      })),
  events: ['tag.applied'],
  needs: [],
});
