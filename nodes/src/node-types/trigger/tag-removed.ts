import { TagSource, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger } from '../../define.ts';
import { field } from '../../form.ts';

// §3.4 "A tag removed trigger is ours", shaped like tag applied. Removing a tag the contact does not
// have does nothing (§1.4), so it emits no event and cannot fire this. As with tag applied, a
// journey's own removals do not re-trigger it by default (§9.11).

const Config = z.object({
  tags: field(z.array(z.string().min(1).max(100)).max(50), t('Tags', '標籤'), { widget: 'tags' }),
  match: field(z.enum(['any', 'all']).default('any'), t('Fire when', '觸發時機'), {
    widget: 'select',
    help: t('"All" fires only when every listed tag is removed at once.', '「全部」僅在一次移除所有指定標籤時觸發。'),
  }),
  includeSources: field(z.array(TagSource).default([]), t('Only from sources', '僅限來源'), { widget: 'select' }),
  excludeSources: field(z.array(TagSource).default([]), t('Except from sources', '排除來源'), { widget: 'select' }),
  excludeSameFlow: field(z.boolean().default(true), t("Ignore this journey's own removals", '忽略此旅程自己移除的標籤'), { widget: 'toggle' }),
});

export const tagRemovedTrigger = defineTrigger({
  type: 'trigger.tag_removed',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Tag removed', '移除標籤'),
  description: t(
    'Starts when one of these tags is removed from a contact (or all of them at once). Removing a tag the contact does not have does nothing.',
    '當顧客被移除任一(或一次移除全部)指定標籤時開始。移除顧客沒有的標籤不會觸發。',
  ),
  icon: 'tag',
  config: Config,
  defaultConfig: { tags: [], match: 'any' },
  examples: [
    { name: 'left the VIP tier', config: { tags: ['vip'], match: 'any' } },
    { name: 'cleared by a batch action', config: { tags: ['trial', 'onboarding'], match: 'all', includeSources: ['batch'] } },
  ],
  limits: [{ path: 'tags', measure: 'items', min: 1, max: 50, field: t('Tags', '標籤'), source: '§3.4 (ours)' }],
  check: (config) => [
    ...config.includeSources
      .filter((s) => config.excludeSources.includes(s))
      .map((s) => ({
        path: ['excludeSources'],
        code: 'contradiction',
        message: t(`Source "${s}" is both included and excluded.`, `來源「${s}」同時被包含與排除。`),
      })),
    ...config.tags.flatMap((tag, i) =>
      config.tags.indexOf(tag) !== i
        ? [{ path: ['tags', i], code: 'duplicate_tag', severity: 'warning' as const, message: t(`"${tag}" is listed twice.`, `「${tag}」重複列出。`) }]
        : [],
    ),
  ],
  events: ['tag.removed'],
  needs: [],
});
