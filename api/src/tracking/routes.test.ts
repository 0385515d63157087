import { describe, expect, it } from 'vitest';
import { ipAllowed, TrackEventBody, VisitBody } from './routes.ts';

describe('API trigger IP allow-list (§3.13)', () => {
  it('allows listed addresses and CIDR ranges, IPv4 (also IPv4-mapped) and IPv6; an empty list allows everyone', () => {
    const list = ['203.0.113.10', '198.51.100.0/24', '2001:db8::/48'];
    expect(ipAllowed('203.0.113.10', list)).toBe(true);
    expect(ipAllowed('203.0.113.11', list)).toBe(false);
    expect(ipAllowed('198.51.100.77', list)).toBe(true);
    expect(ipAllowed('::ffff:198.51.100.77', list)).toBe(true);
    expect(ipAllowed('2001:db8:0:1::5', list)).toBe(true);
    expect(ipAllowed('2001:db9::1', list)).toBe(false);
    expect(ipAllowed('127.0.0.1', [])).toBe(true);
    expect(ipAllowed('127.0.0.1', ['not-an-ip'])).toBe(false);
  });
});

describe('tracking bodies', () => {
  it('names the field at fault', () => {
    const visit = VisitBody.safeParse({ customer: { memberId: 'M1' }, url: 'ftp://shop.example.com/', pageviewId: 'p' });
    expect(visit.error?.issues[0]?.path).toEqual(['url']);
    const comment = TrackEventBody.safeParse({ type: 'post.commented', eventId: 'e', customer: { memberId: 'M1' }, channel: 'line', text: 'hi' });
    expect(comment.error?.issues[0]?.path).toEqual(['channel']);
    const form = TrackEventBody.parse({
      type: 'form.submitted',
      eventId: 'e',
      customer: { phone: '886911223344' },
      formId: '123',
      answers: { store: 'taipei' },
    });
    expect(form).toMatchObject({ type: 'form.submitted', answers: { store: 'taipei' } });
  });
});
