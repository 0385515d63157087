import { type FlowGraph, GRAPH_FORMAT_VERSION, parseStoredGraph } from '@omniflow/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnyNodeDefinition, scopesOf } from '../define.ts';
import { BUILTIN_NODE_TYPES, builtinCatalogue } from '../node-types/index.ts';
import { validateGraph } from './graph.ts';
import { validateNodeConfig } from './node.ts';

// Property tests: the validator survives any input, and graphs generated from the catalogue's own
// examples are valid and survive serialise → parse → serialise unchanged.

const catalogue = builtinCatalogue();
const runs = Number(process.env.FC_RUNS ?? 300);

const journeyNodes = BUILTIN_NODE_TYPES.filter(
  (d) => d.category !== 'trigger' && d.flowKinds.includes('journey') && !d.terminal && (d.channels === 'any' || d.channels.includes('line')),
);
const journeyTriggers = BUILTIN_NODE_TYPES.filter(
  (d) => d.category === 'trigger' && d.flowKinds.includes('journey') && (d.channels === 'any' || d.channels.includes('line')),
);
const chatbotCards = BUILTIN_NODE_TYPES.filter((d) => d.category !== 'trigger' && d.flowKinds.includes('chatbot') && !d.placement && !d.terminal);

/** A node type and one of its examples that is valid in this kind of flow on LINE. */
const pick = (defs: readonly AnyNodeDefinition[], flowKind: 'journey' | 'chatbot') => {
  const choices = defs.flatMap((def) =>
    def.examples
      .filter((ex) =>
        validateNodeConfig(def, ex.config, { flowKind, channels: ['line'], ...(flowKind === 'chatbot' ? { scope: 'line' as const } : {}) }).issues.every(
          (i) => i.severity === 'warning',
        ),
      )
      .map((ex) => ({ def, config: ex.config })),
  );
  return fc.constantFrom(...choices).map((c) => ({ def: c.def, config: structuredClone(c.config) as Record<string, unknown> }));
};

/** A journey: one trigger, a chain of nodes where every port of each node leads to the next one. */
const journeyArb = fc
  .record({ trigger: pick(journeyTriggers, 'journey'), nodes: fc.array(pick(journeyNodes, 'journey'), { minLength: 1, maxLength: 12 }) })
  .map(({ trigger, nodes }) => {
    const edges: { id: string; source: string; sourcePort: string; target: string }[] = [{ id: 'e0', source: 't', sourcePort: 'next', target: 'n0' }];
    nodes.forEach((n, i) => {
      if (i === nodes.length - 1) return;
      const parsed = n.def.config.parse(n.config);
      for (const port of n.def.ports(parsed, { flowKind: 'journey' }))
        edges.push({ id: `e${edges.length}`, source: `n${i}`, sourcePort: port.id, target: `n${i + 1}` });
    });
    return {
      formatVersion: GRAPH_FORMAT_VERSION,
      kind: 'journey' as const,
      channels: ['line'],
      triggers: [{ id: 't', type: trigger.def.type, version: trigger.def.version, config: trigger.config, position: { x: 0, y: 0 } }],
      nodes: nodes.map((n, i) => ({ id: `n${i}`, type: n.def.type, version: n.def.version, config: n.config, position: { x: 0, y: 120 * (i + 1) } })),
      edges,
    };
  });

/** A chatbot of the LINE scope: modules of placement-free cards, every card port linked to the next module. */
const chatbotArb = fc
  .array(
    fc.array(
      pick(
        chatbotCards.filter((d) => scopesOf(d).includes('line')),
        'chatbot',
      ),
      { minLength: 1, maxLength: 4 },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((modules) => {
    const edges: { id: string; source: string; sourcePort: string; target: string }[] = [];
    const mods = modules.map((cards, m) => ({
      id: `m${m}`,
      name: `Module ${m + 1}`,
      cards: cards.map((c, i) => {
        const id = `m${m}c${i}`;
        const parsed = c.def.config.parse(c.config);
        for (const port of c.def.ports(parsed, { flowKind: 'chatbot' }))
          edges.push({ id: `e${edges.length}`, source: id, sourcePort: port.id, target: `m${(m + 1) % modules.length}` });
        return { id, type: c.def.type, version: c.def.version, config: c.config };
      }),
    }));
    return { formatVersion: GRAPH_FORMAT_VERSION, kind: 'chatbot' as const, bot: { scope: 'line' }, triggers: [], modules: mods, entryModuleId: 'm0', edges };
  });

const roundTrip = (g: unknown) => {
  const first = parseStoredGraph(JSON.parse(JSON.stringify(g)));
  if (!first.ok) throw new Error(JSON.stringify(first.error));
  const text1 = JSON.stringify(first.graph);
  const second = parseStoredGraph(JSON.parse(text1));
  if (!second.ok) throw new Error(JSON.stringify(second.error));
  return { text1, text2: JSON.stringify(second.graph), graph: second.graph as FlowGraph };
};

// Hundreds of generated graphs per property: give them time on a loaded CI machine.
describe('validateGraph properties', { timeout: 120_000 }, () => {
  it('never throws and always answers with typed issues, whatever JSON it gets', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const result = validateGraph(raw, { catalogue });
        expect(typeof result.ok).toBe('boolean');
        for (const i of result.issues) {
          expect(['error', 'warning']).toContain(i.severity);
          expect(i.message.en.length).toBeGreaterThan(0);
          expect(Array.isArray(i.path)).toBe(true);
        }
      }),
      { numRuns: runs },
    );
  });

  it('never throws on valid graphs with random parts replaced by arbitrary JSON', () => {
    const mutate = fc.tuple(journeyArb, fc.array(fc.tuple(fc.nat(), fc.jsonValue()), { maxLength: 4 })).map(([g, edits]) => {
      const copy = structuredClone(g) as unknown as Record<string, unknown>;
      for (const [n, value] of edits) {
        const node = (copy.nodes as Record<string, unknown>[])[n % (copy.nodes as unknown[]).length] as Record<string, unknown>;
        const keys = ['config', 'type', 'version', 'id'];
        const target = n % 2 ? node : (node.config as Record<string, unknown>);
        target[keys[n % keys.length] as string] = value;
      }
      return copy;
    });
    fc.assert(
      fc.property(mutate, (raw) => {
        const result = validateGraph(raw, { catalogue });
        for (const i of result.issues) expect(i.code).not.toBe('internal_error');
      }),
      { numRuns: runs },
    );
  });

  it('finds no errors in journeys generated from catalogue examples', () => {
    fc.assert(
      fc.property(journeyArb, (g) => {
        const errors = validateGraph(g, { catalogue }).issues.filter((i) => i.severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  it('finds no errors in chatbots generated from catalogue examples', () => {
    fc.assert(
      fc.property(chatbotArb, (g) => {
        const errors = validateGraph(g, { catalogue }).issues.filter((i) => i.severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: runs },
    );
  });

  it('round-trips valid graphs: serialise → parse → serialise is unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(journeyArb, chatbotArb), (g) => {
        const { text1, text2 } = roundTrip(g);
        expect(text2).toBe(text1);
      }),
      { numRuns: runs },
    );
  });
});
