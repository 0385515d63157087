import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, NEXT_PORT, type PortSpec } from '../../define.ts';
import { field } from '../../form.ts';

// §4.2.7 Add / deduct points (§1.6). Add raises balance and lifetime points, deduct lowers the balance only.
// Points need a phone number on the profile (§1.6), so a contact without one takes `no_phone` on either
// operation; a deduction larger than the balance fails and takes `insufficient` (ours). Each change is one
// ledger entry keyed by the run step, so retries never double-count.

const Config = z.object({
  op: field(z.enum(['add', 'deduct']).default('add'), t('Action', '動作'), { widget: 'select' }),
  amount: field(z.number().int().default(1), t('Points', '點數'), { widget: 'number' }),
  reason: field(z.string().default(''), t('Reason', '原因'), {
    help: t('Shown in the points history of the contact.', '會顯示在顧客的點數紀錄中。'),
  }),
});

export const pointsAction = defineNode({
  type: 'action.points',
  version: 1,
  category: 'action',
  flowKinds: ['journey'],
  channels: 'any',
  label: t('Add / deduct points', '增加 / 扣除點數'),
  description: t(
    'Adds points (balance and lifetime) or deducts them from the balance. Contacts need a phone number on their profile.',
    '增加點數(點數餘額與累積點數)或從點數餘額扣除。顧客資料需具備電話號碼。',
  ),
  icon: 'coins',
  config: Config,
  defaultConfig: { op: 'add', amount: 1, reason: '' },
  examples: [
    { name: 'survey reward', config: { op: 'add', amount: 50, reason: 'Completed the satisfaction survey' } },
    { name: 'redeem a gift', config: { op: 'deduct', amount: 200, reason: 'Redeemed: tote bag' } },
  ],
  ports: (config) => {
    const ports: PortSpec[] = [NEXT_PORT];
    if (config.op === 'deduct') ports.push({ id: 'insufficient', label: t('Not enough points', '點數不足'), role: 'failure' });
    ports.push({ id: 'no_phone', label: t('No phone number', '無電話號碼'), role: 'skipped' });
    return ports;
  },
  limits: [
    { path: 'amount', measure: 'number', min: 1, max: 1_000_000, field: t('Points', '點數'), source: '§4.2.7 (positive integer; ours: at most 1,000,000)' },
    { path: 'reason', measure: 'chars', min: 1, max: 200, field: t('Reason', '原因'), source: '§4.2.7; ledger reason ≤200 (§1.6)' },
  ],
  run: async (ctx) => {
    const { op, amount, reason } = ctx.config;
    const result = await ctx.points.change(op, amount, ctx.render(reason));
    if (result.ok) return { kind: 'next', port: 'next', explanation: `${op === 'add' ? 'Added' : 'Deducted'} ${amount} points; balance ${result.balance}` };
    if (result.reason === 'insufficient' && op === 'deduct')
      return { kind: 'next', port: 'insufficient', explanation: `Not enough points to deduct ${amount}` };
    return { kind: 'next', port: 'no_phone', explanation: 'The contact has no phone number, so points cannot change' };
  },
  needs: ['points'],
  requiredFeatures: ['loyalty_points'],
});
