import { z } from 'zod';

// What each kind of channel connection holds: non-secret settings (shown and editable) and secrets
// (write-only). Base URLs are settings so tests and proxies can point a connection at another server.

export const CHANNEL_KINDS = ['line', 'messenger', 'instagram', 'whatsapp', 'webchat', 'capi', 'http'] as const;
export const ChannelConnectionKind = z.enum(CHANNEL_KINDS);
export type ChannelConnectionKind = z.infer<typeof ChannelConnectionKind>;

const BaseUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'Use an http(s) URL such as https://api.line.me');
const GraphVersion = z
  .string()
  .trim()
  .regex(/^v\d+\.\d+$/, 'Use a Graph API version such as v21.0');
const PlatformId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z_-]+$/, 'Use the id as the platform shows it (letters, digits, _ and -)');
const Secret = z.string().min(1).max(4096);

const MetaSecrets = z
  .object({
    pageAccessToken: Secret,
    /** Signs webhooks (X-Hub-Signature-256). */
    appSecret: Secret,
    /** Echoed by the GET subscription handshake. */
    verifyToken: Secret,
  })
  .strict();

export const SETTINGS = {
  line: z.object({ baseUrl: BaseUrl.optional() }).strict(),
  messenger: z.object({ pageId: PlatformId, apiVersion: GraphVersion.optional(), baseUrl: BaseUrl.optional() }).strict(),
  instagram: z.object({ igUserId: PlatformId, pageId: PlatformId.optional(), apiVersion: GraphVersion.optional(), baseUrl: BaseUrl.optional() }).strict(),
  whatsapp: z
    .object({ phoneNumberId: PlatformId, businessAccountId: PlatformId.optional(), apiVersion: GraphVersion.optional(), baseUrl: BaseUrl.optional() })
    .strict(),
  webchat: z.object({ allowedOrigins: z.array(z.string().trim().min(1).max(300)).max(50).default([]) }).strict(),
  capi: z
    .object({
      datasetId: PlatformId,
      apiVersion: GraphVersion.optional(),
      baseUrl: BaseUrl.optional(),
      testEventCode: z.string().trim().min(1).max(100).optional(),
      /** Added to phone numbers stored without one (Meta requires the country code). */
      defaultCountryCode: z
        .string()
        .regex(/^\d{1,4}$/, 'Digits only, e.g. 886')
        .optional(),
    })
    .strict(),
  http: z.object({ allowList: z.array(z.string().trim().min(1).max(300)).max(100).default([]) }).strict(),
} as const;

export const SECRETS = {
  line: z.object({ channelAccessToken: Secret, channelSecret: Secret }).strict(),
  messenger: MetaSecrets,
  instagram: MetaSecrets,
  whatsapp: z.object({ accessToken: Secret, appSecret: Secret, verifyToken: Secret }).strict(),
  webchat: z.object({ signingSecret: Secret.optional() }).strict(),
  capi: z.object({ accessToken: Secret }).strict(),
  /** Named secrets that Call-an-API nodes reference by `auth.secretRef`. */
  http: z.record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'A secret name starts with a letter: letters, digits, _ . -'),
    Secret,
  ),
} as const;

export type SettingsOf<K extends ChannelConnectionKind> = z.infer<(typeof SETTINGS)[K]>;
export type SecretsOf<K extends ChannelConnectionKind> = z.infer<(typeof SECRETS)[K]>;

const Name = z.string().trim().min(1).max(100);

/** Create input: one shape per kind, so a missing or wrong field is named in the error. */
export const CreateChannelInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('line'), name: Name, settings: SETTINGS.line.default({}), secrets: SECRETS.line }).strict(),
  z.object({ kind: z.literal('messenger'), name: Name, settings: SETTINGS.messenger, secrets: SECRETS.messenger }).strict(),
  z.object({ kind: z.literal('instagram'), name: Name, settings: SETTINGS.instagram, secrets: SECRETS.instagram }).strict(),
  z.object({ kind: z.literal('whatsapp'), name: Name, settings: SETTINGS.whatsapp, secrets: SECRETS.whatsapp }).strict(),
  z
    .object({ kind: z.literal('webchat'), name: Name, settings: SETTINGS.webchat.default({ allowedOrigins: [] }), secrets: SECRETS.webchat.default({}) })
    .strict(),
  z.object({ kind: z.literal('capi'), name: Name, settings: SETTINGS.capi, secrets: SECRETS.capi }).strict(),
  z.object({ kind: z.literal('http'), name: Name, settings: SETTINGS.http.default({ allowList: [] }), secrets: SECRETS.http.default({}) }).strict(),
]);
export type CreateChannelInput = z.infer<typeof CreateChannelInput>;

/** Update input: settings replace the stored ones (checked against the connection's kind); secrets are changed with rotateSecret. */
export const UpdateChannelInput = z
  .object({ id: z.string().min(1).max(64), name: Name.optional(), settings: z.record(z.string(), z.unknown()).optional() })
  .strict();

export const RotateSecretInput = z
  .object({
    id: z.string().min(1).max(64),
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/),
    /** The new value; null removes an optional secret (or a Call-an-API named secret). */
    value: Secret.nullable(),
  })
  .strict();
