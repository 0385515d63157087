import { callApiAction } from './call-api.ts';
import { capiEventAction } from './capi-event.ts';
import { handoffAction } from './handoff.ts';
import { keywordAssignAction } from './keyword-assign.ts';
import { pointsAction } from './points.ts';
import { setAttributeAction } from './set-attribute.ts';
import { subscriptionAction } from './subscription.ts';
import { tagAction } from './tag.ts';

/** The built-in action node types, one file each. */
export const actionNodeTypes = [
  tagAction,
  setAttributeAction,
  pointsAction,
  capiEventAction,
  callApiAction,
  keywordAssignAction,
  handoffAction,
  subscriptionAction,
] as const;

export { callApiAction, capiEventAction, handoffAction, keywordAssignAction, pointsAction, setAttributeAction, subscriptionAction, tagAction };
