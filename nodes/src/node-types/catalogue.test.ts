import { BOT_SCOPE_CHANNELS, BOT_SCOPES, type BotScope, type ChannelKind, SENDABLE_CHANNELS } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import { resolvePath } from '../config-path.ts';
import type { AnyNodeDefinition, LimitRule, NodeCheckContext } from '../define.ts';
import { applicableLimits, measure } from '../limits.ts';
import { validateNodeConfig } from '../validate/node.ts';
import { BUILTIN_NODE_TYPES, builtinCatalogue } from './index.ts';

// Contract tests every node type must pass, and the table-driven limit tests of the foundation
// issue: for every limit of every node, per channel, the largest accepted value passes and the
// first rejected one fails (and the smallest accepted / first rejected for minimums).

const scopeFor = (channel: ChannelKind): BotScope => BOT_SCOPES.find((s) => s !== 'all' && BOT_SCOPE_CHANNELS[s].includes(channel)) ?? 'all';

function contextFor(def: AnyNodeDefinition, channel: ChannelKind): NodeCheckContext {
  const flowKind = def.flowKinds.includes('chatbot') && !def.flowKinds.includes('journey') ? 'chatbot' : (def.flowKinds[0] ?? 'journey');
  return { flowKind, channels: [channel], ...(flowKind === 'chatbot' ? { scope: scopeFor(channel) } : {}) };
}

const channelsOf = (def: AnyNodeDefinition): readonly ChannelKind[] => (def.channels === 'any' ? SENDABLE_CHANNELS : def.channels);

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
  return copy;
}

/** A value of exactly `size` for the rule, shaped like the original (URLs stay URLs, items are cloned). */
function sized(rule: LimitRule<unknown>, original: unknown, size: number): unknown {
  if (rule.measure === 'number') return size;
  if (rule.measure === 'items') {
    const items = original as unknown[];
    const template = items[0];
    return Array.from({ length: size }, (_, i) => {
      if (template === undefined) return undefined;
      const clone = structuredClone(template) as Record<string, unknown>;
      if (clone && typeof clone === 'object' && typeof clone.id === 'string') clone.id = `${clone.id}x${i}`;
      return typeof template === 'string' ? `${template}${i}` : clone;
    });
  }
  const s = String(original);
  if (/^https?:\/\//.test(s) && size >= 13) return `https://e.co/${'a'.repeat(size - 13)}`;
  return 'a'.repeat(size);
}

interface Probe {
  def: AnyNodeDefinition;
  rule: LimitRule<unknown>;
  channel: ChannelKind;
}

function probes(): Probe[] {
  const out: Probe[] = [];
  for (const def of BUILTIN_NODE_TYPES) {
    for (const rule of (def.limits ?? []) as LimitRule<unknown>[]) {
      for (const channel of rule.channels ?? channelsOf(def)) {
        if (!channelsOf(def).includes(channel)) continue;
        out.push({ def, rule, channel });
      }
    }
  }
  return out;
}

/** The example to probe from: one the rule applies to and whose path exists. */
function baseFor({ def, rule, channel }: Probe): { config: unknown; path: (string | number)[]; original: unknown } | undefined {
  for (const ex of def.examples) {
    const parsed = def.config.safeParse(ex.config);
    if (!parsed.success) continue;
    if (rule.when && !rule.when(parsed.data)) continue;
    const hit = resolvePath(parsed.data, rule.path).find((r) => measure(rule, r.value) !== undefined);
    if (!hit) continue;
    if (rule.measure === 'items' && (hit.value as unknown[]).length === 0) continue;
    void channel;
    return { config: parsed.data, path: hit.path, original: hit.value };
  }
  return undefined;
}

/** The effective bound on this path and channel: the strictest applicable rule for the modified config. */
function effective(p: Probe, config: unknown, kind: 'max' | 'min'): number | undefined {
  const parsed = p.def.config.safeParse(config);
  if (!parsed.success) return undefined;
  const rules = applicableLimits((p.def.limits ?? []) as LimitRule<unknown>[], parsed.data, { channels: [p.channel] }).filter(
    (r) => r.path === p.rule.path && r.measure === p.rule.measure,
  );
  const bounds = rules.map((r) => r[kind]).filter((b): b is number => b !== undefined);
  if (!bounds.length) return undefined;
  return kind === 'max' ? Math.min(...bounds) : Math.max(...bounds);
}

const issuesAt = (def: AnyNodeDefinition, config: unknown, channel: ChannelKind, path: (string | number)[]) =>
  validateNodeConfig(def, config, contextFor(def, channel)).issues.filter((i) => JSON.stringify(i.path) === JSON.stringify(path));

describe('every node type', () => {
  const catalogue = builtinCatalogue();
  it('has a unique type, and all 56 built-ins are registered', () => {
    expect(catalogue.list()).toHaveLength(BUILTIN_NODE_TYPES.length);
    expect(BUILTIN_NODE_TYPES.length).toBeGreaterThanOrEqual(56);
  });

  for (const def of BUILTIN_NODE_TYPES) {
    describe(def.type, () => {
      it('has a default config that parses, and ports with unique ids', () => {
        const parsed = def.config.safeParse(def.defaultConfig);
        expect(parsed.error?.issues ?? []).toEqual([]);
        for (const kind of def.flowKinds) {
          const ids = def.ports(parsed.data, { flowKind: kind }).map((p) => p.id);
          expect(new Set(ids).size).toBe(ids.length);
        }
      });
      it('has examples that validate cleanly on every channel it supports', () => {
        expect(def.examples.length).toBeGreaterThan(0);
        for (const ex of def.examples) {
          for (const channel of channelsOf(def)) {
            const errors = validateNodeConfig(def, ex.config, contextFor(def, channel)).issues.filter((i) => i.severity !== 'warning');
            expect({ example: ex.name, channel, errors }).toEqual({ example: ex.name, channel, errors: [] });
          }
        }
      });
      it('is labelled in English and Traditional Chinese', () => {
        expect(def.label.en).not.toBe('');
        expect(def.label['zh-Hant']).not.toBe('');
        expect(def.description.en).not.toBe('');
      });
      if (def.category === 'trigger') it('declares the engine events that fire it', () => expect(def.events?.length).toBeGreaterThan(0));
    });
  }
});

describe('limits: boundary values per channel', () => {
  for (const p of probes()) {
    const bound = [p.rule.max !== undefined ? `max ${p.rule.max}` : '', p.rule.min !== undefined ? `min ${p.rule.min}` : ''].filter(Boolean).join(' ');
    it(`${p.def.type} ${p.rule.path} ${bound} on ${p.channel} (${p.rule.source})`, () => {
      const base = baseFor(p);
      expect(base, `no example of ${p.def.type} reaches "${p.rule.path}"${p.rule.when ? ' with its condition' : ''}`).toBeDefined();
      if (!base) return;
      if (p.rule.max !== undefined) {
        const max = effective(p, setAt(base.config, base.path, sized(p.rule, base.original, p.rule.max)), 'max') ?? p.rule.max;
        const atMax = setAt(base.config, base.path, sized(p.rule, base.original, max));
        expect(issuesAt(p.def, atMax, p.channel, base.path)).toEqual([]);
        const over = setAt(base.config, base.path, sized(p.rule, base.original, max + 1));
        expect(issuesAt(p.def, over, p.channel, base.path).length).toBeGreaterThan(0);
      }
      if (p.rule.min !== undefined) {
        const min = effective(p, setAt(base.config, base.path, sized(p.rule, base.original, p.rule.min)), 'min') ?? p.rule.min;
        // A "required" rule (min 1 char): any non-empty value is the accepted side, "" the rejected one.
        const atMin = setAt(base.config, base.path, p.rule.measure === 'chars' && min === 1 ? base.original : sized(p.rule, base.original, min));
        expect(issuesAt(p.def, atMin, p.channel, base.path)).toEqual([]);
        if (min > 0 || p.rule.measure === 'number') {
          const under = setAt(base.config, base.path, sized(p.rule, base.original, min - 1));
          expect(issuesAt(p.def, under, p.channel, base.path).length).toBeGreaterThan(0);
        }
      }
    });
  }
});
