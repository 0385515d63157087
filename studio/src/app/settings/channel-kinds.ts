import type { PERMISSIONS } from '@omniflow/api';
import type { MessageKey } from '../i18n.tsx';
import type { Me, RouterInputs, RouterOutputs } from '../trpc.ts';

// What the Channels page asks for, kind by kind. The studio only imports the api's types, so the
// fields are restated here; each kind's table is keyed by its api input's own settings and secrets
// keys, so adding or renaming a field in api/src/channels/kinds.ts is a compile error until this follows.

export type ChannelDto = RouterOutputs['channels']['list'][number];
export type ChannelKind = ChannelDto['kind'];
type CreateInput = RouterInputs['channels']['create'];
type InputOf<K extends ChannelKind> = Extract<CreateInput, { kind: K }>;
type SettingsKey<K extends ChannelKind> = keyof NonNullable<InputOf<K>['settings']> & string;
type SecretKey<K extends ChannelKind> = keyof NonNullable<InputOf<K>['secrets']> & string;

/** Who may open the page: the api's own grant, restated (typed as its entry so a change there breaks this). */
const MANAGE: (typeof PERMISSIONS)['channels.manage'] = { admin: 'all' };
export function canManageChannels(me: Me | null | undefined): boolean {
  return !!me && (MANAGE as Partial<Record<string, string>>)[me.role] === 'all';
}

/** The localized sentence for a format the api checks with a regex (its own message is English only). */
export type FormatHint = 'url' | 'apiVersion' | 'platformId' | 'digits';

export interface FieldSpec {
  /** text: one line; list: one entry per line (sent as an array); secret: write-only. */
  input: 'text' | 'list' | 'secret';
  required: boolean;
  label: MessageKey;
  help: MessageKey;
  placeholder?: string;
  /** Shown under "Advanced" (proxies, test servers, API versions). */
  advanced?: boolean;
  format?: FormatHint;
}

export interface KindSpec<K extends ChannelKind> {
  label: MessageKey;
  blurb: MessageKey;
  /** A short badge standing in for the platform's logo. */
  badge: string;
  settings: Record<SettingsKey<K>, FieldSpec>;
  /** null: free-form named secrets (Call an API's auth.secretRef). */
  secrets: K extends 'http' ? null : Record<SecretKey<K>, FieldSpec>;
}

const baseUrl = (placeholder: string): FieldSpec => ({
  input: 'text',
  required: false,
  label: 'channels.f.baseUrl',
  help: 'channels.h.baseUrl',
  placeholder,
  advanced: true,
  format: 'url',
});
const apiVersion: FieldSpec = {
  input: 'text',
  required: false,
  label: 'channels.f.apiVersion',
  help: 'channels.h.apiVersion',
  placeholder: 'v21.0',
  advanced: true,
  format: 'apiVersion',
};
const secret = (label: MessageKey, help: MessageKey, required = true): FieldSpec => ({ input: 'secret', required, label, help });
const platformId = (label: MessageKey, help: MessageKey, required = true): FieldSpec => ({ input: 'text', required, label, help, format: 'platformId' });
const metaSecrets = {
  pageAccessToken: secret('channels.f.pageAccessToken', 'channels.h.pageAccessToken'),
  appSecret: secret('channels.f.appSecret', 'channels.h.appSecret'),
  verifyToken: secret('channels.f.verifyToken', 'channels.h.verifyToken'),
};

export const KIND_SPECS: { [K in ChannelKind]: KindSpec<K> } = {
  line: {
    label: 'channels.kind.line',
    blurb: 'channels.blurb.line',
    badge: 'LINE',
    settings: { baseUrl: baseUrl('https://api.line.me') },
    secrets: {
      channelSecret: secret('channels.f.channelSecret', 'channels.h.channelSecret'),
      channelAccessToken: secret('channels.f.channelAccessToken', 'channels.h.channelAccessToken'),
    },
  },
  messenger: {
    label: 'channels.kind.messenger',
    blurb: 'channels.blurb.messenger',
    badge: 'FB',
    settings: { pageId: platformId('channels.f.pageId', 'channels.h.pageId'), apiVersion, baseUrl: baseUrl('https://graph.facebook.com') },
    secrets: metaSecrets,
  },
  instagram: {
    label: 'channels.kind.instagram',
    blurb: 'channels.blurb.instagram',
    badge: 'IG',
    settings: {
      igUserId: platformId('channels.f.igUserId', 'channels.h.igUserId'),
      pageId: platformId('channels.f.pageId', 'channels.h.igPageId', false),
      apiVersion,
      baseUrl: baseUrl('https://graph.facebook.com'),
    },
    secrets: metaSecrets,
  },
  whatsapp: {
    label: 'channels.kind.whatsapp',
    blurb: 'channels.blurb.whatsapp',
    badge: 'WA',
    settings: {
      phoneNumberId: platformId('channels.f.phoneNumberId', 'channels.h.phoneNumberId'),
      businessAccountId: platformId('channels.f.businessAccountId', 'channels.h.businessAccountId', false),
      apiVersion,
      baseUrl: baseUrl('https://graph.facebook.com'),
    },
    secrets: {
      accessToken: secret('channels.f.accessToken', 'channels.h.waAccessToken'),
      appSecret: secret('channels.f.appSecret', 'channels.h.appSecret'),
      verifyToken: secret('channels.f.verifyToken', 'channels.h.verifyToken'),
    },
  },
  webchat: {
    label: 'channels.kind.webchat',
    blurb: 'channels.blurb.webchat',
    badge: 'WEB',
    settings: {
      allowedOrigins: {
        input: 'list',
        required: false,
        label: 'channels.f.allowedOrigins',
        help: 'channels.h.allowedOrigins',
        placeholder: 'https://shop.example.com',
      },
    },
    secrets: { signingSecret: secret('channels.f.signingSecret', 'channels.h.signingSecret', false) },
  },
  capi: {
    label: 'channels.kind.capi',
    blurb: 'channels.blurb.capi',
    badge: 'CAPI',
    settings: {
      datasetId: platformId('channels.f.datasetId', 'channels.h.datasetId'),
      testEventCode: { input: 'text', required: false, label: 'channels.f.testEventCode', help: 'channels.h.testEventCode', placeholder: 'TEST12345' },
      defaultCountryCode: {
        input: 'text',
        required: false,
        label: 'channels.f.defaultCountryCode',
        help: 'channels.h.defaultCountryCode',
        placeholder: '886',
        format: 'digits',
      },
      apiVersion,
      baseUrl: baseUrl('https://graph.facebook.com'),
    },
    secrets: { accessToken: secret('channels.f.accessToken', 'channels.h.capiAccessToken') },
  },
  http: {
    label: 'channels.kind.http',
    blurb: 'channels.blurb.http',
    badge: 'API',
    settings: {
      allowList: { input: 'list', required: false, label: 'channels.f.allowList', help: 'channels.h.allowList', placeholder: 'api.internal.example' },
    },
    secrets: null,
  },
};

export const KIND_ORDER = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'capi', 'http'] as const satisfies readonly ChannelKind[];
// A kind the api adds and the picker lacks is a compile error here.
type Unlisted = Exclude<ChannelKind, (typeof KIND_ORDER)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

/** A kind's fields as plain entries (the mapped types above are for the compiler). */
export function settingsFields(kind: ChannelKind): [string, FieldSpec][] {
  return Object.entries(KIND_SPECS[kind].settings as Record<string, FieldSpec>);
}
export function secretFields(kind: ChannelKind): [string, FieldSpec][] | null {
  const s = KIND_SPECS[kind].secrets as Record<string, FieldSpec> | null;
  return s ? Object.entries(s) : null;
}

/** The form's text for a stored setting (lists one per line). */
export function settingsToForm(kind: ChannelKind, settings: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of settingsFields(kind)) {
    const v = settings[key];
    out[key] = spec.input === 'list' ? (Array.isArray(v) ? v.map(String).join('\n') : '') : typeof v === 'string' ? v : '';
  }
  return out;
}

/** The api's settings object from the form: blanks of optional fields are left out, lists split by line. */
export function formToSettings(kind: ChannelKind, form: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of settingsFields(kind)) {
    const raw = form[key] ?? '';
    if (spec.input === 'list') {
      out[key] = raw
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (raw.trim() !== '' || spec.required) {
      out[key] = raw.trim();
    }
  }
  return out;
}

/** Required fields left blank, by form key (settings.x / secrets.x / name), before asking the api. */
export function missingFields(kind: ChannelKind, name: string, settings: Record<string, string>, secrets: Record<string, string>): string[] {
  const missing: string[] = [];
  if (!name.trim()) missing.push('name');
  for (const [key, spec] of settingsFields(kind)) if (spec.required && !(settings[key] ?? '').trim()) missing.push(`settings.${key}`);
  for (const [key, spec] of secretFields(kind) ?? []) if (spec.required && !(secrets[key] ?? '')) missing.push(`secrets.${key}`);
  return missing;
}

/** Required secrets a stored connection lacks (e.g. after one was removed): its status says so. */
export function missingSecrets(connection: Pick<ChannelDto, 'kind' | 'secrets'>): string[] {
  return (secretFields(connection.kind) ?? []).filter(([key, spec]) => spec.required && !connection.secrets[key]?.set).map(([key]) => key);
}

/** Where the platform should send webhooks, on the origin the studio is served from. */
export function webhookUrl(origin: string, connection: Pick<ChannelDto, 'webhookPath'>): string | null {
  return connection.webhookPath ? `${origin.replace(/\/$/, '')}${connection.webhookPath}` : null;
}

export function embedSnippet(origin: string, id: string): string {
  return `<script src="${origin.replace(/\/$/, '')}/webchat/widget.js" data-channel="${id}"></script>`;
}
