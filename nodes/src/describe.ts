import type { BotScope, ChannelKind, FlowKind, LocalizedText } from '@omniflow/schemas';
import { z } from 'zod';
import { type AnyNodeDefinition, type NodeCategory, type PortSpec, scopesOf } from './define.ts';
import type { Capability } from './run-context.ts';

/** A node type as plain JSON: the catalogue listing, the api's catalogue endpoint and the studio palette. */
export interface NodeTypeSummary {
  type: string;
  version: number;
  category: NodeCategory;
  flowKinds: readonly FlowKind[];
  channels: 'any' | readonly ChannelKind[];
  botScopes: readonly BotScope[];
  /** Ports of the default config, in the first flow kind listed. */
  ports: PortSpec[];
  /** Ports of the default config in each flow kind the node supports (some differ, e.g. hand-off). */
  portsByFlowKind: Partial<Record<FlowKind, PortSpec[]>>;
  label: LocalizedText;
  description: LocalizedText;
  icon: string;
  needs: readonly Capability[];
  waits: boolean;
  terminal: boolean;
  events?: readonly string[];
  limits: { path: string; measure: string; max?: number; min?: number; channels?: readonly ChannelKind[]; conditional: boolean; source: string }[];
  configSchema: unknown;
}

export function describeNodeType(def: AnyNodeDefinition): NodeTypeSummary {
  const parsed = def.config.safeParse(def.defaultConfig);
  const flowKind = def.flowKinds[0] ?? 'journey';
  return {
    type: def.type,
    version: def.version,
    category: def.category,
    flowKinds: def.flowKinds,
    channels: def.channels,
    botScopes: def.flowKinds.includes('chatbot') ? scopesOf(def) : [],
    ports: parsed.success ? def.ports(parsed.data, { flowKind }) : [],
    portsByFlowKind: Object.fromEntries(def.flowKinds.map((kind) => [kind, parsed.success ? def.ports(parsed.data, { flowKind: kind }) : []])),
    label: def.label,
    description: def.description,
    icon: def.icon,
    needs: def.needs,
    waits: def.waits ?? false,
    terminal: def.terminal ?? false,
    ...(def.events ? { events: def.events } : {}),
    limits: (def.limits ?? []).map((l) => ({
      path: l.path,
      measure: l.measure,
      ...(l.max !== undefined ? { max: l.max } : {}),
      ...(l.min !== undefined ? { min: l.min } : {}),
      ...(l.channels ? { channels: l.channels } : {}),
      conditional: l.when !== undefined,
      source: l.source,
    })),
    configSchema: z.toJSONSchema(def.config, { unrepresentable: 'any', io: 'input' }),
  };
}
