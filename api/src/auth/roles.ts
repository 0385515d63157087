import { z } from 'zod';

/** The 8 team roles of PRODUCT_SPEC §1.9, as stored in `User.role`. */
export const ROLES = ['admin', 'supervisor', 'marketer', 'marketing_cs', 'cs_manager', 'cs_agent', 'sales_manager', 'salesperson'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Readonly<Record<Role, { en: string; 'zh-Hant': string }>> = {
  admin: { en: 'Admin', 'zh-Hant': '管理員' },
  supervisor: { en: 'Supervisor', 'zh-Hant': '主管' },
  marketer: { en: 'Marketer', 'zh-Hant': '行銷人員' },
  marketing_cs: { en: 'Marketing-CS', 'zh-Hant': '行銷客服' },
  cs_manager: { en: 'CS Manager', 'zh-Hant': '客服經理' },
  cs_agent: { en: 'CS Agent', 'zh-Hant': '客服人員' },
  sales_manager: { en: 'Sales Manager', 'zh-Hant': '銷售經理' },
  salesperson: { en: 'Salesperson', 'zh-Hant': '銷售人員' },
};

/** Reads a stored role; an unknown value (a role removed in a later release) grants nothing. */
export function parseRole(value: string): Role | undefined {
  const parsed = Role.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
