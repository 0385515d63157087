import { CHANNEL_LABELS, type ChannelKind, type LocalizedText } from '@omniflow/schemas';
import { resolvePath } from './config-path.ts';
import type { LimitRule, NodeCheckContext, NodeIssue } from './define.ts';
import { textLength } from './text-length.ts';

/** The rules that apply to this node in this context: channel-scoped rules only where their channel is reachable. */
export function applicableLimits<C>(rules: readonly LimitRule<C>[], config: C, ctx: Pick<NodeCheckContext, 'channels'>): LimitRule<C>[] {
  return rules.filter((rule) => (!rule.channels || rule.channels.some((c) => ctx.channels.includes(c))) && (!rule.when || rule.when(config)));
}

/** Measures a value the way a limit counts it; undefined when the value is not of the rule's kind. */
export function measure<C>(rule: LimitRule<C>, value: unknown): number | undefined {
  if (rule.measure === 'chars') return typeof value === 'string' ? textLength(value, rule.count) : undefined;
  if (rule.measure === 'items') return Array.isArray(value) ? value.length : undefined;
  return typeof value === 'number' ? value : undefined;
}

function channelNames(rule: LimitRule<unknown>, ctx: Pick<NodeCheckContext, 'channels'>): string {
  const list = rule.channels ? rule.channels.filter((c) => ctx.channels.includes(c)) : [];
  return list.map((c) => CHANNEL_LABELS[c]).join(', ');
}

const UNIT: Record<LimitRule<unknown>['measure'], LocalizedText> = {
  chars: { en: 'characters', 'zh-Hant': '字' },
  items: { en: 'items', 'zh-Hant': '項' },
  number: { en: '', 'zh-Hant': '' },
};

/** Checks every applicable limit; each issue names the field, the channel, the count and the limit. */
export function checkLimits<C>(rules: readonly LimitRule<C>[], config: C, ctx: Pick<NodeCheckContext, 'channels'>): NodeIssue[] {
  const issues: NodeIssue[] = [];
  for (const rule of applicableLimits(rules, config, ctx)) {
    const where = channelNames(rule as LimitRule<unknown>, ctx);
    const firstChannel = rule.channels?.find((c) => ctx.channels.includes(c)) as ChannelKind | undefined;
    const unit = UNIT[rule.measure];
    for (const { path, value } of resolvePath(config, rule.path)) {
      const size = measure(rule, value);
      if (size === undefined) continue;
      const over = rule.max !== undefined && size > rule.max;
      const under = rule.min !== undefined && size < rule.min;
      if (!over && !under) continue;
      const bound = over ? rule.max : rule.min;
      const empty = under && size === 0 && rule.min === 1 && rule.measure !== 'number';
      const code = empty
        ? 'required'
        : rule.measure === 'chars'
          ? over
            ? 'too_long'
            : 'too_short'
          : rule.measure === 'items'
            ? over
              ? 'too_many'
              : 'too_few'
            : over
              ? 'too_large'
              : 'too_small';
      const onEn = where ? ` on ${where}` : '';
      const onZh = where ? `${where} ` : '';
      const message: LocalizedText = empty
        ? rule.measure === 'chars'
          ? { en: `${rule.field.en} is required.`, 'zh-Hant': `請填寫${rule.field['zh-Hant']}。` }
          : { en: `${rule.field.en}: add at least one.`, 'zh-Hant': `${rule.field['zh-Hant']}:請至少加入一項。` }
        : rule.measure === 'number'
          ? {
              en: `${rule.field.en} must be ${over ? 'at most' : 'at least'} ${bound}${onEn} (it is ${size}).`,
              'zh-Hant': `${onZh}${rule.field['zh-Hant']}必須${over ? '不大於' : '不小於'} ${bound}(目前為 ${size})。`,
            }
          : {
              en: `${rule.field.en} has ${size} ${unit.en}; ${where || 'the limit'} allows ${over ? 'at most' : 'at least'} ${bound}.`,
              'zh-Hant': `${rule.field['zh-Hant']}目前 ${size} ${unit['zh-Hant']},${onZh}${over ? '最多' : '至少'} ${bound} ${unit['zh-Hant']}。`,
            };
      issues.push({ path, message, code, ...(firstChannel ? { channel: firstChannel } : {}) });
    }
  }
  return issues;
}
