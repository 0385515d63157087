import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { type MessageKey, translate } from '../i18n.tsx';
import type { Me } from '../trpc.ts';
import {
  canManageChannels,
  embedSnippet,
  formToSettings,
  KIND_ORDER,
  KIND_SPECS,
  missingFields,
  missingSecrets,
  secretFields,
  settingsToForm,
  webhookUrl,
} from './channel-kinds.ts';
import { fieldProblemText, refusedSave } from './field-errors.ts';

const t = (key: MessageKey) => translate('en', key);
const me = (role: string) => ({ id: 'u', email: 'e@x', name: 'N', role, via: 'session' }) as Me;

function apiError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, { result: { error: { code: -32600, message, data } } } as never);
}

describe('channel kinds', () => {
  it('offers every kind the api knows, each with labelled, helped fields', () => {
    expect([...KIND_ORDER].sort()).toEqual(Object.keys(KIND_SPECS).sort());
    for (const kind of KIND_ORDER) {
      const spec = KIND_SPECS[kind];
      expect(t(spec.label)).not.toBe('');
      for (const [, f] of [...Object.entries(spec.settings), ...(secretFields(kind) ?? [])]) {
        expect(translate('zh-Hant', f.label).trim()).not.toBe('');
        expect(translate('zh-Hant', f.help).trim()).not.toBe('');
      }
    }
  });

  it('only admins manage channels', () => {
    expect(canManageChannels(me('admin'))).toBe(true);
    for (const role of ['supervisor', 'marketer', 'cs_agent']) expect(canManageChannels(me(role))).toBe(false);
    expect(canManageChannels(null)).toBe(false);
  });

  it('turns the form into settings: optional blanks left out, lists split by line, required blanks sent for the api to name', () => {
    expect(formToSettings('capi', { datasetId: ' 123 ', testEventCode: '', apiVersion: 'v21.0' })).toEqual({ datasetId: '123', apiVersion: 'v21.0' });
    expect(formToSettings('messenger', {})).toEqual({ pageId: '' });
    expect(formToSettings('webchat', { allowedOrigins: 'https://a.example\n\n  https://b.example  \r\n' })).toEqual({
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(settingsToForm('webchat', { allowedOrigins: ['https://a.example', 'https://b.example'] })).toEqual({
      allowedOrigins: 'https://a.example\nhttps://b.example',
    });
    expect(settingsToForm('whatsapp', { phoneNumberId: '42' })).toEqual({ phoneNumberId: '42', businessAccountId: '', apiVersion: '', baseUrl: '' });
  });

  it('names required blanks and the secrets a stored connection lacks', () => {
    expect(missingFields('whatsapp', ' ', { phoneNumberId: '1' }, { accessToken: 'x' })).toEqual(['name', 'secrets.appSecret', 'secrets.verifyToken']);
    expect(missingFields('webchat', 'Site', {}, {})).toEqual([]);
    expect(missingSecrets({ kind: 'line', secrets: { channelSecret: { set: true, last4: '' } } })).toEqual(['channelAccessToken']);
    expect(missingSecrets({ kind: 'http', secrets: {} })).toEqual([]);
  });

  it('builds the webhook URL and the embed snippet on the given origin', () => {
    expect(webhookUrl('https://omni.example/', { webhookPath: '/webhooks/meta/c1' })).toBe('https://omni.example/webhooks/meta/c1');
    expect(webhookUrl('https://omni.example', { webhookPath: null })).toBeNull();
    expect(embedSnippet('https://omni.example', 'c9')).toBe('<script src="https://omni.example/webchat/widget.js" data-channel="c9"></script>');
  });
});

describe('refused saves', () => {
  it('puts zod input issues beside their field, localized where the studio knows the rule', () => {
    const r = refusedSave(
      apiError('settings.apiVersion: Use a Graph API version such as v21.0', {
        code: 'BAD_REQUEST',
        inputIssues: [{ path: ['settings', 'apiVersion'], message: 'Use a Graph API version such as v21.0', code: 'invalid_format' }],
      }),
      t,
    );
    expect(r.general).toBeNull();
    const problem = r.fields['settings.apiVersion'];
    expect(problem).toBeDefined();
    expect(fieldProblemText(problem!, KIND_SPECS.messenger.settings.apiVersion, (k) => translate('zh-Hant', k))).toBe('請使用 Graph API 版本,例如 v21.0。');
  });

  it("puts the api's own invalid_field beside the field, without repeating the path", () => {
    const r = refusedSave(apiError('name: a line connection has no secret "x"', { code: 'BAD_REQUEST', details: { kind: 'invalid_field', field: 'name' } }), t);
    expect(r.fields.name?.message).toBe('a line connection has no secret "x"');
  });

  it('says anything else in one sentence, never raw data', () => {
    expect(refusedSave(apiError('Internal server error', { code: 'INTERNAL_SERVER_ERROR' }), t)).toEqual({ fields: {}, general: t('error.generic') });
    expect(refusedSave(apiError('no', { code: 'FORBIDDEN' }), t).general).toBe(t('error.forbidden'));
    expect(refusedSave(new TypeError('Failed to fetch'), t).general).toBe(t('error.network'));
  });
});
