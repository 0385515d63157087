import { evaluateCondition } from '@omniflow/nodes';
import type { AttributeCondition, Customer, TriggerEvent } from '@omniflow/schemas';
import type { CompiledFlow } from '../interpreter/compiled-flow.ts';
import { KeywordMatcher, type KeywordRule } from './keyword-matcher.ts';

// Which flows an event may start, found by index rather than by scanning every rule: tag name → rules,
// attribute key → rules, trigger key → rule, flow id → system trigger, and the keyword automaton.
// Entry conditions, re-entry policy and dedupe are checked afterwards by the engine.

export interface TriggerMatch {
  flow: CompiledFlow;
  triggerId: string;
  /** Why it matched, for the run timeline. */
  explanation: string;
}

interface Rule {
  flow: CompiledFlow;
  triggerId: string;
  config: Record<string, unknown>;
}

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

  /** `flows` in creation order: keyword precedence uses (flow order, trigger position) as creation time. */
  constructor(flows: readonly CompiledFlow[]) {
    const bot: KeywordRule[] = [];
    const journey: KeywordRule[] = [];
    flows.forEach((flow, flowIndex) => {
      flow.graph.triggers.forEach((t, triggerIndex) => {
        const rule: Rule = { flow, triggerId: t.id, config: t.config };
        const c = t.config;
        switch (t.type) {
          case 'trigger.tag_applied':
            for (const tag of list(c.tags)) push(this.#tagApplied, tag, rule);
            break;
          case 'trigger.tag_removed':
            for (const tag of list(c.tags)) push(this.#tagRemoved, tag, rule);
            break;
          case 'trigger.attribute_changed':
            push(this.#attribute, String(c.attributeKey ?? ''), rule);
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
          case 'trigger.welcome':
            this.#welcome.push(rule);
            break;
          case 'trigger.keyword': {
            if (c.enabled === false) break;
            const id = `${flow.flowId}\u0000${t.id}`;
            this.#keywordRules.set(id, rule);
            const kr: KeywordRule = {
              id,
              keywords: list(c.keywords),
              match: (c.match as KeywordRule['match']) ?? 'containsAny',
              order: flowIndex * 10_000 + triggerIndex,
              channels: list(c.channels),
              conversationStates: list(c.conversationStates),
            };
            (flow.kind === 'chatbot' ? bot : journey).push(kr);
            break;
          }
        }
      });
    });
    this.botKeywords = new KeywordMatcher(bot);
    this.journeyKeywords = new KeywordMatcher(journey);
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
      case 'attribute.changed':
      case 'attribute.date_condition_met': {
        const key = String(p.key ?? '');
        for (const r of this.#attribute.get(key) ?? []) {
          if (fromSelf(r)) continue;
          const sources = list(r.config.sources);
          if (sources.length && !sources.includes(String(event.source))) continue;
          if (event.type === 'attribute.changed' && p.previous === p.value) continue;
          const condition = r.config.condition as AttributeCondition | undefined;
          if (condition) {
            const probe = { id: event.customerId, attributes: { [key]: p.value }, tags: [], identities: [], bindings: [], points: { balance: 0, lifetime: 0 } };
            const result = evaluateCondition({ op: 'and', items: [condition] }, probe as unknown as Customer, {
              now: new Date(event.occurredAt),
              timeZone: context.timeZone ?? r.flow.timeZone,
            });
            if (!result.match) continue;
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

  /** The one chatbot keyword rule an inbound message fires (§3.1), if any. */
  botKeyword(event: TriggerEvent, context: TriggerContext = {}): (TriggerMatch & { tags: string[] }) | undefined {
    const text = typeof event.payload.text === 'string' ? event.payload.text : '';
    const kr = this.botKeywords.match(text, { channel: event.channel, conversationState: context.conversationState });
    if (!kr) return undefined;
    const r = this.#keywordRules.get(kr.id)!;
    return { flow: r.flow, triggerId: r.triggerId, tags: list(r.config.tags), explanation: `Keyword rule ${r.triggerId} (${kr.match})` };
  }
}
