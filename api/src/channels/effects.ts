import {
  CapiAdapter,
  type ChannelAdapters,
  ChannelEffectHandler,
  type ContactLookup,
  type Effect,
  type EffectHandler,
  type EffectResult,
  HttpExecutor,
  InstagramAdapter,
  LINE_DEFAULT_BASE_URL,
  LineAdapter,
  type LineAdapterOptions,
  type LineChannelConfig,
  MessengerAdapter,
  type MetaPageConfig,
  type ReplyTokenStore,
  redact,
  type SendAdapter,
  type SentLedger,
  WhatsAppAdapter,
  type WhatsAppChannelConfig,
} from '@omniflow/engine';
import type { ChannelRegistry, LoadedConnection } from './connections.ts';
import type { DeliveryLog, RunFacts } from './deliveries.ts';

// The engine's effect handler built from the configured channel connections: LINE, the Meta and WhatsApp
// adapters when present, the Conversions API, Call an API (its secrets resolved from the encrypted
// store), and the web chat when plugged in. Rebuilt whenever a connection changes. Every `send` is
// recorded as a delivery (sending → sent / failed) for the §7 statistics.

export interface ChannelEffectsOptions {
  registry: ChannelRegistry;
  contacts: ContactLookup;
  replyTokens: ReplyTokenStore;
  deliveries: DeliveryLog;
  /** The run's version and test flag (effects do not carry them). */
  runFacts: (runId: string) => RunFacts | undefined;
  /** The web chat hub (api/src/webchat), plugged in with one line when it exists. */
  webchat?: SendAdapter;
  /** Click tracking (api/src/clicks): the tracking redirect for each link a LINE card opens. */
  lineTrackUrl?: LineAdapterOptions['trackUrl'];
  /** Meta has no retry key: accepted sends are remembered here so a redelivered effect is not sent twice. */
  sentLedger?: SentLedger;
  /** Hosts Call an API may reach although private (tests: 127.0.0.1); added to each http connection's allowList. */
  httpAllowList?: readonly string[];
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A Messenger page or Instagram account connection as the Meta adapters want it. */
export function metaPageConfig(c: LoadedConnection): MetaPageConfig | undefined {
  const pageId = c.kind === 'instagram' ? str(c.settings.igUserId) : str(c.settings.pageId);
  const accessToken = c.secrets.pageAccessToken;
  const appSecret = c.secrets.appSecret;
  if (!pageId || !accessToken || !appSecret) return undefined;
  return {
    channelId: c.id,
    pageId,
    accessToken,
    appSecret,
    ...(c.secrets.verifyToken ? { verifyToken: c.secrets.verifyToken } : {}),
    ...(str(c.settings.baseUrl) ? { baseUrl: str(c.settings.baseUrl)! } : {}),
    ...(str(c.settings.apiVersion) ? { apiVersion: str(c.settings.apiVersion)! } : {}),
  };
}

export function whatsAppConfig(c: LoadedConnection): WhatsAppChannelConfig | undefined {
  const phoneNumberId = str(c.settings.phoneNumberId);
  const { accessToken, appSecret } = c.secrets;
  if (!phoneNumberId || !accessToken || !appSecret) return undefined;
  return {
    channelId: c.id,
    phoneNumberId,
    accessToken,
    appSecret,
    ...(c.secrets.verifyToken ? { verifyToken: c.secrets.verifyToken } : {}),
    ...(str(c.settings.baseUrl) ? { baseUrl: str(c.settings.baseUrl)! } : {}),
    ...(str(c.settings.apiVersion) ? { apiVersion: str(c.settings.apiVersion)! } : {}),
  };
}

function lineConfig(c: LoadedConnection): LineChannelConfig | undefined {
  const accessToken = c.secrets.channelAccessToken;
  const channelSecret = c.secrets.channelSecret;
  if (!accessToken || !channelSecret) return undefined;
  return { channelId: c.id, accessToken, channelSecret, baseUrl: str(c.settings.baseUrl) ?? LINE_DEFAULT_BASE_URL };
}

export class ChannelEffects implements EffectHandler {
  #handler: ChannelEffectHandler;
  readonly #unsubscribe: () => void;

  constructor(private readonly o: ChannelEffectsOptions) {
    this.#handler = this.#build();
    this.#unsubscribe = o.registry.onChange(() => {
      this.#handler = this.#build();
    });
  }

  #build(): ChannelEffectHandler {
    const { registry, contacts } = this.o;
    const fetchImpl = this.o.fetch ? { fetch: this.o.fetch } : {};
    const ledger = this.o.sentLedger ? { ledger: this.o.sentLedger } : {};
    const adapters: ChannelAdapters = {
      // Looked up per send, so a rotated token is used at once.
      line: new LineAdapter({
        channels: (id) => {
          const c = registry.get(id);
          return c?.kind === 'line' ? lineConfig(c) : undefined;
        },
        contacts,
        replyTokens: this.o.replyTokens,
        ...(this.o.lineTrackUrl ? { trackUrl: this.o.lineTrackUrl } : {}),
        ...fetchImpl,
      }),
      messenger: new MessengerAdapter({ channels: (id) => this.#ofKind(id, 'messenger', metaPageConfig), contacts, ...ledger, ...fetchImpl }),
      instagram: new InstagramAdapter({ channels: (id) => this.#ofKind(id, 'instagram', metaPageConfig), contacts, ...ledger, ...fetchImpl }),
      whatsapp: new WhatsAppAdapter({ channels: (id) => this.#ofKind(id, 'whatsapp', whatsAppConfig), contacts, ...ledger, ...fetchImpl }),
      ...(this.o.webchat ? { webchat: this.o.webchat } : {}),
    };
    const capi = registry.ofKind('capi');
    const first = capi[0];
    if (first) {
      adapters.capi = new CapiAdapter({
        contacts,
        accessToken: (datasetId) =>
          capi.find((c) => c.settings.datasetId === datasetId)?.secrets.accessToken ?? (capi.length === 1 ? first.secrets.accessToken : undefined),
        ...(str(first.settings.baseUrl) ? { baseUrl: str(first.settings.baseUrl)! } : {}),
        ...(str(first.settings.apiVersion) ? { apiVersion: str(first.settings.apiVersion)! } : {}),
        ...(str(first.settings.defaultCountryCode) ? { defaultCountryCode: str(first.settings.defaultCountryCode)! } : {}),
        metaIds: (channelId) => {
          const c = registry.get(channelId);
          if (!c) return undefined;
          return {
            ...(str(c.settings.pageId) ? { pageId: str(c.settings.pageId)! } : {}),
            ...(str(c.settings.businessAccountId) ? { whatsappBusinessAccountId: str(c.settings.businessAccountId)! } : {}),
            ...(str(c.settings.igUserId) ? { instagramBusinessAccountId: str(c.settings.igUserId)! } : {}),
          };
        },
        ...fetchImpl,
      });
    }
    // Call an API works without a connection (no auth, public hosts); http connections add named
    // secrets for its auth and hosts to its egress allow-list.
    const http = registry.ofKind('http');
    adapters.http = new HttpExecutor({
      // Named secrets of every Call-an-API connection; the first that has the name wins.
      secrets: (ref) => http.find((c) => c.secrets[ref] !== undefined)?.secrets[ref],
      allowList: [...(this.o.httpAllowList ?? []), ...http.flatMap((c) => (Array.isArray(c.settings.allowList) ? c.settings.allowList.map(String) : []))],
      log: (line) => this.o.log?.(redact(line, registry.allSecrets())),
    });
    return new ChannelEffectHandler(adapters);
  }

  #ofKind<T>(id: string, kind: LoadedConnection['kind'], build: (c: LoadedConnection) => T | undefined): T | undefined {
    const c = this.o.registry.get(id);
    return c?.kind === kind ? build(c) : undefined;
  }

  async deliver(effect: Effect): Promise<EffectResult> {
    if (effect.kind === 'capi') return this.#redacted(await this.#handler.deliver(this.#withTestEventCode(effect)));
    if (effect.kind !== 'send') return this.#redacted(await this.#handler.deliver(effect));
    const run = this.o.runFacts(effect.runId);
    await this.o.deliveries.begin(effect, run);
    // A throw is retried by the runtime; the row stays in `sending` until an answer comes.
    const result = this.#redacted(await this.#handler.deliver(effect));
    await this.o.deliveries.settle(effect, result, await this.#connectionOf(effect));
    return result;
  }

  /** Failure messages go to run timelines and logs: no stored secret may appear in them. */
  #redacted(result: EffectResult): EffectResult {
    return result.ok ? result : { ...result, message: redact(result.message, this.o.registry.allSecrets()) };
  }

  /** A test run's CAPI event carries the dataset connection's test event code unless the node set one (§8.1). */
  #withTestEventCode(effect: Effect): Effect {
    if (effect.payload.testEventCode || !this.o.runFacts(effect.runId)?.isTest) return effect;
    const dataset = this.o.registry.ofKind('capi').find((c) => c.settings.datasetId === effect.payload.datasetId);
    const code = str(dataset?.settings.testEventCode);
    return code ? { ...effect, payload: { ...effect.payload, testEventCode: code } } : effect;
  }

  /** The connection a send went out on: the contact's identity on the effect's channel. */
  async #connectionOf(effect: Effect): Promise<string | null> {
    const channel = effect.payload.channel;
    const contact = await this.o.contacts.get(effect.customerId);
    return contact?.identities.find((i) => i.channel === channel)?.channelId ?? null;
  }

  close(): void {
    this.#unsubscribe();
  }
}
