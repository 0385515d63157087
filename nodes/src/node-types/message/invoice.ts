import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import { field } from '../../form.ts';
import type { NodeOutcome } from '../../run-context.ts';
import { sendCard, skipOffChannel } from '../shared/card-run.ts';

// §4.1.21 Invoice card, LINE only (P8), part of the invoice module. The card only invites the
// customer to upload an invoice for a campaign; verification takes up to 3 days and the reward module
// belongs to the campaign (§2.1 lists "invoice reward" as its own module entry point), so the card has
// no ports of its own.

const Config = z.object({
  campaignId: field(z.string().max(200).default(''), t('Invoice campaign', '發票活動'), { widget: 'select' }),
  campaignName: field(z.string().max(200).optional(), t('Campaign name', '活動名稱')),
});

const LINE_ONLY = ['line'] as const;

export const invoiceMessage = defineNode({
  type: 'message.invoice',
  version: 1,
  category: 'message',
  flowKinds: ['chatbot'],
  channels: LINE_ONLY,
  botScopes: LINE_ONLY,
  label: t('Invoice', '發票卡片'),
  description: t(
    'Invites the customer to upload a receipt invoice for an invoice campaign (photo within 30 minutes, manual entry or e-carrier).',
    '邀請顧客為發票活動上傳發票(30 分鐘內拍照上傳、手動輸入或載具)。',
  ),
  icon: 'receipt',
  config: Config,
  defaultConfig: { campaignId: '' },
  examples: [{ name: 'spring campaign', config: { campaignId: 'inv_spring_2025', campaignName: 'Spring receipts lottery' } }],
  ports: () => [],
  limits: [{ path: 'campaignId', measure: 'chars', min: 1, field: t('Invoice campaign', '發票活動'), source: '§4.1.21' }],
  requiredFeatures: ['invoice_module'],
  run: async (ctx): Promise<NodeOutcome> => {
    const skip = skipOffChannel(ctx, ['line'], 'An invoice card');
    if (skip) return skip;
    const c = ctx.config;
    return sendCard(
      ctx,
      'message.invoice',
      { campaignId: c.campaignId, ...(c.campaignName ? { campaignName: c.campaignName } : {}) },
      'Invoice invitation sent',
    );
  },
  needs: ['send'],
});
