import { exitNode } from './exit.ts';
import { goalNode } from './goal.ts';
import { jumpToModule } from './jump.ts';
import { systemModuleCard } from './system-module.ts';
import { triggerJourneyNode } from './trigger-journey.ts';

/** The built-in flow node types, one file each. */
export const flowNodeTypes = [systemModuleCard, jumpToModule, triggerJourneyNode, goalNode, exitNode] as const;

export { exitNode, goalNode, jumpToModule, systemModuleCard, triggerJourneyNode };
