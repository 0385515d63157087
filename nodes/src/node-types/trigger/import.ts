import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §3.9 Import (匯入顧客資料 / 匯入社群聯絡人) with the "trigger journeys" (觸發旅程) toggle on: each
// imported row may fire the row's effects as journey triggers. A customer import (keyed by member ID)
// fires 2 kinds: tag applied, custom attribute changed. A social-contact import (keyed by social ID)
// also creates contacts, so it adds new contact. Imports with the toggle off never fire.

const ROW_EFFECTS = ['tag_applied', 'attribute_changed', 'new_contact'] as const;

const Config = z.object({
  mode: field(z.enum(['customers', 'social_contacts']).default('customers'), t('Import type', '匯入類型'), { widget: 'select' }),
  effects: field(z.array(z.enum(ROW_EFFECTS)).max(3).default(['tag_applied', 'attribute_changed']), t('Fire when a row', '當匯入資料'), {
    widget: 'select',
  }),
});

const EFFECT_LABEL: Record<(typeof ROW_EFFECTS)[number], ReturnType<typeof t>> = {
  tag_applied: t('applies a tag', '貼上標籤'),
  attribute_changed: t('changes a custom attribute', '變更自訂屬性'),
  new_contact: t('creates a new contact', '新增聯絡人'),
};

export const importTrigger = defineTrigger({
  type: 'trigger.import',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Import', '匯入資料'),
  description: t(
    'Starts for rows of an import that has "trigger journeys" turned on, when the row applies a tag, changes a custom attribute or (social contact imports only) creates a new contact.',
    '匯入時開啟「觸發旅程」,當匯入的資料貼上標籤、變更自訂屬性,或(僅限匯入社群聯絡人)新增聯絡人時開始。',
  ),
  icon: 'file-up',
  config: Config,
  defaultConfig: { mode: 'customers', effects: ['tag_applied', 'attribute_changed'] },
  examples: [
    { name: 'customer import', config: { mode: 'customers', effects: ['tag_applied', 'attribute_changed'] } },
    { name: 'new social contacts', config: { mode: 'social_contacts', effects: ['new_contact'] } },
  ],
  limits: [{ path: 'effects', measure: 'items', min: 1, field: t('Fire when a row', '當匯入資料'), source: '§3.9' }],
  check: (config) => {
    const issues: NodeIssue[] = [];
    config.effects.forEach((e, i) => {
      if (config.effects.indexOf(e) !== i) {
        issues.push({ path: ['effects', i], code: 'duplicate', severity: 'warning', message: t('Listed twice.', '重複列出。') });
      } else if (e === 'new_contact' && config.mode !== 'social_contacts') {
        issues.push({
          path: ['effects', i],
          code: 'effect_unavailable',
          message: t(
            `A customer import never ${EFFECT_LABEL[e].en}: only social contact imports create contacts.`,
            `匯入顧客不會${EFFECT_LABEL[e]['zh-Hant']}:只有匯入社群聯絡人會新增聯絡人。`,
          ),
        });
      }
    });
    return issues;
  },
  events: ['import.row_imported'],
  needs: [],
});
