import type { SampleContact } from './types.ts';

/** Fixture contacts for previews: a Latin name, a CJK name with emoji, and one with nothing set (fallbacks show). */
export const SAMPLE_CONTACTS = {
  latin: {
    name: 'Alex Chen',
    memberId: 'M-000123',
    email: 'alex@example.com',
    phone: '+886912345678',
    points: { balance: 1280, accumulated: 5400 },
    attributes: { member_tier: 'Gold', birthday: '1990-05-31' },
    trigger: { order_id: 'A20261125-0042' },
  },
  cjk: {
    name: '林美玲 🌸',
    memberId: 'M-888888',
    email: 'meiling@example.com.tw',
    phone: '+886987654321',
    points: { balance: 35, accumulated: 120 },
    attributes: { member_tier: '白金會員' },
    trigger: { order_id: '訂單-7788' },
  },
  empty: {},
} as const satisfies Record<string, SampleContact>;

export type SampleContactId = keyof typeof SAMPLE_CONTACTS;
