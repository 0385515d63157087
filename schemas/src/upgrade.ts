import { z } from 'zod';
import { FlowGraph, GRAPH_FORMAT_VERSION } from './graph.ts';

// Stored graphs carry their format version. Each upgrade lifts one version to the next; reading a
// stored graph applies them in order, so a graph saved years ago still opens.

type Json = Record<string, unknown>;
type Upgrade = (graph: Json) => Json;

const LegacyNodeV1 = z.looseObject({
  id: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
  x: z.number().optional(),
  y: z.number().optional(),
});

/**
 * v1 (the first released format): `version` instead of `formatVersion`; node settings under `data`;
 * flat `x`/`y`; node types unversioned; journeys had exactly one `trigger`; links were
 * `connections: [{from, port, to}]` (journeys) or `links: [{card, port, to}]` (chatbots) without ids;
 * chatbot scope and entry sat at the top level.
 */
function v1ToV2(g: Json): Json {
  const node = (raw: unknown) => {
    const n = LegacyNodeV1.parse(raw);
    return {
      id: n.id,
      type: n.type,
      version: 1,
      config: n.data,
      ...(n.x !== undefined && n.y !== undefined ? { position: { x: n.x, y: n.y } } : {}),
    };
  };
  const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const link = (raw: unknown, i: number) => {
    const l = z.looseObject({ from: z.string().optional(), card: z.string().optional(), port: z.string(), to: z.string() }).parse(raw);
    return { id: `e${i + 1}`, source: l.from ?? l.card ?? '', sourcePort: l.port, target: l.to };
  };
  const { version: _v, ...rest } = g;
  if (g.kind === 'journey') {
    const { trigger, connections, ...journey } = rest;
    return {
      ...journey,
      formatVersion: 2,
      triggers: trigger ? [node(trigger)] : [],
      nodes: arr(g.nodes).map(node),
      edges: arr(connections).map(link),
    };
  }
  const { scope, entry, links, purpose, keywordRules, ...bot } = rest;
  return {
    ...bot,
    formatVersion: 2,
    bot: { scope, ...(purpose ? { purpose } : {}) },
    entryModuleId: entry,
    triggers: arr(keywordRules).map(node),
    modules: arr(g.modules).map((m) => {
      const mod = z.looseObject({ id: z.string(), name: z.string(), cards: z.array(z.unknown()).default([]) }).parse(m);
      return { ...mod, cards: mod.cards.map(node) };
    }),
    edges: arr(links).map(link),
  };
}

const UPGRADES: Readonly<Record<number, Upgrade>> = { 1: v1ToV2 };

/** A structural problem; `issue` is the schema's own finding, for callers that phrase messages themselves. */
export interface GraphParseError {
  path: (string | number)[];
  message: string;
  issue?: z.core.$ZodIssue;
}

export type ParsedGraph = { ok: true; graph: FlowGraph; upgradedFrom?: number } | { ok: false; error: GraphParseError[] };

/** The format version a stored graph claims; `version` was the v1 field name. */
export function storedFormatVersion(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Json;
  const v = r.formatVersion ?? r.version;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** Parses a stored graph of any known format version, upgrading it to the current one. Never throws. */
export function parseStoredGraph(raw: unknown): ParsedGraph {
  const from = storedFormatVersion(raw);
  if (from === undefined) return { ok: false, error: [{ path: ['formatVersion'], message: 'The graph has no format version' }] };
  if (from > GRAPH_FORMAT_VERSION) {
    return { ok: false, error: [{ path: ['formatVersion'], message: `Format ${from} is newer than this Omniflow understands (${GRAPH_FORMAT_VERSION})` }] };
  }
  let g = raw as Json;
  try {
    for (let v = from; v < GRAPH_FORMAT_VERSION; v++) {
      const up = UPGRADES[v];
      if (!up) return { ok: false, error: [{ path: ['formatVersion'], message: `No upgrade from format ${v}` }] };
      g = up(g);
    }
  } catch (e) {
    const message = e instanceof z.ZodError ? (e.issues[0]?.message ?? 'malformed') : String(e);
    return { ok: false, error: [{ path: [], message: `Could not upgrade the graph from format ${from}: ${message}` }] };
  }
  const parsed = FlowGraph.safeParse(g, { reportInput: true });
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, issue: i })),
    };
  }
  return from === GRAPH_FORMAT_VERSION ? { ok: true, graph: parsed.data } : { ok: true, graph: parsed.data, upgradedFrom: from };
}
