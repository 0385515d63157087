import type { FlowGraph, JourneySettings, NodeInstance } from '@omniflow/schemas';

// A published version, indexed for the interpreter: nodes by id, edges by (source, port), and for
// chatbots where each card sits in its module, so "continue with the next card" and "jump to a module"
// are lookups.

export class CompiledFlow {
  readonly kind: FlowGraph['kind'];
  readonly #nodes = new Map<string, NodeInstance>();
  readonly #edges = new Map<string, string>();
  readonly #cards = new Map<string, { moduleId: string; index: number }>();
  readonly #modules = new Map<string, string[]>();

  constructor(
    readonly flowId: string,
    readonly versionId: string,
    readonly graph: FlowGraph,
  ) {
    this.kind = graph.kind;
    for (const t of graph.triggers) this.#nodes.set(t.id, t);
    if (graph.kind === 'journey') for (const n of graph.nodes) this.#nodes.set(n.id, n);
    else
      for (const m of graph.modules) {
        this.#modules.set(
          m.id,
          m.cards.map((c) => c.id),
        );
        m.cards.forEach((c, index) => {
          this.#nodes.set(c.id, c);
          this.#cards.set(c.id, { moduleId: m.id, index });
        });
      }
    for (const e of graph.edges) this.#edges.set(`${e.source}\u0000${e.sourcePort}`, e.target);
  }

  get timeZone(): string {
    return this.graph.settings.timeZone;
  }
  get journeySettings(): JourneySettings | undefined {
    return this.graph.kind === 'journey' ? this.graph.settings : undefined;
  }
  get inputExpiryMinutes(): number {
    return this.graph.kind === 'chatbot' ? this.graph.settings.inputExpiryMinutes : 60;
  }
  get loopGuard(): number {
    return this.graph.kind === 'chatbot' ? this.graph.settings.loopGuard : Number.POSITIVE_INFINITY;
  }

  node(id: string): NodeInstance | undefined {
    return this.#nodes.get(id);
  }
  isTrigger(id: string): boolean {
    return this.graph.triggers.some((t) => t.id === id);
  }
  /** The edge target of a port: a journey node, or (chatbot) a module id. */
  target(source: string, port: string): string | undefined {
    return this.#edges.get(`${source}\u0000${port}`);
  }
  /** First card of a module. */
  moduleStart(moduleId: string): string | undefined {
    return this.#modules.get(moduleId)?.[0];
  }
  moduleOf(cardId: string): string | undefined {
    return this.#cards.get(cardId)?.moduleId;
  }
  /** The card after this one in its module. */
  nextCard(cardId: string): string | undefined {
    const at = this.#cards.get(cardId);
    return at ? this.#modules.get(at.moduleId)?.[at.index + 1] : undefined;
  }
  /** Where a run entering through a trigger starts: the node (journey) or first card of the module (chatbot). */
  startFor(triggerId: string): string | undefined {
    const target = this.target(triggerId, 'next');
    if (!target) return undefined;
    return this.kind === 'chatbot' ? this.moduleStart(target) : target;
  }
  /** Where a port leads: the next node, or (chatbot) the first card of the target module. */
  follow(source: string, port: string): { node: string; jump: boolean } | undefined {
    const target = this.target(source, port);
    if (target === undefined) return undefined;
    if (this.kind === 'journey') return { node: target, jump: false };
    const first = this.moduleStart(target);
    return first ? { node: first, jump: true } : undefined;
  }
}
