import { t } from '@omniflow/schemas';
import { z } from 'zod';
import type { NodeIssue, PortSpec } from '../../define.ts';
import { field } from '../../form.ts';

// Pieces shared by the send-type message nodes (journey send, WhatsApp template, Flex, notify with
// fallback, and the rich chatbot cards): delivery ports, the §6.7 purpose, module references and
// image/video assets with the metadata their size rules need.

/** Journey message nodes continue on `sent`, and branch on `failed` and `skipped` (§4.2.1 outputs). */
export const SENT_PORT: PortSpec = { id: 'sent', label: t('Sent', '已發送'), role: 'next' };
export const FAILED_PORT: PortSpec = { id: 'failed', label: t('Failed', '發送失敗'), role: 'failure' };
export const SKIPPED_PORT: PortSpec = { id: 'skipped', label: t('Skipped', '略過'), role: 'skipped' };
export const DELIVERY_PORTS: readonly PortSpec[] = [SENT_PORT, FAILED_PORT, SKIPPED_PORT];

/** §6.7: marketing sends exclude unsubscribed and over-quota contacts; the journey default is marketing. */
export const SEND_PURPOSES = ['marketing', 'transactional', 'conversational'] as const;
export const SendPurpose = field(z.enum(SEND_PURPOSES).default('marketing'), t('Purpose', '訊息用途'), {
  widget: 'select',
  help: t(
    'Marketing messages skip unsubscribed and over-quota contacts. Transactional messages (orders, bookings) may ignore quiet hours.',
    '行銷訊息不會發送給已取消訂閱或超額的顧客;交易訊息(訂單、預約)可不受勿擾時段限制。',
  ),
});

/** A module of a chatbot: `{botId, moduleId, versionId}` (§4.2.1); no version = the published one. */
export const BotModuleRef = z.object({
  botId: field(z.string().max(64).default(''), t('Bot', '機器人'), { widget: 'module' }),
  moduleId: field(z.string().max(64).default(''), t('Module', '對話模組'), { widget: 'module' }),
  versionId: z.string().max(64).optional(),
});

/** Decimal megabyte: where a platform says "5 MB" we take the stricter reading. */
export const MB = 1_000_000;

/** An uploaded image or video; width, height and size are filled in by the uploader when known. */
export const MediaAsset = z.object({
  url: field(z.string().max(2000), t('File URL', '檔案網址'), { widget: 'image' }),
  width: z.number().int().min(1).max(100_000).optional(),
  height: z.number().int().min(1).max(100_000).optional(),
  sizeBytes: z.number().int().min(0).optional(),
});
export type MediaAsset = z.output<typeof MediaAsset>;

/**
 * A media file must be uploaded (a check, not a limit rule: a URL has no meaningful length boundary) and
 * its URL must be https, as LINE and Meta fetch media over TLS; a placeholder is checked after rendering.
 */
export function checkMediaUrl(url: string, path: (string | number)[]): NodeIssue[] {
  if (url === '') return [{ path, code: 'required', message: t('Upload the file or remove this field.', '請上傳檔案,或移除此欄位。') }];
  if (url.startsWith('{{') || /^https:\/\/\S+$/i.test(url)) return [];
  return [{ path, code: 'invalid_url', message: t('Use a full https:// address for the file.', '請使用完整的 https:// 檔案網址。') }];
}

/** The ratio of an asset, when the uploader measured it. */
export function aspectOf(asset: MediaAsset | undefined): number | undefined {
  return asset?.width && asset.height ? asset.width / asset.height : undefined;
}

/** §6.6: only transactional messages may skip quiet hours. */
export function checkQuietHours(config: { purpose: (typeof SEND_PURPOSES)[number]; respectQuietHours: boolean }): NodeIssue[] {
  if (config.respectQuietHours || config.purpose === 'transactional') return [];
  return [
    {
      path: ['respectQuietHours'],
      code: 'quiet_hours_opt_out',
      message: t('Only transactional messages may ignore quiet hours.', '只有交易訊息可以不受勿擾時段限制。'),
    },
  ];
}
