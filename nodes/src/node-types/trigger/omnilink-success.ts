import { Id, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §3.11 OmniLink success (跨社群一鍵整合): starts when a customer completes an OmniLink binding. A LINE
// re-add after blocking fires only the welcome message, never this (§3.6). Success tags also fire
// "tag applied" separately. Failures do not fire it; they are logged on the run log (ours).

const Config = z.object({
  omnilinkIds: field(z.array(Id).max(500).default([]), t('Only these OmniLink cards', '僅限這些跨社群一鍵整合'), {
    widget: 'select',
    help: t('Leave empty for any OmniLink.', '留空代表任何跨社群一鍵整合。'),
  }),
});

export const omnilinkSuccessTrigger = defineTrigger({
  type: 'trigger.omnilink_success',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('OmniLink success', '跨社群一鍵整合成功'),
  description: t(
    'Starts when a customer successfully links their channels through OmniLink, optionally only for some OmniLink cards.',
    '當顧客透過跨社群一鍵整合成功綁定渠道時開始,可限定特定的整合卡片。',
  ),
  icon: 'link',
  config: Config,
  defaultConfig: { omnilinkIds: [] },
  examples: [
    { name: 'any OmniLink', config: { omnilinkIds: [] } },
    { name: 'FB to LINE campaign', config: { omnilinkIds: ['ol_fb_to_line_2025'] } },
  ],
  limits: [{ path: 'omnilinkIds', measure: 'items', max: 50, field: t('Only these OmniLink cards', '僅限這些跨社群一鍵整合'), source: '§3.11 (ours: 50)' }],
  check: (config) =>
    config.omnilinkIds.flatMap((id, i): NodeIssue[] =>
      config.omnilinkIds.indexOf(id) !== i
        ? [{ path: ['omnilinkIds', i], code: 'duplicate', severity: 'warning', message: t('Listed twice.', '重複列出。') }]
        : [],
    ),
  events: ['omnilink.succeeded'],
  needs: [],
});
