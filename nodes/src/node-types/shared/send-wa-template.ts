import { t } from '@omniflow/schemas';
import { z } from 'zod';
import type { NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// WhatsApp message templates as journeys reference them (§4.2.2): the template is chosen from the
// WABA's approved list, so the node stores a snapshot of what the studio read from it (category,
// number of body parameters) and the values for its {{1}}, {{2}}… parameters.

export const WA_TEMPLATE_CATEGORIES = ['marketing', 'utility', 'authentication', 'system_notification'] as const;

export const WhatsAppTemplateRef = z.object({
  name: field(z.string().max(512).default(''), t('Template', '訊息範本'), { widget: 'select' }),
  language: field(z.string().max(16).default(''), t('Language', '語言'), { widget: 'select' }),
  category: field(z.enum(WA_TEMPLATE_CATEGORIES).default('marketing'), t('Category', '範本類別'), { widget: 'select' }),
  /** How many {{n}} parameters the template body has (read from the template). */
  bodyParameterCount: z.number().int().min(0).max(100).default(0),
});
export type WhatsAppTemplateRef = z.output<typeof WhatsAppTemplateRef>;

/** Parameter values: §5.1 placeholders, rendered per contact. */
export const TemplateParameters = field(z.array(z.string().max(4096)).max(100).default([]), t('Parameters', '參數'), { widget: 'list' });

/** §4.2.2: "System notification" templates cannot be used in journeys, broadcasts or 1:1 chats. */
export function checkTemplateRef(ref: WhatsAppTemplateRef, path: (string | number)[]): NodeIssue[] {
  if (ref.category !== 'system_notification') return [];
  return [
    {
      path: [...path, 'category'],
      code: 'system_notification_template',
      message: t(
        'System-notification templates cannot be used in journeys, broadcasts or 1:1 chats. Choose another template.',
        '「系統通知」類別的範本不能用於旅程、群發或一對一對話,請改選其他範本。',
      ),
    },
  ];
}

/**
 * §4.2.2: personalisation parameters must be single-line text, and there must be one value per {{n}}.
 * WhatsApp also rejects tabs and more than four consecutive spaces in a parameter (Cloud API error 132018).
 */
export function checkTemplateParameters(ref: WhatsAppTemplateRef, values: readonly string[], path: (string | number)[]): NodeIssue[] {
  const issues: NodeIssue[] = [];
  if (ref.name !== '' && values.length !== ref.bodyParameterCount) {
    issues.push({
      path,
      code: 'parameter_count_mismatch',
      message: t(
        `The template has ${ref.bodyParameterCount} parameter(s); ${values.length} value(s) are filled in.`,
        `此範本有 ${ref.bodyParameterCount} 個參數,目前填了 ${values.length} 個值。`,
      ),
    });
  }
  values.forEach((value, i) => {
    issues.push(...checkSingleLine(value, [...path, i], t(`Parameter ${i + 1}`, `參數${i + 1}`)));
  });
  return issues;
}

/** One template parameter value: a single line, no tabs, at most 4 spaces in a row. */
export function checkSingleLine(value: string, path: (string | number)[], name: { en: string; 'zh-Hant': string }): NodeIssue[] {
  if (/[\r\n]/.test(value)) {
    return [{ path, code: 'multiline_parameter', message: t(`${name.en} must be a single line of text.`, `${name['zh-Hant']}只能是單行文字。`) }];
  }
  if (value.includes('\t')) {
    return [{ path, code: 'tab_in_parameter', message: t(`${name.en} cannot contain tabs.`, `${name['zh-Hant']}不能包含 Tab 字元。`) }];
  }
  if (/ {5,}/.test(value)) {
    return [
      { path, code: 'spaces_in_parameter', message: t(`${name.en} cannot have more than 4 spaces in a row.`, `${name['zh-Hant']}不能有超過 4 個連續空白。`) },
    ];
  }
  return [];
}
