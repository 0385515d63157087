import type { BotScope, ChannelKind, FlowKind } from '@omniflow/schemas';
import { type AnyNodeDefinition, scopesOf } from './define.ts';

/**
 * The set of node types a deployment knows: the built-ins plus registered custom types. Several
 * versions of one type may be registered, so graphs saved with an older node version still run.
 */
export class Catalogue {
  readonly #byKey = new Map<string, AnyNodeDefinition>();
  readonly #latest = new Map<string, AnyNodeDefinition>();

  constructor(definitions: Iterable<AnyNodeDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  /** Adds a node type (or another version of one). Registering the same type and version twice is an error. */
  register(definition: AnyNodeDefinition): this {
    const key = `${definition.type}@${definition.version}`;
    if (this.#byKey.has(key)) throw new Error(`Node type ${key} is already registered`);
    this.#byKey.set(key, definition);
    const latest = this.#latest.get(definition.type);
    if (!latest || latest.version < definition.version) this.#latest.set(definition.type, definition);
    return this;
  }

  /** A definition by type, at a given version or the latest. */
  get(type: string, version?: number): AnyNodeDefinition | undefined {
    return version === undefined ? this.#latest.get(type) : this.#byKey.get(`${type}@${version}`);
  }

  has(type: string): boolean {
    return this.#latest.has(type);
  }

  /** Latest version of every type, sorted by category then type. */
  list(): AnyNodeDefinition[] {
    return [...this.#latest.values()].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type));
  }

  /** What the palette offers for a flow: its kind and (journey) channels or (chatbot) scope. */
  palette(flow: { kind: FlowKind; channels?: readonly ChannelKind[]; scope?: BotScope }): AnyNodeDefinition[] {
    return this.list().filter((d) => {
      if (!d.flowKinds.includes(flow.kind)) return false;
      if (flow.kind === 'chatbot' && flow.scope) return scopesOf(d).includes(flow.scope);
      if (d.channels === 'any' || !flow.channels) return true;
      const channels = d.channels;
      return flow.channels.some((c) => channels.includes(c));
    });
  }

  /** A new catalogue with these extra definitions (custom node packages). */
  with(...definitions: AnyNodeDefinition[]): Catalogue {
    const next = new Catalogue([...this.#byKey.values()]);
    for (const d of definitions) next.register(d);
    return next;
  }
}
