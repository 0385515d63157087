import { CHANNEL_LABELS, type ChannelKind, t } from '@omniflow/schemas';
import { z } from 'zod';
import type { LimitRule, NodeCheckContext, NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// Keyword lists shared by the keyword triggers: §3.1 (auto-reply), §3.2 (auto-assign, "same as
// §3.1") and §3.3 (post comments, which compare case- and width-sensitively instead).

/** §3.1 match modes; `anyInput` matches any text message and takes no keywords. */
export const KEYWORD_MATCH_MODES = ['containsAny', 'containsAll', 'exact', 'anyInput'] as const;
export const KeywordMatch = field(z.enum(KEYWORD_MATCH_MODES).default('containsAny'), t('Match mode', '比對方式'), { widget: 'select' });

/** Generous schema caps; the real limits (50 keywords of 100 characters) are limit rules so the studio counts them. */
export const KeywordList = field(z.array(z.string().max(1000)).max(500).default([]), t('Keywords', '關鍵字'), { widget: 'keywords' });

/** Optional tags applied when a keyword rule fires (ours: at most 5, like every other tagging point). */
export const RuleTags = field(z.array(z.string().min(1).max(100)).max(50).default([]), t('Tags to apply', '貼上標籤'), {
  widget: 'tags',
  help: t('Optional.', '選填。'),
});

interface KeywordConfig {
  keywords: readonly string[];
  match: string;
}

/** Keyword limits (ours): required unless the mode takes no keywords, at most 50, each 1..100 characters. */
export function keywordLimits<C extends KeywordConfig>(noKeywordMode: string, section: string): LimitRule<C>[] {
  const f = t('Keywords', '關鍵字');
  const one = t('Keyword', '關鍵字');
  return [
    { path: 'keywords', measure: 'items', min: 1, when: (c) => c.match !== noKeywordMode, field: f, source: section },
    { path: 'keywords', measure: 'items', max: 50, field: f, source: `${section} (ours: 50)` },
    { path: 'keywords[]', measure: 'chars', min: 1, field: one, source: section },
    { path: 'keywords[]', measure: 'chars', max: 100, field: one, source: `${section} (ours: 100)` },
  ];
}

/**
 * The form keywords are compared in. §3.1: trimmed and case-insensitive, but full-width ≠ half-width,
 * so no NFKC. §3.3 (post comments) is case-sensitive as well; we still trim there (ours).
 */
export function normaliseKeyword(keyword: string, caseSensitive: boolean): string {
  const trimmed = keyword.trim();
  return caseSensitive ? trimmed : trimmed.toLowerCase();
}

export interface KeywordRules {
  /** The mode that takes no keywords ("any input" / "any content"). */
  noKeywordMode: string;
  /** What "exact" does with several keywords: §3.1 allows exactly one, §3.3 uses only the first. */
  exact: 'single' | 'firstOnly';
  caseSensitive: boolean;
}

/** Mode/keyword consistency, blank keywords and duplicates after normalisation. */
export function checkKeywords(config: KeywordConfig, rules: KeywordRules): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const { keywords, match } = config;
  if (match === rules.noKeywordMode && keywords.length > 0) {
    issues.push({
      path: ['keywords'],
      code: 'keywords_not_used',
      message: t(
        'This match mode reacts to any message, so keywords would be ignored. Remove them or choose another mode.',
        '此比對方式會回應任何訊息,關鍵字不會被使用。請移除關鍵字或改用其他比對方式。',
      ),
    });
  }
  if (match === 'exact' && keywords.length > 1) {
    issues.push(
      rules.exact === 'single'
        ? {
            path: ['keywords'],
            code: 'exact_single_keyword',
            message: t('"Exact match" allows exactly one keyword.', '「內容完全一致」只能設定一個關鍵字。'),
          }
        : {
            path: ['keywords'],
            code: 'exact_uses_first',
            severity: 'warning',
            message: t(
              `"Exact match" uses only the first keyword ("${keywords[0]}"); the others are ignored.`,
              `「完全符合」只會使用第一個關鍵字(「${keywords[0]}」),其餘會被忽略。`,
            ),
          },
    );
  }
  const seen = new Map<string, number>();
  keywords.forEach((k, i) => {
    const norm = normaliseKeyword(k, rules.caseSensitive);
    if (k !== '' && norm === '') {
      issues.push({ path: ['keywords', i], code: 'blank_keyword', message: t('A keyword cannot be only spaces.', '關鍵字不能只有空白。') });
      return;
    }
    const first = seen.get(norm);
    if (first !== undefined) {
      issues.push({
        path: ['keywords', i],
        code: 'duplicate_keyword',
        message: rules.caseSensitive
          ? t(`"${k}" repeats keyword ${first + 1}.`, `「${k}」與第 ${first + 1} 個關鍵字重複。`)
          : t(
              `"${k}" repeats keyword ${first + 1} (keywords ignore upper/lower case and surrounding spaces).`,
              `「${k}」與第 ${first + 1} 個關鍵字重複(關鍵字不分大小寫,並忽略前後空白)。`,
            ),
      });
    } else seen.set(norm, i);
  });
  return issues;
}

/**
 * Channels picked on a trigger that the flow does not reach. A warning, not an error: the rule is
 * harmless there, and the pick may be ahead of connecting the channel.
 */
export function checkChannelsInFlow(selected: readonly ChannelKind[], ctx: NodeCheckContext, path: (string | number)[]): NodeIssue[] {
  if (ctx.channels.length === 0) return [];
  return selected.flatMap((c, i): NodeIssue[] =>
    ctx.channels.includes(c)
      ? []
      : [
          {
            path: [...path, i],
            code: 'channel_not_in_flow',
            severity: 'warning',
            channel: c,
            message: t(
              `This flow does not use ${CHANNEL_LABELS[c]}, so the trigger never fires there.`,
              `此流程未使用 ${CHANNEL_LABELS[c]},觸發條件不會在該渠道觸發。`,
            ),
          },
        ],
  );
}
