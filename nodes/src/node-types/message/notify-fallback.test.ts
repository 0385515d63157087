import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { notifyFallbackMessage } from './notify-fallback.ts';

const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['line', 'sms'] };
const all = {
  linePush: { enabled: true, text: '訂單已出貨' },
  lon: { enabled: true, text: '訂單已出貨' },
  sms: { enabled: true, text: '訂單已出貨', waitMinutes: 30 },
};
const found = (config: unknown) => validateNodeConfig(notifyFallbackMessage, config, ctx).issues.map((i) => [i.code, i.path.join('.'), i.severity ?? 'error']);
const ports = (config: unknown) => notifyFallbackMessage.ports(notifyFallbackMessage.config.parse(config), { flowKind: 'journey' }).map((p) => p.id);

describe('message.notify_fallback', () => {
  it('has a port per enabled step, plus failed', () => {
    expect(ports(all)).toEqual(['line_push', 'lon', 'sms', 'failed']);
    expect(ports({ ...all, linePush: { enabled: false, text: '' } })).toEqual(['lon', 'sms', 'failed']);
    expect(notifyFallbackMessage.waits).toBe(true);
  });

  it('needs at least one step, and text for each enabled step only', () => {
    const off = { enabled: false, text: '' };
    expect(found({ linePush: off, lon: off, sms: { ...off, waitMinutes: 30 } })).toEqual([['no_step', '', 'error']]);
    expect(found({ ...all, lon: off })).toEqual([]);
    expect(found({ ...all, lon: { enabled: true, text: '' } })).toEqual([['required', 'lon.text', 'error']]);
  });

  it('waits 5 to 1440 minutes before the SMS', () => {
    expect(found({ ...all, sms: { ...all.sms, waitMinutes: 4 } })).toEqual([['too_small', 'sms.waitMinutes', 'error']]);
    expect(found({ ...all, sms: { ...all.sms, waitMinutes: 1441 } })).toEqual([['too_large', 'sms.waitMinutes', 'error']]);
  });

  it('warns when the SMS will be split into several billed parts', () => {
    expect(found({ ...all, sms: { ...all.sms, text: 'a'.repeat(160) } })).toEqual([]);
    expect(found({ ...all, sms: { ...all.sms, text: 'a'.repeat(161) } })).toEqual([['sms_parts', 'sms', 'warning']]);
    expect(found({ ...all, sms: { ...all.sms, text: '字'.repeat(71) } })).toEqual([['sms_parts', 'sms', 'warning']]);
  });

  it('defaults to transactional, which may ignore quiet hours', () => {
    expect(found({ ...all, respectQuietHours: false })).toEqual([]);
    expect(found({ ...all, respectQuietHours: false, purpose: 'marketing' })).toEqual([['quiet_hours_opt_out', 'respectQuietHours', 'error']]);
  });
});
