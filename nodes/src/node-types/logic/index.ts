import { conditionSplit } from './condition.ts';
import { randomSplit } from './random-split.ts';
import { segmentSplit } from './split.ts';

/** The built-in logic node types, one file each. */
export const logicNodeTypes = [conditionSplit, segmentSplit, randomSplit] as const;

export { conditionSplit, randomSplit, segmentSplit };
