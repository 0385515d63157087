import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { checkPeriod, Period, periodLimits } from '../shared/trig-period.ts';

// §3.7 Website behaviour (官網顧客行銷 2.0) as a journey trigger (an add-on). Needs the Omnichat plugin
// or Pixel, and only visitors with a social identity binding can be messaged. Specific-page rules
// (ours, the seed does not say how several combine): any positive rule, and no "does not contain". Evaluation order is
// page → visit count → dwell; an excluded page blocks the trigger for that visitor. Which campaign wins
// on a page (specific beats any page, higher count, then newest) is the engine's matcher.

const PageRule = z.object({
  op: field(z.enum(['urlIs', 'urlContains', 'urlNotContains']).default('urlContains'), t('Rule', '規則'), { widget: 'select' }),
  value: field(z.string().max(5000), t('URL or keyword', '網址或關鍵字'), { widget: 'text' }),
});
type PageRule = z.output<typeof PageRule>;

const ExcludedPage = z.object({
  op: field(z.enum(['urlIs', 'urlContains']).default('urlContains'), t('Rule', '規則'), { widget: 'select' }),
  value: field(z.string().max(5000), t('URL or keyword', '網址或關鍵字'), { widget: 'text' }),
});

const Pages = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('any') }),
  z.object({
    kind: z.literal('specific'),
    rules: field(z.array(PageRule).max(200).default([]), t('Page rules', '頁面規則'), {
      widget: 'list',
      help: t(
        'A page matches when it matches any "URL is" or "URL contains" rule (if there are any) and none of the "URL does not contain" rules.',
        '頁面符合任一「網址是」或「網址包含」規則(若有設定),且不符合任何「網址不包含」規則時即符合。',
      ),
    }),
  }),
]);

const Config = z.object({
  period: field(Period.default({ kind: 'always' }), t('Period', '活動期間'), {
    widget: 'select',
    help: t('Visits are counted from the start of the range, or from the day the trigger is published.', '訪問次數從期間開始(或發佈當天)起算。'),
  }),
  pages: field(Pages.default({ kind: 'any' }), t('Pages', '頁面'), { widget: 'select' }),
  visitCount: field(
    z
      .object({
        mode: field(z.enum(['exactly', 'atLeast']).default('atLeast'), t('Visits', '總訪問次數'), { widget: 'select' }),
        n: field(z.number().int().min(0).max(1_000_000).default(1), t('Number of visits', '次數'), { widget: 'number' }),
      })
      .default({ mode: 'atLeast', n: 1 }),
    t('Visit count', '總訪問次數'),
    {
      help: t(
        '"Exactly N" fires only on the N-th visit; "N or more" on every visit from the N-th on.',
        '「N 次」只在第 N 次訪問觸發;「N 次以上」從第 N 次起每次都觸發。',
      ),
    },
  ),
  dwellSeconds: field(z.number().int().min(0).max(86_400).default(0), t('Stay on the page (seconds)', '停留時間(秒)'), { widget: 'number' }),
  excludedPages: field(z.array(ExcludedPage).max(200).default([]), t('Excluded pages', '排除對象'), {
    widget: 'list',
    help: t(
      'A visitor who has visited any of these pages never triggers it, e.g. the order-complete page.',
      '造訪過任一排除頁面的訪客不會觸發,例如結帳完成頁。',
    ),
  }),
});
type Config = z.output<typeof Config>;

const FULL_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

function checkRule(rule: { op: string; value: string }, path: (string | number)[]): NodeIssue[] {
  if (rule.op === 'urlIs' && rule.value !== '' && !FULL_URL.test(rule.value)) {
    return [
      {
        path: [...path, 'value'],
        code: 'invalid_url',
        message: t('"URL is" needs the full URL, starting with https://.', '「網址是」需要完整網址,以 https:// 開頭。'),
      },
    ];
  }
  return [];
}

const sameRule = (a: { op: string; value: string }, b: { op: string; value: string }) => a.op === b.op && a.value.trim() === b.value.trim();

export const websiteVisitTrigger = defineTrigger({
  type: 'trigger.website_visit',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  requiredFeatures: ['website_marketing'],
  label: t('Website visit', '官網瀏覽行為'),
  description: t(
    'Starts when a bound website visitor views matching pages. Checked in order: page rules, then visit count, then how long the visitor stays. A visitor who visited an excluded page never triggers it.',
    '當已綁定的網站訪客瀏覽符合條件的頁面時開始。依序檢查:頁面規則、總訪問次數、停留時間。造訪過排除頁面的訪客不會觸發。',
  ),
  icon: 'globe',
  config: Config,
  defaultConfig: { period: { kind: 'always' }, pages: { kind: 'any' }, visitCount: { mode: 'atLeast', n: 1 }, dwellSeconds: 0 },
  examples: [
    {
      name: 'product pages, third visit, 30 s',
      config: {
        period: { kind: 'range', start: '2025-06-01T00:00', end: '2025-06-30T23:59' },
        pages: {
          kind: 'specific',
          rules: [
            { op: 'urlContains', value: '/products/' },
            { op: 'urlNotContains', value: '/products/gift-card' },
          ],
        },
        visitCount: { mode: 'exactly', n: 3 },
        dwellSeconds: 30,
        excludedPages: [
          { op: 'urlContains', value: '/checkout/complete' },
          { op: 'urlIs', value: 'https://shop.example.com/thank-you' },
        ],
      },
    },
    { name: 'pricing page', config: { pages: { kind: 'specific', rules: [{ op: 'urlIs', value: 'https://example.com/pricing' }] } } },
    { name: 'any page, returning visitor', config: { visitCount: { mode: 'atLeast', n: 5 } } },
  ],
  limits: [
    ...periodLimits<Config>('period', '§3.7'),
    { path: 'pages.rules', measure: 'items', min: 1, field: t('Page rules', '頁面規則'), source: '§3.7' },
    { path: 'pages.rules', measure: 'items', max: 20, field: t('Page rules', '頁面規則'), source: '§3.7 (ours: 20)' },
    { path: 'pages.rules[].value', measure: 'chars', min: 1, field: t('URL or keyword', '網址或關鍵字'), source: '§3.7' },
    { path: 'pages.rules[].value', measure: 'chars', max: 2000, field: t('URL or keyword', '網址或關鍵字'), source: '§3.7 (ours: 2000)' },
    { path: 'visitCount.n', measure: 'number', min: 1, field: t('Number of visits', '次數'), source: '§3.7' },
    { path: 'visitCount.n', measure: 'number', max: 1000, field: t('Number of visits', '次數'), source: '§3.7 (ours: 1000)' },
    { path: 'dwellSeconds', measure: 'number', min: 0, field: t('Stay on the page (seconds)', '停留時間(秒)'), source: '§3.7' },
    { path: 'dwellSeconds', measure: 'number', max: 3600, field: t('Stay on the page (seconds)', '停留時間(秒)'), source: '§3.7 (ours: 1 hour)' },
    { path: 'excludedPages', measure: 'items', max: 20, field: t('Excluded pages', '排除對象'), source: '§3.7 (ours: 20)' },
    { path: 'excludedPages[].value', measure: 'chars', min: 1, field: t('URL or keyword', '網址或關鍵字'), source: '§3.7' },
    { path: 'excludedPages[].value', measure: 'chars', max: 2000, field: t('URL or keyword', '網址或關鍵字'), source: '§3.7 (ours: 2000)' },
  ],
  check: (config) => {
    const issues: NodeIssue[] = [...checkPeriod(config.period, ['period'])];
    const rules: PageRule[] = config.pages.kind === 'specific' ? config.pages.rules : [];
    rules.forEach((r, i) => {
      issues.push(...checkRule(r, ['pages', 'rules', i]));
      if (rules.findIndex((o) => sameRule(o, r)) !== i)
        issues.push({
          path: ['pages', 'rules', i],
          code: 'duplicate_rule',
          severity: 'warning',
          message: t('This rule repeats another one.', '此規則與其他規則重複。'),
        });
    });
    if (rules.length > 0 && rules.every((r) => r.op === 'urlNotContains')) {
      // Fine on its own (every page except…), but worth saying so the marketer knows it is broad.
      issues.push({
        path: ['pages', 'rules'],
        code: 'only_exclusions',
        severity: 'warning',
        message: t('Only "URL does not contain" rules: almost every page of the site matches.', '只有「網址不包含」規則:網站幾乎所有頁面都會符合。'),
      });
    }
    config.excludedPages.forEach((e, i) => {
      issues.push(...checkRule(e, ['excludedPages', i]));
      // A page that is both wanted and excluded: visiting it would make the visitor ineligible forever.
      if (rules.some((r) => r.op !== 'urlNotContains' && sameRule(r, e)))
        issues.push({
          path: ['excludedPages', i],
          code: 'contradiction',
          message: t(
            'This page is both a trigger page and an excluded page, so visiting it can never trigger the journey.',
            '此頁面同時是觸發頁面與排除頁面,造訪時永遠不會觸發旅程。',
          ),
        });
    });
    return issues;
  },
  events: ['website.visited'],
  needs: [],
});
