// §3.1 keyword matching, fast with tens of thousands of rules: one Aho-Corasick automaton over every
// distinct "contains" keyword finds all keywords in a message in one pass over its text, an exact-match
// map answers "exact" rules, and posting lists turn found keywords into matching rules. Nothing scans the
// rule list per message.
//
// Normalisation (§3.1): trimmed and lower-cased, no other Unicode normalisation — full-width ＡＢＣ stays
// different from ABC (lower-casing maps it to full-width ａｂｃ, not to abc).
//
// Precedence: rules are ordered by creation (`order`, larger = newer). Among the rules that match, the
// oldest wins, except that when rules share a keyword the newest of them wins. "Any input" rules only
// match when no keyword rule did, oldest first. At most one rule fires per message.

export type KeywordMode = 'containsAny' | 'containsAll' | 'exact' | 'anyInput';

export interface KeywordRule {
  id: string;
  keywords: readonly string[];
  match: KeywordMode;
  /** Creation order: larger is newer. */
  order: number;
  /** Channels the rule targets; empty = every channel. */
  channels?: readonly string[];
  /** Conversation states it fires in; empty = every state. */
  conversationStates?: readonly string[];
}

export interface KeywordFilter {
  channel?: string;
  conversationState?: string;
}

export function normaliseText(text: string): string {
  return text.trim().toLowerCase();
}

interface Compiled {
  rule: KeywordRule;
  /** Distinct normalised keyword ids. */
  keywordIds: number[];
}

export class KeywordMatcher {
  readonly #keywordIds = new Map<string, number>();
  readonly #postings: Compiled[][] = [];
  readonly #exact = new Map<string, Compiled[]>();
  readonly #anyInput: Compiled[] = [];
  // Automaton: goto per state, failure links, and the keyword ids ending at each state.
  readonly #goto: Map<number, number>[] = [new Map()];
  readonly #fail: number[] = [0];
  readonly #out: number[][] = [[]];
  /** Next state with a non-empty output along failure links (dictionary suffix link), or -1. */
  #dict: number[] = [-1];

  constructor(rules: Iterable<KeywordRule>) {
    for (const rule of rules) this.#add(rule);
    this.#build();
  }

  #id(keyword: string): number {
    let id = this.#keywordIds.get(keyword);
    if (id === undefined) {
      id = this.#keywordIds.size;
      this.#keywordIds.set(keyword, id);
      this.#postings.push([]);
    }
    return id;
  }

  #add(rule: KeywordRule): void {
    const keywords = [...new Set(rule.keywords.map(normaliseText).filter((k) => k !== ''))];
    const compiled: Compiled = { rule, keywordIds: keywords.map((k) => this.#id(k)) };
    if (rule.match === 'anyInput') {
      this.#anyInput.push(compiled);
      return;
    }
    if (keywords.length === 0) return;
    if (rule.match === 'exact') {
      const key = keywords[0]!;
      const list = this.#exact.get(key) ?? [];
      list.push(compiled);
      this.#exact.set(key, list);
      return;
    }
    for (const id of compiled.keywordIds) this.#postings[id]!.push(compiled);
    for (const keyword of keywords) this.#insert(keyword, this.#keywordIds.get(keyword)!);
  }

  #insert(keyword: string, id: number): void {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      let next = this.#goto[state]!.get(c);
      if (next === undefined) {
        next = this.#goto.length;
        this.#goto.push(new Map());
        this.#fail.push(0);
        this.#out.push([]);
        this.#goto[state]!.set(c, next);
      }
      state = next;
    }
    if (!this.#out[state]!.includes(id)) this.#out[state]!.push(id);
  }

  #build(): void {
    this.#dict = new Array(this.#goto.length).fill(-1);
    const queue: number[] = [];
    for (const next of this.#goto[0]!.values()) {
      this.#fail[next] = 0;
      queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [c, next] of this.#goto[state]!) {
        let f = this.#fail[state]!;
        while (f !== 0 && !this.#goto[f]!.has(c)) f = this.#fail[f]!;
        const target = this.#goto[f]!.get(c);
        this.#fail[next] = target !== undefined && target !== next ? target : 0;
        const fl = this.#fail[next]!;
        this.#dict[next] = this.#out[fl]!.length > 0 ? fl : this.#dict[fl]!;
        queue.push(next);
      }
    }
  }

  /** Ids of every keyword found in the normalised text. */
  #found(text: string): Set<number> {
    const found = new Set<number>();
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (state !== 0 && !this.#goto[state]!.has(c)) state = this.#fail[state]!;
      state = this.#goto[state]!.get(c) ?? 0;
      for (let s = this.#out[state]!.length > 0 ? state : this.#dict[state]!; s > 0; s = this.#dict[s]!) {
        for (const id of this.#out[s]!) found.add(id);
      }
    }
    return found;
  }

  /** Every rule the text matches, in precedence order (the first is the one that fires). */
  matchAll(text: string, filter: KeywordFilter = {}): KeywordRule[] {
    const { matched, allowed } = this.#matched(text, filter);
    const ordered = orderByPrecedence([...matched.values()]);
    const anyInput = this.#anyInput.filter(allowed).sort((a, b) => a.rule.order - b.rule.order);
    return [...ordered, ...anyInput.map((c) => c.rule)];
  }

  /**
   * The one rule that fires for this message, if any: the newest rule of the oldest matching rule's
   * cluster (rules linked by shared keywords), as `matchAll(text)[0]` without ordering every match.
   */
  match(text: string, filter: KeywordFilter = {}): KeywordRule | undefined {
    const { matched, allowed } = this.#matched(text, filter);
    if (matched.size === 0) {
      let first: Compiled | undefined;
      for (const c of this.#anyInput) if (allowed(c) && (!first || c.rule.order < first.rule.order)) first = c;
      return first?.rule;
    }
    const candidates = [...matched.values()];
    let oldest = candidates[0]!;
    for (const c of candidates) if (c.rule.order < oldest.rule.order) oldest = c;
    const cluster = new Set([oldest]);
    const ids = new Set(oldest.keywordIds);
    let newest = oldest;
    for (let grew = true; grew; ) {
      grew = false;
      for (const c of candidates) {
        if (cluster.has(c) || !c.keywordIds.some((id) => ids.has(id))) continue;
        cluster.add(c);
        for (const id of c.keywordIds) ids.add(id);
        if (c.rule.order > newest.rule.order) newest = c;
        grew = true;
      }
    }
    return newest.rule;
  }

  #matched(text: string, filter: KeywordFilter): { matched: Map<KeywordRule, Compiled>; allowed: (c: Compiled) => boolean } {
    const normalised = normaliseText(text);
    const allowed = (c: Compiled) =>
      (!c.rule.channels?.length || (filter.channel !== undefined && c.rule.channels.includes(filter.channel))) &&
      (!c.rule.conversationStates?.length || filter.conversationState === undefined || c.rule.conversationStates.includes(filter.conversationState));
    const matched = new Map<KeywordRule, Compiled>();
    if (normalised !== '') {
      const found = this.#found(normalised);
      const hits = new Map<Compiled, number>();
      for (const id of found) for (const c of this.#postings[id]!) hits.set(c, (hits.get(c) ?? 0) + 1);
      for (const [c, n] of hits) {
        if (c.rule.match === 'containsAny' || n === c.keywordIds.length) if (allowed(c)) matched.set(c.rule, c);
      }
      for (const c of this.#exact.get(normalised) ?? []) if (allowed(c)) matched.set(c.rule, c);
    }
    return { matched, allowed };
  }
}

/**
 * Oldest first, except that a newer rule sharing a keyword with a rule takes its place: each rule's rank
 * is the rank of the newest matching rule it shares a keyword with.
 */
function orderByPrecedence(matched: Compiled[]): KeywordRule[] {
  const byOld = [...matched].sort((a, b) => a.rule.order - b.rule.order);
  const out: KeywordRule[] = [];
  const placed = new Set<Compiled>();
  for (const candidate of byOld) {
    if (placed.has(candidate)) continue;
    // The cluster of rules connected to this one by shared keywords; its newest member goes first.
    const cluster = [candidate];
    placed.add(candidate);
    for (let i = 0; i < cluster.length; i++) {
      const ids = new Set(cluster[i]!.keywordIds);
      for (const other of byOld) {
        if (!placed.has(other) && other.keywordIds.some((id) => ids.has(id))) {
          placed.add(other);
          cluster.push(other);
        }
      }
    }
    cluster.sort((a, b) => b.rule.order - a.rule.order);
    for (const c of cluster) out.push(c.rule);
  }
  return out;
}
