import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { keywordAssignAction } from './keyword-assign.ts';

const codes = (config: unknown) =>
  validateNodeConfig(keywordAssignAction, config, { flowKind: 'chatbot', channels: ['whatsapp'], scope: 'whatsapp' }).issues.map(
    (i) => `${i.code}@${i.path.join('.')}`,
  );

describe('action.keyword_assign', () => {
  it('references a group and a rule by id', () => {
    expect(codes({ groupId: 'grp_1', conditionId: 'cond_2' })).toEqual([]);
    expect(codes({ groupId: 'Store sales', conditionId: 'cond_2' })).toEqual(['invalid_reference@groupId']);
    expect(codes({ groupId: 'grp_1', conditionId: '' })).toEqual(['required@conditionId']);
  });

  it('is a WhatsApp-bot card without outputs', () => {
    expect(keywordAssignAction.botScopes).toEqual(['whatsapp']);
    expect(keywordAssignAction.ports(keywordAssignAction.config.parse({}), { flowKind: 'chatbot' })).toEqual([]);
  });
});

describe('action.keyword_assign run', () => {
  it('assigns through the conversation and goes on with the module either way', async () => {
    const { runNode } = await import('../../testing/fake-run-context.ts');
    const config = { groupId: 'grp_store_sales', conditionId: 'cond_taipei_101' };
    const r = await runNode(keywordAssignAction, config, { channel: 'whatsapp' });
    expect(r.outcome).toMatchObject({ kind: 'next', port: 'next', explanation: 'Assigned by grp_store_sales/cond_taipei_101' });
    expect(r.calls.handOffs).toEqual([{ kind: 'keyword_assign', groupId: 'grp_store_sales', conditionId: 'cond_taipei_101' }]);
    const nobody = await runNode(keywordAssignAction, config, { assigned: false });
    expect(nobody.outcome).toMatchObject({ port: 'next', explanation: 'No one to assign by grp_store_sales/cond_taipei_101' });
  });
});
