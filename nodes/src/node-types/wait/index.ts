import { delayCard } from './delay.ts';
import { waitNode } from './wait.ts';

/** The built-in wait node types, one file each. */
export const waitNodeTypes = [delayCard, waitNode] as const;

export { delayCard, waitNode };
