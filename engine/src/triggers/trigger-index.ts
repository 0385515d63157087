import { evaluateCondition, keywordTrigger } from '@omniflow/nodes';
import { type AttributeCondition, BOT_SCOPE_CHANNELS, type ChannelKind, type Customer, type TriggerEvent } from '@omniflow/schemas';
import type { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { KeywordMatcher, type KeywordRule } from './keyword-matcher.ts';
import {
  canonicalUrl,
  commentMatches,
  excludedMatch,
  excludedPages,
  formFiltersPass,
  type PageRule,
  pageMatches,
  pageRules,
  periodBounds,
  startOfDay,
} from './rule-checks.ts';

// Which flows an event may start, found by index rather than by scanning every rule: tag name → rules,
// attribute key → rules, trigger key → rule, flow id → system trigger, and the keyword automaton.
// Entry conditions, re-entry policy and dedupe are checked afterwards by the engine.

export interface TriggerMatch {
  flow: CompiledFlow;
  triggerId: string;
  /** Why it matched, for the run timeline. */
  explanation: string;
  /** The trigger's node type (entry rules differ per type: a cart add restarts a run). */
  triggerType?: string;
  /** The channel the run messages on, when the trigger names it (cart remarketing) and the event has none. */
  channel?: ChannelKind;
}

interface Rule {
  flow: CompiledFlow;
  triggerId: string;
  type: string;
  config: Record<string, unknown>;
  /** Creation order (flow order, then trigger position): larger is newer. */
  order: number;
}

/** A date-condition trigger the daily evaluator re-checks (§3.5): its truth moves with "now". */
export interface DailyDateRule {
  flow: CompiledFlow;
  triggerId: string;
  key: string;
  condition: AttributeCondition;
}

/** One page view of the contact, as the engine's visit log holds it. */
export interface SiteVisit {
  url: string;
  at: number;
}

const RELATIVE_DATE_OPS = new Set(['today', 'nthPastDay', 'nthFutureDay', 'withinNextDays', 'afterDays', 'withinLastDays']);

/** Whether a condition's truth changes with the date alone, so it needs the daily evaluator. */
export function needsDailyEvaluation(condition: AttributeCondition | undefined): boolean {
  if (!condition || (condition.type !== 'date' && condition.type !== 'datetime')) return false;
  return RELATIVE_DATE_OPS.has(condition.op) || (condition.op === 'specificMonth' && typeof condition.month === 'string');
}

/**
 * The channels a chatbot keyword rule answers on: its own channels narrowed to the bot's scope (§2.1 — a
 * LINE-only bot never answers on web chat), or undefined when none are left.
 */
function botRuleChannels(ruleChannels: readonly string[], scope: keyof typeof BOT_SCOPE_CHANNELS): string[] | undefined {
  const inScope: readonly string[] = BOT_SCOPE_CHANNELS[scope];
  const channels = ruleChannels.length === 0 ? [...inScope] : ruleChannels.filter((ch) => inScope.includes(ch));
  return channels.length > 0 ? channels : undefined;
}

/**
 * The states a keyword rule fires in when its config leaves them out: the keyword trigger's own default
 * (§1.10: pending-bot, pending-human and closed; "in progress" only when the rule ticks it).
 */
const DEFAULT_KEYWORD_STATES: readonly string[] = (() => {
  const parsed = (keywordTrigger.config as { safeParse(v: unknown): { success: boolean; data?: { conversationStates?: unknown } } }).safeParse({
    keywords: ['x'],
  });
  const states = parsed.data?.conversationStates;
  return Array.isArray(states) ? states.filter((x): x is string => typeof x === 'string') : [];
})();

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function push<K>(map: Map<K, Rule[]>, key: K, rule: Rule) {
  const rules = map.get(key);
  if (rules) rules.push(rule);
  else map.set(key, [rule]);
}

export interface TriggerContext {
  /** The conversation state of the contact on the event's channel (keyword rules filter on it). */
  conversationState?: string;
  timeZone?: string;
  /** The contact's page views so far, this one included (website rules count and exclude from them). */
  visits?: readonly SiteVisit[];
}

export interface TriggerIndexMeta {
  /** When each flow was first published: website visit counts start that day (§3.7). */
  firstPublishedAt?: ReadonlyMap<string, number>;
}

export class TriggerIndex {
  readonly #tagApplied = new Map<string, Rule[]>();
  readonly #tagRemoved = new Map<string, Rule[]>();
  readonly #attribute = new Map<string, Rule[]>();
  readonly #api = new Map<string, Rule[]>();
  readonly #system = new Map<string, Rule[]>();
  readonly #newContact: Rule[] = [];
  readonly #welcome: Rule[] = [];
  readonly #keywordRules = new Map<string, Rule>();
  readonly botKeywords: KeywordMatcher;
  readonly journeyKeywords: KeywordMatcher;
  // Website visit rules (§3.7): any page, "URL is" by canonical URL, "URL contains" through an automaton.
  readonly #siteAny: Rule[] = [];
  readonly #siteIs = new Map<string, Rule[]>();
  readonly #siteContainsRules: Rule[] = [];
  readonly #siteContains: KeywordMatcher;
  readonly #cart: Rule[] = [];
  readonly #form = new Map<string, Rule[]>();
  readonly #omnilink = new Map<string, Rule[]>();
  readonly #omnilinkAny: Rule[] = [];
  /** Post comment rules by `channel:postId` and by `channel:scope` (all posts, IG live, reels). */
  readonly #postById = new Map<string, Rule[]>();
  readonly #postByScope = new Map<string, Rule[]>();
  /** Import rules by `mode:effect`. */
  readonly #import = new Map<string, Rule[]>();
  /** Rules addressed by (flow, trigger): schedules and daily date conditions. */
  readonly #byId = new Map<string, Rule>();
  readonly #schedules: Rule[] = [];
  readonly #dailyDate: DailyDateRule[] = [];
  readonly #firstPublishedAt: ReadonlyMap<string, number>;

  /** `flows` in creation order: keyword precedence uses (flow order, trigger position) as creation time. */
  constructor(flows: readonly CompiledFlow[], meta: TriggerIndexMeta = {}) {
    this.#firstPublishedAt = meta.firstPublishedAt ?? new Map();
    const bot: KeywordRule[] = [];
    const journey: KeywordRule[] = [];
    const siteContains: KeywordRule[] = [];
    flows.forEach((flow, flowIndex) => {
      flow.graph.triggers.forEach((t, triggerIndex) => {
        const rule: Rule = { flow, triggerId: t.id, type: t.type, config: t.config, order: flowIndex * 10_000 + triggerIndex };
        this.#byId.set(`${flow.flowId}\u0000${t.id}`, rule);
        const c = t.config;
        switch (t.type) {
          case 'trigger.tag_applied':
            for (const tag of list(c.tags)) push(this.#tagApplied, tag, rule);
            break;
          case 'trigger.tag_removed':
            for (const tag of list(c.tags)) push(this.#tagRemoved, tag, rule);
            break;
          case 'trigger.attribute_changed': {
            push(this.#attribute, String(c.attributeKey ?? ''), rule);
            const condition = c.condition as AttributeCondition | undefined;
            if (condition && needsDailyEvaluation(condition)) this.#dailyDate.push({ flow, triggerId: t.id, key: String(c.attributeKey ?? ''), condition });
            break;
          }
          case 'trigger.website_visit': {
            const positive = pageRules(c).filter((r) => r.op !== 'urlNotContains');
            if (positive.length === 0) this.#siteAny.push(rule);
            else {
              const at = this.#siteContainsRules.push(rule) - 1;
              const contains = positive.filter((r) => r.op === 'urlContains').map((r) => r.value);
              if (contains.length) siteContains.push({ id: String(at), keywords: contains, match: 'containsAny', order: rule.order });
              for (const r of positive) if (r.op === 'urlIs') push(this.#siteIs, canonicalUrl(r.value), rule);
            }
            break;
          }
          case 'trigger.cart_abandoned':
            this.#cart.push(rule);
            break;
          case 'trigger.form_submitted':
            push(this.#form, String(c.flowId ?? ''), rule);
            break;
          case 'trigger.omnilink_success': {
            const ids = list(c.omnilinkIds);
            if (ids.length === 0) this.#omnilinkAny.push(rule);
            for (const id of ids) push(this.#omnilink, id, rule);
            break;
          }
          case 'trigger.post_interaction': {
            const scope = (c.scope ?? { kind: 'all_posts' }) as { kind?: string; postId?: unknown };
            const channel = String(c.channel ?? 'messenger');
            if (scope.kind === 'post' || scope.kind === 'manual_post') push(this.#postById, `${channel}:${String(scope.postId ?? '')}`, rule);
            else push(this.#postByScope, `${channel}:${scope.kind ?? 'all_posts'}`, rule);
            break;
          }
          case 'trigger.import': {
            const effects = list(c.effects);
            for (const e of effects.length ? effects : ['tag_applied', 'attribute_changed']) push(this.#import, `${String(c.mode ?? 'customers')}:${e}`, rule);
            break;
          }
          case 'trigger.schedule':
            this.#schedules.push(rule);
            break;
          case 'trigger.api':
            push(this.#api, String(c.triggerKey ?? ''), rule);
            break;
          case 'trigger.system':
            push(this.#system, flow.flowId, rule);
            break;
          case 'trigger.new_contact':
            this.#newContact.push(rule);
            break;
          case 'trigger.welcome': {
            // A bot welcomes followers only on the channels of its scope (§2.1).
            const channels = flow.graph.kind === 'chatbot' ? botRuleChannels(list(c.channels), flow.graph.bot.scope) : list(c.channels);
            if (channels !== undefined) this.#welcome.push({ ...rule, config: { ...c, channels } });
            break;
          }
          case 'trigger.keyword': {
            if (c.enabled === false) break;
            const id = `${flow.flowId}\u0000${t.id}`;
            this.#keywordRules.set(id, rule);
            const channels = flow.graph.kind === 'chatbot' ? botRuleChannels(list(c.channels), flow.graph.bot.scope) : list(c.channels);
            // A bot rule whose channels all lie outside the bot's scope never fires (§2.1).
            if (channels === undefined) break;
            const kr: KeywordRule = {
              id,
              keywords: list(c.keywords),
              match: (c.match as KeywordRule['match']) ?? 'containsAny',
              order: flowIndex * 10_000 + triggerIndex,
              channels,
              conversationStates: c.conversationStates === undefined ? DEFAULT_KEYWORD_STATES : list(c.conversationStates),
            };
            (flow.kind === 'chatbot' ? bot : journey).push(kr);
            break;
          }
        }
      });
    });
    this.botKeywords = new KeywordMatcher(bot);
    this.journeyKeywords = new KeywordMatcher(journey);
    this.#siteContains = new KeywordMatcher(siteContains);
  }

  /** The API trigger (§3.13) with this key; keys are unique per team, the newest flow wins a clash. */
  apiRule(triggerKey: string): { flow: CompiledFlow; triggerId: string; config: Record<string, unknown> } | undefined {
    const rules = this.#api.get(triggerKey);
    const rule = rules?.[rules.length - 1];
    return rule ? { flow: rule.flow, triggerId: rule.triggerId, config: rule.config } : undefined;
  }

  /** Schedule triggers of the active flows, for the occurrence materialiser. */
  scheduleRules(): { flow: CompiledFlow; triggerId: string; config: Record<string, unknown> }[] {
    return this.#schedules.map((r) => ({ flow: r.flow, triggerId: r.triggerId, config: r.config }));
  }

  /** Attribute triggers whose date condition the daily evaluator re-checks (§3.5). */
  dailyDateRules(): readonly DailyDateRule[] {
    return this.#dailyDate;
  }

  /**
   * Journey (and non-keyword chatbot) triggers the event matches. Keyword rules of chatbots are separate
   * (`botKeyword`), because a waiting bot session may consume the message first (§3.15).
   */
  match(event: TriggerEvent, context: TriggerContext = {}): TriggerMatch[] {
    const p = event.payload;
    const out: TriggerMatch[] = [];
    const sourceFlow = typeof p.sourceFlowId === 'string' ? p.sourceFlowId : undefined;
    const fromSelf = (r: Rule) => r.config.excludeSameFlow !== false && sourceFlow === r.flow.flowId;
    switch (event.type) {
      case 'tag.applied':
      case 'tag.removed': {
        const tags = [...new Set([...list(p.tags), ...(typeof p.tag === 'string' ? [p.tag] : [])])];
        const index = event.type === 'tag.applied' ? this.#tagApplied : this.#tagRemoved;
        const seen = new Set<Rule>();
        for (const tag of tags) for (const r of index.get(tag) ?? []) seen.add(r);
        for (const r of seen) {
          if (fromSelf(r)) continue;
          const include = list(r.config.includeSources);
          const exclude = list(r.config.excludeSources);
          if (include.length && !include.includes(String(event.source))) continue;
          if (exclude.includes(String(event.source))) continue;
          if (event.type === 'tag.applied' && r.config.includeReapply === false && p.reapplied === true) continue;
          const wanted = list(r.config.tags);
          // "all": every listed tag applied at once (§3.4).
          if (r.config.match === 'all' && !wanted.every((t) => tags.includes(t))) continue;
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            explanation: `${event.type === 'tag.applied' ? 'Tag applied' : 'Tag removed'}: ${tags.join(', ')}`,
          });
        }
        break;
      }
      case 'attribute.date_condition_met': {
        // Emitted by the daily evaluator for one (flow, trigger) after it evaluated the condition.
        const r = this.#byId.get(`${String(p.flowId ?? '')}\u0000${String(p.triggerId ?? '')}`);
        if (r?.type === 'trigger.attribute_changed')
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            triggerType: r.type,
            explanation: `Daily date check ${String(p.day ?? '')}: ${String(p.explanation ?? p.key)}`,
          });
        break;
      }
      case 'schedule.fired': {
        const r = this.#byId.get(`${String(p.flowId ?? '')}\u0000${String(p.triggerId ?? '')}`);
        if (r?.type === 'trigger.schedule')
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            triggerType: r.type,
            explanation: `Schedule occurrence ${String(p.occurrence ?? '')} (audience ${String(p.audienceId ?? '')})`,
          });
        break;
      }
      case 'website.visited':
        out.push(...this.#matchVisit(event, context));
        break;
      case 'cart.item_added':
        for (const r of this.#cart) {
          const product = typeof p.productName === 'string' ? p.productName : typeof p.productId === 'string' ? p.productId : undefined;
          const channel = typeof r.config.channel === 'string' ? (r.config.channel as ChannelKind) : undefined;
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            triggerType: r.type,
            ...(channel ? { channel } : {}),
            explanation: `Added to cart${product ? `: ${product}` : ''}${channel ? ` (reminders on ${channel})` : ''}`,
          });
        }
        break;
      case 'form.submitted': {
        const answers = (typeof p.answers === 'object' && p.answers !== null ? p.answers : {}) as Record<string, unknown>;
        for (const r of this.#form.get(String(p.flowId ?? p.formId ?? '')) ?? []) {
          const check = formFiltersPass(r.config.filters, answers);
          if (!check.pass) continue;
          const filters = Array.isArray(r.config.filters) ? r.config.filters.length : 0;
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            triggerType: r.type,
            explanation: `Form ${String(p.flowId ?? p.formId)} submitted${filters ? `, ${filters} answer filter(s) passed` : ''}`,
          });
        }
        break;
      }
      case 'omnilink.succeeded': {
        const id = String(p.omnilinkId ?? '');
        for (const r of [...(this.#omnilink.get(id) ?? []), ...this.#omnilinkAny])
          out.push({ flow: r.flow, triggerId: r.triggerId, triggerType: r.type, explanation: `OmniLink ${id || '(any)'} succeeded` });
        break;
      }
      case 'post.commented': {
        const m = this.#matchComment(event);
        if (m) out.push(m);
        break;
      }
      case 'import.row_imported': {
        const mode = String(p.mode ?? 'customers');
        const effects = list(p.effects);
        const seen = new Set<Rule>();
        for (const e of effects) for (const r of this.#import.get(`${mode}:${e}`) ?? []) seen.add(r);
        for (const r of seen) {
          const wanted = list(r.config.effects).filter((e) => effects.includes(e));
          out.push({
            flow: r.flow,
            triggerId: r.triggerId,
            triggerType: r.type,
            explanation: `Import ${String(p.importJobId ?? '')} (${mode}, trigger journeys on): row ${wanted.join(', ').replaceAll('_', ' ')}`,
          });
        }
        break;
      }
      case 'attribute.changed': {
        const key = String(p.key ?? '');
        for (const r of this.#attribute.get(key) ?? []) {
          if (fromSelf(r)) continue;
          const sources = list(r.config.sources);
          if (sources.length && !sources.includes(String(event.source))) continue;
          if (p.previous === p.value) continue;
          const condition = r.config.condition as AttributeCondition | undefined;
          if (condition) {
            const probe = { id: event.customerId, attributes: { [key]: p.value }, tags: [], identities: [], bindings: [], points: { balance: 0, lifetime: 0 } };
            const result = evaluateCondition({ op: 'and', items: [condition] }, probe as unknown as Customer, {
              now: new Date(event.occurredAt),
              timeZone: context.timeZone ?? r.flow.timeZone,
            });
            if (!result.match) continue;
            out.push({ flow: r.flow, triggerId: r.triggerId, explanation: `Attribute ${key} changed to ${JSON.stringify(p.value)}: ${result.explanation}` });
            continue;
          }
          out.push({ flow: r.flow, triggerId: r.triggerId, explanation: `Attribute ${key} changed to ${JSON.stringify(p.value)}` });
        }
        break;
      }
      case 'api.invoked':
        for (const r of this.#api.get(String(p.triggerKey ?? '')) ?? []) out.push({ flow: r.flow, triggerId: r.triggerId, explanation: 'API call' });
        break;
      case 'journey.invoked':
        for (const r of this.#system.get(String(p.journeyId ?? '')) ?? [])
          out.push({ flow: r.flow, triggerId: r.triggerId, explanation: `Invoked by ${String(p.invokerType ?? 'system')}` });
        break;
      case 'contact.created':
        for (const r of this.#newContact) {
          const channels = list(r.config.channels);
          const sources = list(r.config.sources);
          if (channels.length && !channels.includes(String(event.channel))) continue;
          if (sources.length && !sources.includes(String(p.source ?? event.source))) continue;
          out.push({ flow: r.flow, triggerId: r.triggerId, explanation: `New contact on ${event.channel ?? 'a channel'}` });
        }
        break;
      case 'contact.followed':
        for (const r of this.#welcome) {
          const channels = list(r.config.channels);
          if (channels.length && !channels.includes(String(event.channel))) continue;
          out.push({ flow: r.flow, triggerId: r.triggerId, explanation: 'Followed: welcome message' });
        }
        break;
      case 'message.received': {
        // Journeys: each journey's keyword triggers, at most one per journey; they never consume the message.
        const text = typeof p.text === 'string' ? p.text : '';
        const seen = new Set<string>();
        for (const kr of this.journeyKeywords.matchAll(text, { channel: event.channel, conversationState: context.conversationState })) {
          const r = this.#keywordRules.get(kr.id)!;
          if (seen.has(r.flow.flowId)) continue;
          seen.add(r.flow.flowId);
          out.push({ flow: r.flow, triggerId: r.triggerId, explanation: `Keyword rule ${r.triggerId} (${kr.match})` });
        }
        break;
      }
    }
    return out;
  }

  /**
   * §3.7: page → visit count → dwell, exclusions first; then only one campaign fires per page: a
   * specific-page rule beats an any-page rule, then the higher visit count, then the newest.
   */
  #matchVisit(event: TriggerEvent, context: TriggerContext): TriggerMatch[] {
    const p = event.payload;
    const url = typeof p.url === 'string' ? p.url : '';
    if (!url) return [];
    const at = Date.parse(event.occurredAt);
    const dwell = typeof p.dwellSeconds === 'number' ? p.dwellSeconds : 0;
    const visits = context.visits ?? [{ url, at }];
    const candidates = new Set<Rule>(this.#siteAny);
    for (const r of this.#siteIs.get(canonicalUrl(url)) ?? []) candidates.add(r);
    for (const kr of this.#siteContains.matchAll(url)) candidates.add(this.#siteContainsRules[Number(kr.id)]!);
    let best: { rule: Rule; specific: boolean; n: number; explanation: string } | undefined;
    for (const r of candidates) {
      const rules: PageRule[] = pageRules(r.config);
      if (!pageMatches(rules, url)) continue;
      const zone = r.flow.timeZone;
      const period = periodBounds(r.config.period, zone);
      if ((period.start !== undefined && at < period.start) || (period.end !== undefined && at >= period.end)) continue;
      const since = period.start ?? startOfDay(this.#firstPublishedAt.get(r.flow.flowId) ?? 0, zone);
      const counted = visits.filter((v) => v.at >= since);
      const exclusions = excludedPages(r.config);
      const excluded = exclusions.length ? counted.map((v) => excludedMatch(exclusions, v.url)).find(Boolean) : undefined;
      if (excluded) continue;
      const count = counted.filter((v) => pageMatches(rules, v.url)).length;
      const vc = (r.config.visitCount ?? { mode: 'atLeast', n: 1 }) as { mode?: string; n?: number };
      const n = typeof vc.n === 'number' ? vc.n : 1;
      if (vc.mode === 'exactly' ? count !== n : count < n) continue;
      const need = typeof r.config.dwellSeconds === 'number' ? r.config.dwellSeconds : 0;
      if (dwell < need) continue;
      const specific = rules.length > 0;
      const better = !best || (specific !== best.specific ? specific : n !== best.n ? n > best.n : r.order > best.rule.order);
      if (!better) continue;
      best = {
        rule: r,
        specific,
        n,
        explanation: `Website visit ${url}: ${specific ? 'page rules matched' : 'any page'}, visit ${count} (${vc.mode === 'exactly' ? 'exactly' : 'at least'} ${n})${need ? `, stayed ${dwell}s ≥ ${need}s` : ''}`,
      };
    }
    return best ? [{ flow: best.rule.flow, triggerId: best.rule.triggerId, triggerType: best.rule.type, explanation: best.explanation }] : [];
  }

  /** §3.3: a rule on the single post beats "all posts"; among rules of the same scope the newest wins. */
  #matchComment(event: TriggerEvent): TriggerMatch | undefined {
    const p = event.payload;
    const channel = String(event.channel ?? p.channel ?? 'messenger');
    const text = typeof p.text === 'string' ? p.text : '';
    const tagged = typeof p.taggedFriends === 'number' ? p.taggedFriends : 0;
    const at = Date.parse(event.occurredAt);
    const scope = typeof p.scope === 'string' ? p.scope : 'post';
    const tiers: Rule[][] =
      scope === 'ig_live' || scope === 'reels'
        ? [this.#postByScope.get(`${channel}:${scope}`) ?? []]
        : [this.#postById.get(`${channel}:${String(p.postId ?? '')}`) ?? [], this.#postByScope.get(`${channel}:all_posts`) ?? []];
    for (const tier of tiers) {
      let best: Rule | undefined;
      for (const r of tier) {
        const period = periodBounds(r.config.validity, r.flow.timeZone);
        if ((period.start !== undefined && at < period.start) || (period.end !== undefined && at >= period.end)) continue;
        if (!commentMatches(String(r.config.match ?? 'anyContent'), list(r.config.keywords), text)) continue;
        // Instagram cannot detect tagged friends, so the requirement only applies on Facebook.
        const min = typeof r.config.minTaggedFriends === 'number' ? r.config.minTaggedFriends : 0;
        if (channel !== 'instagram' && tagged < min) continue;
        if (!best || r.order > best.order) best = r;
      }
      if (best) {
        const mode = String(best.config.match ?? 'anyContent');
        const kind = (best.config.scope as { kind?: string } | undefined)?.kind ?? 'all_posts';
        const ruleFor = kind === 'all_posts' ? 'all posts' : kind === 'post' || kind === 'manual_post' ? 'this post' : kind.replace('_', ' ');
        return {
          flow: best.flow,
          triggerId: best.triggerId,
          triggerType: best.type,
          explanation: `Comment on ${scope === 'post' ? `post ${String(p.postId ?? '')}` : scope.replace('_', ' ')}: rule for ${ruleFor}, ${mode}`,
        };
      }
    }
    return undefined;
  }

  /** The one chatbot keyword rule an inbound message fires (§3.1), if any. */
  botKeyword(event: TriggerEvent, context: TriggerContext = {}): (TriggerMatch & { tags: string[] }) | undefined {
    const text = typeof event.payload.text === 'string' ? event.payload.text : '';
    const kr = this.botKeywords.match(text, { channel: event.channel, conversationState: context.conversationState });
    if (!kr) return undefined;
    const r = this.#keywordRules.get(kr.id)!;
    return { flow: r.flow, triggerId: r.triggerId, tags: list(r.config.tags), explanation: `Keyword rule ${r.triggerId} (${kr.match})` };
  }
}
