import { describe, expect, it } from 'vitest';
import { can, grantedKinds, PERMISSIONS } from './permissions.ts';
import { ROLES } from './roles.ts';

describe('the §8.3 studio matrix', () => {
  it('lets the four marketing roles edit and publish every flow kind', () => {
    for (const role of ['admin', 'supervisor', 'marketer', 'marketing_cs'] as const) {
      expect(grantedKinds(role, 'flows.edit')).toEqual(['chatbot', 'journey']);
      expect(grantedKinds(role, 'flows.publish')).toEqual(['chatbot', 'journey']);
    }
  });

  it('limits a CS Manager to bots for editing and publishing, but not for viewing', () => {
    expect(can('cs_manager', 'flows.edit', 'chatbot')).toBe(true);
    expect(can('cs_manager', 'flows.edit', 'journey')).toBe(false);
    expect(can('cs_manager', 'flows.publish', 'journey')).toBe(false);
    expect(can('cs_manager', 'flows.view', 'journey')).toBe(true);
  });

  it('lets a CS Agent view bots only, and change nothing', () => {
    expect(grantedKinds('cs_agent', 'flows.view')).toEqual(['chatbot']);
    expect(can('cs_agent', 'flows.edit')).toBe(false);
    expect(can('cs_agent', 'flows.publish')).toBe(false);
  });

  it('gives the sales roles no studio access', () => {
    for (const role of ['sales_manager', 'salesperson'] as const) {
      for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can(role, permission)).toBe(false);
    }
  });

  it('reserves deleting drafts and archiving to Admin, Supervisor and Marketing-CS', () => {
    expect(ROLES.filter((r) => can(r, 'flows.delete'))).toEqual(['admin', 'supervisor', 'marketing_cs']);
  });

  it('reserves user management to Admin', () => {
    expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
  });
});
