import { z } from 'zod';
import { ChannelKind } from './channel.ts';
import { LocalizedText } from './i18n.ts';

/**
 * A problem found in a graph or a config, phrased for a marketer. Errors block publishing;
 * warnings need confirmation. `path` is the config field path inside the node (empty for the node itself).
 */
export const ValidationIssue = z.object({
  severity: z.enum(['error', 'warning']),
  /** Stable machine code, e.g. "too_long", "dangling_edge", "unknown_placeholder". */
  code: z.string(),
  message: LocalizedText,
  nodeId: z.string().optional(),
  moduleId: z.string().optional(),
  edgeId: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])),
  channel: ChannelKind.optional(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;
