import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { websiteVisitTrigger } from './website-visit.ts';

const journey: NodeCheckContext = { flowKind: 'journey', channels: ['line'] };
const issues = (config: unknown) =>
  validateNodeConfig(websiteVisitTrigger, config, journey).issues.map((i) => ({ code: i.code, path: i.path.join('.'), severity: i.severity ?? 'error' }));

describe('trigger.website_visit', () => {
  it('specific pages need at least one rule; "URL is" needs a full URL', () => {
    expect(issues({ pages: { kind: 'specific', rules: [] } })).toContainEqual({ code: 'required', path: 'pages.rules', severity: 'error' });
    expect(issues({ pages: { kind: 'specific', rules: [{ op: 'urlIs', value: 'example.com/pricing' }] } })).toEqual([
      { code: 'invalid_url', path: 'pages.rules.0.value', severity: 'error' },
    ]);
    expect(issues({ excludedPages: [{ op: 'urlIs', value: '/thanks' }] })).toEqual([{ code: 'invalid_url', path: 'excludedPages.0.value', severity: 'error' }]);
  });

  it('a range must end after it starts', () => {
    expect(issues({ period: { kind: 'range', start: '2025-06-30T00:00', end: '2025-06-01T00:00' } })).toEqual([
      { code: 'invalid_range', path: 'period.end', severity: 'error' },
    ]);
    expect(issues({ period: { kind: 'range', start: '2025-06-01T00:00', end: '' } })).toEqual([{ code: 'required', path: 'period.end', severity: 'error' }]);
  });

  it('rejects a page that is both a trigger page and excluded', () => {
    expect(
      issues({ pages: { kind: 'specific', rules: [{ op: 'urlContains', value: '/sale' }] }, excludedPages: [{ op: 'urlContains', value: ' /sale' }] }),
    ).toEqual([{ code: 'contradiction', path: 'excludedPages.0', severity: 'error' }]);
  });

  it('warns about duplicate rules and exclusion-only page rules', () => {
    expect(
      issues({
        pages: {
          kind: 'specific',
          rules: [
            { op: 'urlNotContains', value: '/admin' },
            { op: 'urlNotContains', value: '/admin' },
          ],
        },
      }),
    ).toEqual([
      { code: 'duplicate_rule', path: 'pages.rules.1', severity: 'warning' },
      { code: 'only_exclusions', path: 'pages.rules', severity: 'warning' },
    ]);
  });

  it('visit count starts at 1, dwell stays within an hour', () => {
    expect(issues({ visitCount: { mode: 'exactly', n: 0 } })).toContainEqual({ code: 'too_small', path: 'visitCount.n', severity: 'error' });
    expect(issues({ dwellSeconds: 3601 })).toContainEqual({ code: 'too_large', path: 'dwellSeconds', severity: 'error' });
  });
});
