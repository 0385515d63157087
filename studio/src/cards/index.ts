// Channel-faithful previews of message cards, shared by the studio and Storybook.
export { type ConversationCard, ConversationPreview, summaryText } from './ConversationPreview.tsx';
export { ConfigText, IssueFlag, MediaBox, resolveFromContact, splitAtLimit } from './core.tsx';
export { CHANNEL_TITLES, ChannelFrame } from './frame.tsx';
export { MessagePreview } from './MessagePreview.tsx';
export { CARD_RENDERERS } from './renderers.tsx';
export { SAMPLE_CONTACTS, type SampleContactId } from './sample-contacts.ts';
export type { CardAction, MessagePreviewProps, PlaceholderMode, SampleContact } from './types.ts';
