import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT } from '../../define.ts';
import { field } from '../../form.ts';
import { stepTagSource } from '../shared/run-helpers.ts';

// §4.2.5 Tag add / remove. The seed allows 5 tags per tagging point; journeys allow 20 (ours).

const Config = z.object({
  op: field(z.enum(['add', 'remove']).default('add'), t('Action', '動作'), { widget: 'select' }),
  tags: field(z.array(z.string().min(1).max(100)).default([]), t('Tags', '標籤'), { widget: 'tags' }),
});

export const tagAction = defineNode({
  type: 'action.tag',
  version: 1,
  category: 'action',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Add / remove tags', '貼標 / 移除標籤'),
  description: t('Adds tags to the contact or removes them (removing deletes the tag log of that tag).', '為顧客貼上或移除標籤(移除會刪除該標籤的所有紀錄)。'),
  icon: 'tags',
  config: Config,
  defaultConfig: { op: 'add', tags: [] },
  examples: [
    { name: 'add', config: { op: 'add', tags: ['welcomed'] } },
    { name: 'remove', config: { op: 'remove', tags: ['cart_abandoned'] } },
  ],
  ports: () => [NEXT_PORT],
  limits: [{ path: 'tags', measure: 'items', min: 1, max: 20, field: t('Tags', '標籤'), source: '§4.2.5 (ours: max 20)' }],
  run: async (ctx) => {
    const { op, tags } = ctx.config;
    if (op === 'add') await ctx.tags.apply(tags, stepTagSource(ctx));
    else await ctx.tags.remove(tags);
    return { kind: 'next', port: 'next', explanation: `${op === 'add' ? 'Applied' : 'Removed'} tags: ${tags.join(', ')}` };
  },
  needs: ['tags'],
});
