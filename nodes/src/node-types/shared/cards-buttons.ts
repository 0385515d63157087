import { CHANNEL_LABELS, t } from '@omniflow/schemas';
import type { NodeCheckContext, NodeIssue } from '../../define.ts';
import { type ButtonAction, isUrlLike, SYSTEM_MODULE_CHANNELS } from './button-action.ts';
import { saveAttributeIssues } from './cards-attributes.ts';
import { requiredIssue } from './cards-media.ts';

// Checks shared by the cards whose items carry a §4.1.1 button action (carousel buttons,
// image-carousel actions): URL shape, tagging where it is not supported, system-module channels,
// attribute writes; plus unique item ids across a card.

/** Channels where a click can apply tags (§4.1.1 (c)); tag limits apply only there. */
export const TAGGING_CHANNELS = ['line', 'messenger', 'instagram', 'whatsapp'] as const;

/**
 * Tags on click work on FB, LINE, IG and WhatsApp only (§4.1.1 (c), §6.5). Stored tags are harmless on
 * web chat (they are just not applied), so the issue is a warning.
 */
export const onlyWebchat = (ctx: Pick<NodeCheckContext, 'channels'>): boolean => ctx.channels.length > 0 && ctx.channels.every((c) => c === 'webchat');

/** Issues of one button action; `path` points at the action object. */
export function buttonActionIssues(action: ButtonAction, path: (string | number)[], ctx: NodeCheckContext): NodeIssue[] {
  const issues: NodeIssue[] = [];
  if (action.kind === 'url') issues.push(...requiredIssue(action.url, [...path, 'url'], t('Button URL', '按鈕網址')));
  if (action.kind === 'url' && action.url.trim() !== '' && !isUrlLike(action.url)) {
    issues.push({
      path: [...path, 'url'],
      code: 'invalid_url',
      message: t('Enter a complete URL starting with http:// or https://.', '請輸入以 http:// 或 https:// 開頭的完整網址。'),
    });
  }
  if (action.tags.length > 0 && onlyWebchat(ctx)) {
    issues.push({
      path: [...path, 'tags'],
      severity: 'warning',
      channel: 'webchat',
      code: 'channel_rule',
      message: t('Web chat buttons cannot apply tags; these tags will be ignored.', '網站對話插件的按鈕無法貼標籤,這些標籤將被忽略。'),
    });
  }
  if (action.kind === 'system' && ctx.channels.length > 0) {
    const supported = SYSTEM_MODULE_CHANNELS[action.module];
    const missing = ctx.channels.filter((c) => !supported.includes(c));
    if (missing.length > 0) {
      const names = supported.map((c) => CHANNEL_LABELS[c]).join(', ');
      const none = missing.length === ctx.channels.length;
      issues.push({
        path: [...path, 'module'],
        code: 'system_module_unsupported',
        ...(none ? {} : { severity: 'warning' as const }),
        ...(missing[0] ? { channel: missing[0] } : {}),
        message: none
          ? t(`This system module only works on ${names}.`, `此系統模組僅支援 ${names}。`)
          : t(
              `This system module only works on ${names}; on ${missing.map((c) => CHANNEL_LABELS[c]).join(', ')} the button does nothing.`,
              `此系統模組僅支援 ${names},在 ${missing.map((c) => CHANNEL_LABELS[c]).join('、')} 上按鈕沒有作用。`,
            ),
      });
    }
  }
  issues.push(...saveAttributeIssues(action.saveAttribute, ctx.attributes, [...path, 'saveAttribute']));
  return issues;
}

/** Item ids must be unique across the whole card, since ports are named after them. */
export function duplicateIdIssues(items: readonly { id: string; path: (string | number)[] }[]): NodeIssue[] {
  const seen = new Set<string>();
  const issues: NodeIssue[] = [];
  for (const item of items) {
    if (seen.has(item.id)) {
      issues.push({
        path: [...item.path, 'id'],
        code: 'duplicate_id',
        message: t(`The id "${item.id}" is used twice in this card.`, `識別碼「${item.id}」在此卡片中重複使用。`),
      });
    }
    seen.add(item.id);
  }
  return issues;
}

/** Labels that repeat within one list: the customer could not tell the choices apart. */
export function duplicateLabelIssues(labels: readonly { label: string; path: (string | number)[] }[], what: 'button' | 'option'): NodeIssue[] {
  const seen = new Set<string>();
  const issues: NodeIssue[] = [];
  for (const { label, path } of labels) {
    const key = label.trim();
    if (key !== '' && seen.has(key)) {
      issues.push({
        path,
        code: 'duplicate_label',
        message:
          what === 'button' ? t('Two buttons have the same label.', '有兩個按鈕名稱相同。') : t('Two options have the same label.', '有兩個選項名稱相同。'),
      });
    }
    seen.add(key);
  }
  return issues;
}
