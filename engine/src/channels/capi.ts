import { createHash } from 'node:crypto';
import type { SendResult } from '@omniflow/nodes';
import type { Customer } from '@omniflow/schemas';
import type { Effect } from '../effects.ts';
import { errorMessage, failure, isTimeout, postJson, redact } from './common.ts';
import type { ContactLookup } from './line.ts';

// The Meta Conversions API adapter (PLATFORMS.md §4): POST {base}/{version}/{datasetId}/events with the
// node's event, event_id = the node's idempotency key, and user_data built from the contact, normalised
// and SHA-256 hashed as §4.1 documents. Identifiers Meta says not to hash (page_scoped_user_id, ctwa_clid,
// ig_sid, fbc, fbp…) go as they are. A contact with nothing Meta can match is a typed `no_identity`.

const HEX64 = /^[0-9a-f]{64}$/i;

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const stripPunctuation = (s: string) => s.replace(/[\p{P}\p{S}]/gu, '');

/** em: trim, lowercase. */
export const normaliseEmail = (v: string): string => v.trim().toLowerCase();

/**
 * ph: digits only, no leading zeros, with the country code. A number written with `+` or `00` is taken
 * as international; otherwise `defaultCountryCode` (e.g. "1", "886") is prepended unless already there.
 */
export function normalisePhone(v: string, defaultCountryCode?: string): string {
  const raw = v.trim();
  const international = raw.startsWith('+') || raw.startsWith('00');
  let digits = raw.replace(/\D/g, '').replace(/^0+/, '');
  if (!international && defaultCountryCode && !digits.startsWith(defaultCountryCode)) digits = `${defaultCountryCode}${digits}`;
  return digits;
}

/** fn / ln: lowercase, no punctuation (UTF-8 letters such as é kept, NFC). */
export const normaliseName = (v: string): string => stripPunctuation(v.normalize('NFC').trim().toLowerCase()).replace(/\s+/g, ' ').trim();

/** ct: lowercase, no punctuation, special characters or spaces. */
export const normaliseCity = (v: string): string => stripPunctuation(v.normalize('NFC').toLowerCase()).replace(/\s+/g, '');

/** st: lowercase, no punctuation or spaces (a US 2-letter code stays 2 letters). */
export const normaliseState = normaliseCity;

/** zp: lowercase, no spaces or dashes; a US ZIP+4 keeps its first 5 digits. */
export function normaliseZip(v: string): string {
  const s = v.trim().toLowerCase().replace(/[\s-]/g, '');
  return /^\d{9}$/.test(s) ? s.slice(0, 5) : s;
}

let countryNames: Map<string, string> | undefined;
/** country: lowercase ISO 3166-1 alpha-2; English country names are mapped with Intl.DisplayNames. */
export function normaliseCountry(v: string): string {
  const s = v.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(s)) return s;
  if (!countryNames) {
    countryNames = new Map([
      ['usa', 'us'],
      ['uk', 'gb'],
      ['u.s.', 'us'],
      ['u.s.a.', 'us'],
    ]);
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code) countryNames.set(name.toLowerCase(), code.toLowerCase());
      }
  }
  return countryNames.get(s) ?? stripPunctuation(s).replace(/\s+/g, '');
}

/** db: YYYYMMDD from YYYY-MM-DD, YYYYMMDD, or M/D/YYYY (D/M/YYYY when the first part is over 12). */
export function normaliseBirthdate(v: string): string | undefined {
  const s = v.trim();
  let m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s);
  if (m) return `${m[1]}${m[2]}${m[3]}`;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) {
    let [month, day] = [Number(m[1]), Number(m[2])];
    if (month > 12) [month, day] = [day, month];
    if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
    return `${m[3]}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  }
  return undefined;
}

/** ge: `f` or `m`. */
export function normaliseGender(v: string): string | undefined {
  const s = v.trim().toLowerCase();
  if (s.startsWith('f') || s === '女') return 'f';
  if (s.startsWith('m') || s === '男') return 'm';
  return undefined;
}

/** external_id: trimmed, lowercased, no whitespace (as Meta's parameter builder does). */
export const normaliseExternalId = (v: string): string => v.trim().toLowerCase().replace(/\s+/g, '');

export const HASHED_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'db', 'ge', 'external_id'] as const;
export type HashedKey = (typeof HASHED_KEYS)[number];

const NORMALISERS: Record<HashedKey, (v: string, cc?: string) => string | undefined> = {
  em: normaliseEmail,
  ph: normalisePhone,
  fn: normaliseName,
  ln: normaliseName,
  ct: normaliseCity,
  st: normaliseState,
  zp: normaliseZip,
  country: normaliseCountry,
  db: normaliseBirthdate,
  ge: normaliseGender,
  external_id: normaliseExternalId,
};

/** Normalises and hashes one value; an already-hashed value (64 hex) passes through lowercased. */
export function hashUserDataValue(key: HashedKey, value: string, defaultCountryCode?: string): string | undefined {
  if (HEX64.test(value.trim())) return value.trim().toLowerCase();
  const n = NORMALISERS[key](value, defaultCountryCode);
  return n ? sha256Hex(n) : undefined;
}

/** Contact attribute keys read for each hashed field (first one set wins). */
export const DEFAULT_ATTRIBUTE_KEYS: Partial<Record<HashedKey, readonly string[]>> = {
  fn: ['first_name', 'firstName'],
  ln: ['last_name', 'lastName'],
  ct: ['city'],
  st: ['state'],
  zp: ['zip', 'postal_code', 'zip_code'],
  country: ['country'],
  db: ['birthday', 'date_of_birth', 'birthdate'],
  ge: ['gender'],
};

export interface MetaAccountIds {
  /** Facebook Page id of a Messenger channel. */
  pageId?: string;
  whatsappBusinessAccountId?: string;
  instagramBusinessAccountId?: string;
}

export interface CapiAdapterOptions {
  contacts: ContactLookup;
  /** The dataset's (pixel's) access token. */
  accessToken: (datasetId: string) => string | undefined;
  /** Default https://graph.facebook.com. */
  baseUrl?: string;
  /** Graph API version (default v24.0). */
  apiVersion?: string;
  /** Country calling code for phones stored without one. */
  defaultCountryCode?: string;
  /** The Meta ids of a channel account (ContactIdentity.channelId), for business-messaging user_data. */
  metaIds?: (channelId: string) => MetaAccountIds | undefined;
  /** external_id of a contact (default: the member id). */
  externalId?: (c: Customer) => string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type UserData = Record<string, string | string[]>;

/** user_data for a contact, or why there is nothing Meta could match. */
export function buildUserData(
  contact: Customer,
  event: { actionSource?: string; messagingChannel?: string },
  o: Pick<CapiAdapterOptions, 'defaultCountryCode' | 'metaIds' | 'externalId'> = {},
): { userData: UserData } | { noIdentity: string } {
  const ud: UserData = {};
  const put = (key: HashedKey, value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const h = hashUserDataValue(key, String(value), o.defaultCountryCode);
    if (h) ud[key] = [h];
  };
  put('em', contact.email);
  put('ph', contact.phone);
  put('external_id', o.externalId ? o.externalId(contact) : contact.memberId);
  for (const [key, attrs] of Object.entries(DEFAULT_ATTRIBUTE_KEYS) as [HashedKey, readonly string[]][]) {
    const attr = attrs.find((a) => contact.attributes[a] !== undefined && contact.attributes[a] !== null && contact.attributes[a] !== '');
    if (attr) put(key, contact.attributes[attr]);
  }
  for (const k of ['fbc', 'fbp'] as const) {
    const v = contact.attributes[k];
    if (typeof v === 'string' && v) ud[k] = v;
  }

  if (event.actionSource === 'business_messaging') {
    const channel = event.messagingChannel;
    const identity = contact.identities.find((i) => i.channel === channel);
    if (!identity) return { noIdentity: `The contact has no ${channel ?? 'messaging'} identity for a business-messaging event` };
    const ids = o.metaIds?.(identity.channelId) ?? {};
    if (channel === 'messenger') {
      ud.page_scoped_user_id = identity.externalUserId;
      if (ids.pageId) ud.page_id = ids.pageId;
    } else if (channel === 'instagram') {
      ud.ig_sid = identity.externalUserId;
      if (ids.instagramBusinessAccountId) ud.instagram_business_account_id = ids.instagramBusinessAccountId;
    } else if (channel === 'whatsapp') {
      const clid = contact.attributes.ctwa_clid;
      if (typeof clid !== 'string' || clid === '') return { noIdentity: 'The WhatsApp contact has no ctwa_clid (it did not come from a click-to-WhatsApp ad)' };
      ud.ctwa_clid = clid;
      if (ids.whatsappBusinessAccountId) ud.whatsapp_business_account_id = ids.whatsappBusinessAccountId;
    }
    return { userData: ud };
  }
  const matchable = ['em', 'ph', 'external_id', 'fbc', 'fbp'].some((k) => ud[k] !== undefined);
  if (!matchable) return { noIdentity: 'The contact has no email, phone, external id or Meta click id to match' };
  return { userData: ud };
}

interface CapiPayload {
  datasetId?: string;
  eventName?: string;
  actionSource?: string;
  messagingChannel?: string;
  eventId?: string;
  eventTime?: number;
  customData?: { value?: string; currency?: string; contentIds?: string[]; contentType?: string; orderId?: string };
  testEventCode?: string;
}

/** The server event Meta receives. */
export function capiEvent(effect: Effect, userData: UserData): Record<string, unknown> {
  const p = effect.payload as CapiPayload;
  const cd = p.customData ?? {};
  const custom: Record<string, unknown> = {};
  if (cd.value !== undefined && cd.value !== '' && Number.isFinite(Number(cd.value))) custom.value = Number(cd.value);
  if (cd.currency) custom.currency = cd.currency;
  const ids = (cd.contentIds ?? []).filter((x) => x !== '');
  if (ids.length) custom.content_ids = ids;
  if (cd.contentType) custom.content_type = cd.contentType;
  if (cd.orderId) custom.order_id = cd.orderId;
  // event_time in seconds; a millisecond value (a node written by hand) is converted.
  const t = typeof p.eventTime === 'number' ? p.eventTime : Math.floor(Date.now() / 1000);
  return {
    event_name: p.eventName,
    event_time: t > 1e11 ? Math.floor(t / 1000) : Math.floor(t),
    event_id: p.eventId ?? effect.idempotencyKey,
    action_source: p.actionSource ?? 'business_messaging',
    ...(p.actionSource === 'business_messaging' && p.messagingChannel ? { messaging_channel: p.messagingChannel } : {}),
    user_data: userData,
    ...(Object.keys(custom).length ? { custom_data: custom } : {}),
  };
}

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
  events_received?: number;
  fbtrace_id?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80004]);

export class CapiAdapter {
  constructor(private readonly o: CapiAdapterOptions) {}

  async deliver(effect: Effect): Promise<SendResult> {
    const p = effect.payload as CapiPayload;
    if (!p.datasetId) return failure('bad_request', 'The event has no dataset id', false);
    const token = this.o.accessToken(p.datasetId);
    if (!token) return failure('channel_not_configured', `No access token for dataset ${p.datasetId}`, false);
    const contact = await this.o.contacts.get(effect.customerId);
    if (!contact) return failure('no_identity', `Contact ${effect.customerId} not found`, false);
    const built = buildUserData(contact, p, this.o);
    if ('noIdentity' in built) return failure('no_identity', built.noIdentity, false);
    const body = { data: [capiEvent(effect, built.userData)], ...(p.testEventCode ? { test_event_code: p.testEventCode } : {}) };
    const base = (this.o.baseUrl ?? 'https://graph.facebook.com').replace(/\/$/, '');
    const url = `${base}/${this.o.apiVersion ?? 'v24.0'}/${encodeURIComponent(p.datasetId)}/events?access_token=${encodeURIComponent(token)}`;
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    let res: Awaited<ReturnType<typeof postJson>>;
    try {
      res = await postJson(url, body, {}, timeoutMs, this.o.fetch);
    } catch (e) {
      if (isTimeout(e)) return failure('timeout', `Meta did not answer within ${timeoutMs} ms`, true);
      return failure('network', redact(errorMessage(e), [token, encodeURIComponent(token)]), true);
    }
    const r = (res.body ?? {}) as GraphError;
    if (res.status === 200) return { ok: true, messageId: `${String(body.data[0]!.event_id)}`, channel: channelOf(p) };
    const err = r.error ?? {};
    const message = redact(`${err.message ?? `HTTP ${res.status}`}${err.code !== undefined ? ` (code ${err.code})` : ''}`, [token]);
    if (res.status === 429 || (err.code !== undefined && RATE_LIMIT_CODES.has(err.code))) return failure('rate_limited', message, true, res.status);
    if (res.status >= 500) return failure('server_error', message, true, res.status);
    if (res.status === 401 || err.code === 190) return failure('unauthorized', message, false, res.status);
    if (res.status === 403 || err.code === 10 || err.code === 200) return failure('forbidden', message, false, res.status);
    return failure('bad_request', message, false, res.status);
  }
}

function channelOf(p: CapiPayload): 'messenger' | 'whatsapp' | 'instagram' | 'line' {
  return p.messagingChannel === 'whatsapp' || p.messagingChannel === 'instagram' || p.messagingChannel === 'messenger' ? p.messagingChannel : 'messenger';
}
