import { describe, expect, it } from 'vitest';
import { can, grantedKinds, PERMISSIONS, permissionsOf, roleWithin } from './permissions.ts';
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

  it('gives the sales roles no studio access: they may only look at customers and edit attribute values', () => {
    for (const role of ['sales_manager', 'salesperson'] as const) {
      expect(permissionsOf(role)).toEqual(['contacts.view', 'attributes.write']);
      for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
        if (permission.startsWith('flows.')) expect(can(role, permission)).toBe(false);
      }
    }
  });

  it('follows the seed for customer data: batch tags and imports, attribute management, API keys', () => {
    expect(ROLES.filter((r) => can(r, 'tags.batch'))).toEqual(['admin', 'supervisor', 'marketer', 'cs_manager']);
    expect(ROLES.filter((r) => can(r, 'imports.manage'))).toEqual(['admin', 'supervisor', 'marketer', 'cs_manager']);
    expect(ROLES.filter((r) => can(r, 'attributes.manage'))).toEqual(['admin', 'supervisor', 'marketer']);
    expect(ROLES.filter((r) => can(r, 'attributes.write'))).toEqual([...ROLES]);
    expect(can('marketer', 'apiKeys.manage')).toBe(false);
    expect(ROLES.filter((r) => can(r, 'tests.send'))).toEqual(['admin', 'supervisor', 'marketer', 'marketing_cs', 'cs_manager']);
  });

  it('never lets an API key act beyond its creator', () => {
    expect(roleWithin('marketer', 'admin')).toBe(true);
    expect(roleWithin('admin', 'marketer')).toBe(false);
    expect(roleWithin('marketing_cs', 'marketer')).toBe(false);
    expect(roleWithin('cs_manager', 'marketer')).toBe(true);
    for (const role of ROLES) expect(roleWithin(role, role)).toBe(true);
  });

  it('reserves deleting drafts and archiving to Admin, Supervisor and Marketing-CS', () => {
    expect(ROLES.filter((r) => can(r, 'flows.delete'))).toEqual(['admin', 'supervisor', 'marketing_cs']);
  });

  it('reserves user management to Admin', () => {
    expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
  });
});
