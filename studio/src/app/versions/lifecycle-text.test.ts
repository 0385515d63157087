import { describe, expect, it } from 'vitest';
import { translate } from '../i18n.tsx';
import { lifecycleProblemText } from './lifecycle-text.ts';
import { canPublish } from './permissions.ts';

const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('en', key, vars);
const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-Hant', key, vars);

describe('lifecycle refusals in words', () => {
  const refused = {
    code: 'PRECONDITION_FAILED',
    message: 'Cannot resume this flow: it is active, …',
    details: { kind: 'illegal_transition' as const, action: 'resume', from: 'active' as const, to: 'active', allowedFrom: ['paused' as const] },
  };
  it('names the action, the status and where it works, in both languages', () => {
    expect(lifecycleProblemText(refused, en)).toBe('You cannot resume this flow while it is Active; that works only when it is Paused.');
    expect(lifecycleProblemText(refused, zh)).toBe('流程目前為「啟用中」,無法啟動;只有在「已暫停」時才可以。');
  });
  it('falls back to the api sentence, and never shows JSON', () => {
    expect(lifecycleProblemText({ code: 'PRECONDITION_FAILED', message: 'versionNumber 2 is already the live version' }, en)).toBe(
      'versionNumber 2 is already the live version',
    );
    expect(lifecycleProblemText({ code: 'BAD_REQUEST', message: '[{"path":["x"]}]' }, en)).toBe('Something went wrong. Please try again.');
    expect(lifecycleProblemText({ code: 'FORBIDDEN', message: 'no' }, en)).toBe('Your role does not allow this.');
  });
});

describe('who may publish and roll back', () => {
  const me = (role: string) => ({ id: 'u', email: 'a@b.c', name: 'A', role, via: 'session' }) as Parameters<typeof canPublish>[0];
  it('follows §8.3: marketers publish everything, CS managers bots only, agents and sales nothing', () => {
    expect(canPublish(me('marketer'), 'journey')).toBe(true);
    expect(canPublish(me('cs_manager'), 'journey')).toBe(false);
    expect(canPublish(me('cs_manager'), 'chatbot')).toBe(true);
    expect(canPublish(me('cs_agent'), 'chatbot')).toBe(false);
    expect(canPublish(me('salesperson'), 'journey')).toBe(false);
    expect(canPublish(null, 'journey')).toBe(false);
  });
});
