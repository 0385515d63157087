import { Catalogue } from '../catalogue.ts';
import type { AnyNodeDefinition } from '../define.ts';
import { actionNodeTypes } from './action/index.ts';
import { flowNodeTypes } from './flow/index.ts';
import { logicNodeTypes } from './logic/index.ts';
import { messageNodeTypes } from './message/index.ts';
import { triggerNodeTypes } from './trigger/index.ts';
import { waitNodeTypes } from './wait/index.ts';

export * from './action/index.ts';
export * from './flow/index.ts';
export * from './logic/index.ts';
export * from './message/index.ts';
export * from './trigger/index.ts';
export * from './wait/index.ts';

/** Every built-in node and trigger type (PRODUCT_SPEC §3 and §4). */
export const BUILTIN_NODE_TYPES: readonly AnyNodeDefinition[] = [
  ...triggerNodeTypes,
  ...messageNodeTypes,
  ...logicNodeTypes,
  ...waitNodeTypes,
  ...actionNodeTypes,
  ...flowNodeTypes,
];

/** A catalogue of the built-in types; add custom ones with `.with(myNode)`. */
export function builtinCatalogue(): Catalogue {
  return new Catalogue(BUILTIN_NODE_TYPES);
}
