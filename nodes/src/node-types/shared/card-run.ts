import type { ChannelKind } from '@omniflow/schemas';
import type { NodeOutcome, OutboundMessage, RunContext } from '../../run-context.ts';
import type { ButtonAction } from './button-action.ts';
import { failedSend, replyText } from './run-helpers.ts';

// What the chatbot cards' `run` bodies share: rendering the placeholders a card allows (string values
// only, URLs percent-encoded), sending one channel-neutral message, skipping a card the run's channel
// cannot show (the module goes on with its next card), and the "offer choices, wait, route the pick"
// pattern of quick replies and WhatsApp lists.

/** A port no card declares: the engine finds no edge and continues with the module's next card. */
export const SKIPPED_CARD_PORT = 'skipped';

/**
 * A link with its placeholders rendered: values inside the URL are percent-encoded, but a placeholder
 * that starts it (`{{run:link}}/track`) stands for the address itself and is inserted as it is.
 */
export function renderUrl(ctx: Pick<RunContext<unknown>, 'render'>, url: string): string {
  const leading = /^(\{\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\}\})([\s\S]*)$/.exec(url);
  if (!leading) return ctx.render(url, 'url');
  return ctx.render(leading[1] ?? '', 'text') + ctx.render(leading[2] ?? '', 'url');
}

/** A button action with its URL rendered (see `renderUrl`). */
export function renderAction<A extends ButtonAction>(ctx: RunContext<unknown>, action: A): A {
  return action.kind === 'url' ? { ...action, url: renderUrl(ctx, action.url) } : action;
}

/** Renders `text` only when it holds a placeholder, so plain values pass untouched. */
export function renderText(ctx: RunContext<unknown>, text: string): string {
  return text.includes('{{') ? ctx.render(text) : text;
}

/**
 * A card the run's channel cannot show is skipped (§4.0: in an `all` bot only some contacts get it):
 * the outcome to return, or undefined when the card goes out.
 */
export function skipOffChannel(ctx: RunContext<unknown>, channels: readonly ChannelKind[], card: string): NodeOutcome | undefined {
  const channel = ctx.run.channel;
  if (channel === undefined || channels.includes(channel)) return undefined;
  return { kind: 'next', port: SKIPPED_CARD_PORT, explanation: `${card} is not sent on ${channel}; the module goes on` };
}

/** Sends a chatbot card and goes on with the module; a failed send fails the card with the platform's reason. */
export async function sendCard(
  ctx: RunContext<unknown>,
  nodeType: string,
  content: OutboundMessage['content'],
  explanation: string,
  extra: Partial<Pick<OutboundMessage, 'channel' | 'purpose'>> = {},
): Promise<NodeOutcome> {
  const sent = await ctx.send({ nodeType, content, purpose: extra.purpose ?? 'conversational', ...(extra.channel ? { channel: extra.channel } : {}) });
  if (!sent.ok) return failedSend(sent);
  return { kind: 'next', port: 'next', explanation: `${explanation} (${sent.messageId})` };
}

/** The wait of a card that offers choices: a tap or a typed reply, until the bot's input expiry. */
export function awaitChoice(ctx: RunContext<unknown>, explanation: string): NodeOutcome {
  return {
    kind: 'wait',
    until: new Date(ctx.now().getTime() + ctx.flow.inputExpiryMinutes * 60_000),
    events: [{ event: 'buttonClick' }, { event: 'reply' }],
    timeoutPort: 'timeout',
    explanation,
  };
}

/** The option a resuming tap (by id) or typed reply (by label, case-insensitive) picked, if any. */
export function pickedOption<O extends { id: string }>(ctx: RunContext<unknown>, options: readonly O[], label: (o: O) => string): O | undefined {
  const payload = ctx.resumedBy?.payload ?? {};
  const byId = options.find((o) => o.id === payload.optionId || o.id === payload.buttonId);
  if (byId) return byId;
  const text = replyText(ctx)?.toLowerCase();
  return text === undefined ? undefined : options.find((o) => label(o).trim().toLowerCase() === text);
}
