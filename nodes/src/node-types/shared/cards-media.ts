import { type LocalizedText, t } from '@omniflow/schemas';
import { z } from 'zod';
import type { NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// Media metadata the uploader records with an asset, and the format checks the media cards share
// (§4.1.2–§4.1.6, §6.9). Sizes are in bytes; "10 MB" in the spec is read as 10 × 1024 × 1024.

export const MB = 1024 * 1024;

/** Asset URL: generous cap; the per-channel URL limits are limit rules. */
export const AssetUrl = z.string().max(4096);

export const SizeBytes = field(z.number().int().min(0).optional(), t('File size (bytes)', '檔案大小(位元組)'), { widget: 'number' });
export const MimeType = field(z.string().max(100).optional(), t('File type', '檔案類型'), { widget: 'text' });
export const Pixels = (label: LocalizedText) => field(z.number().int().min(1).max(100_000).optional(), label, { widget: 'number' });

export const isHttpsUrl = (value: string): boolean => /^https:\/\/[^\s]+$/i.test(value);

/** The file extension of a URL's last path segment, lower-cased, if it has one. */
export function urlExtension(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /\.([A-Za-z0-9]{2,5})$/.exec(name)?.[1]?.toLowerCase();
}

/** Extensions we recognise as image or video files; other extensions (".php", ".aspx") say nothing about the format. */
const MEDIA_EXTENSIONS = [
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'bmp',
  'svg',
  'heic',
  'heif',
  'tif',
  'tiff',
  'mp4',
  'mov',
  'avi',
  'webm',
  'mkv',
  'm4v',
  '3gp',
  'wmv',
  'flv',
];

export interface MediaFormat {
  /** Accepted MIME types, lower case. */
  mimeTypes: readonly string[];
  /** Accepted extensions, lower case. */
  extensions: readonly string[];
  /** "PNG, JPG or JPEG" for messages. */
  names: string;
}

export const IMAGE_FORMAT: MediaFormat = { mimeTypes: ['image/png', 'image/jpeg', 'image/jpg'], extensions: ['png', 'jpg', 'jpeg'], names: 'PNG, JPG or JPEG' };
export const VIDEO_FORMAT: MediaFormat = { mimeTypes: ['video/mp4'], extensions: ['mp4'], names: 'MP4' };

/**
 * A required URL is checked here rather than by a `min: 1` limit: a URL field is never probed with an
 * empty value by the limit tests, and "required" reads better next to the URL's own format issues.
 */
export function requiredIssue(value: string | undefined, path: (string | number)[], what: LocalizedText): NodeIssue[] {
  if (value !== undefined && value.trim() !== '') return [];
  return [{ path, code: 'required', message: t(`${what.en} is required.`, `請填寫${what['zh-Hant']}。`) }];
}

/** An asset URL must be a complete HTTPS URL (LINE and WhatsApp fetch media over HTTPS). */
export function httpsIssue(value: string | undefined, path: (string | number)[], what: LocalizedText): NodeIssue[] {
  if (!value || isHttpsUrl(value)) return [];
  return [
    {
      path,
      code: 'invalid_url',
      message: t(`${what.en} must be a complete https:// URL.`, `${what['zh-Hant']}必須是完整的 https:// 網址。`),
    },
  ];
}

/** A required asset: present, and a complete HTTPS URL. */
export function assetUrlIssues(value: string | undefined, path: (string | number)[], what: LocalizedText): NodeIssue[] {
  return [...requiredIssue(value, path, what), ...httpsIssue(value, path, what)];
}

/** The recorded MIME type or a recognisable URL extension must be one the card accepts. */
export function formatIssues(
  url: string | undefined,
  mimeType: string | undefined,
  format: MediaFormat,
  paths: { url: (string | number)[]; mimeType: (string | number)[] },
  source: string,
): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const message = (found: string) =>
    t(
      `${found.toUpperCase()} is not supported here; use ${format.names} (${source}).`,
      `此處不支援 ${found.toUpperCase()} 格式,請使用 ${format.names}(${source})。`,
    );
  const mime = mimeType?.trim().toLowerCase();
  if (mime && !format.mimeTypes.includes(mime)) {
    issues.push({ path: paths.mimeType, code: 'unsupported_format', message: message(mime.replace(/^[a-z]+\//, '')) });
  }
  const ext = url ? urlExtension(url) : undefined;
  if (ext && MEDIA_EXTENSIONS.includes(ext) && !format.extensions.includes(ext)) {
    issues.push({ path: paths.url, code: 'unsupported_format', message: message(ext) });
  }
  return issues;
}
