import { apiTrigger } from './api.ts';
import { attributeChangedTrigger } from './attribute-changed.ts';
import { cartAbandonedTrigger } from './cart-abandoned.ts';
import { entryPointTrigger } from './entry-point.ts';
import { formSubmittedTrigger } from './form-submitted.ts';
import { importTrigger } from './import.ts';
import { keywordTrigger } from './keyword.ts';
import { keywordAssignTrigger } from './keyword-assign.ts';
import { newContactTrigger } from './new-contact.ts';
import { omnilinkSuccessTrigger } from './omnilink-success.ts';
import { postInteractionTrigger } from './post-interaction.ts';
import { scheduleTrigger } from './schedule.ts';
import { systemTrigger } from './system.ts';
import { tagAppliedTrigger } from './tag-applied.ts';
import { tagRemovedTrigger } from './tag-removed.ts';
import { websiteVisitTrigger } from './website-visit.ts';
import { welcomeTrigger } from './welcome.ts';

/** The built-in trigger node types, one file each. */
export const triggerNodeTypes = [
  keywordTrigger,
  keywordAssignTrigger,
  postInteractionTrigger,
  tagAppliedTrigger,
  tagRemovedTrigger,
  attributeChangedTrigger,
  newContactTrigger,
  welcomeTrigger,
  websiteVisitTrigger,
  cartAbandonedTrigger,
  importTrigger,
  scheduleTrigger,
  omnilinkSuccessTrigger,
  systemTrigger,
  apiTrigger,
  entryPointTrigger,
  formSubmittedTrigger,
] as const;

export {
  apiTrigger,
  attributeChangedTrigger,
  cartAbandonedTrigger,
  entryPointTrigger,
  formSubmittedTrigger,
  importTrigger,
  keywordAssignTrigger,
  keywordTrigger,
  newContactTrigger,
  omnilinkSuccessTrigger,
  postInteractionTrigger,
  scheduleTrigger,
  systemTrigger,
  tagAppliedTrigger,
  tagRemovedTrigger,
  websiteVisitTrigger,
  welcomeTrigger,
};
