import { z } from 'zod';

/** The studio's two UI languages; every marketer-facing string carries both. */
export const UI_LANGUAGES = ['en', 'zh-Hant'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

export const LocalizedText = z.object({ en: z.string(), 'zh-Hant': z.string() });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Builds a LocalizedText: `t('Button label', '按鈕名稱')`. */
export function t(en: string, zhHant: string): LocalizedText {
  return { en, 'zh-Hant': zhHant };
}
