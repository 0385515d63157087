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
