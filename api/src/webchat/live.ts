import { randomUUID } from 'node:crypto';
import { type EmbeddedEngine, parsePostbackData } from '@omniflow/engine';
import type { TriggerEvent, WebChatClientFrame, WebChatServerFrame } from '@omniflow/schemas';
import type { WebSocket } from 'ws';
import type { PrismaClient } from '../db/open.ts';
import type { DomainEventBus } from '../events.ts';
import { type FrameLimits, isFrameError, RateLimiter, readFrame, wsConnection } from './frames.ts';
import type { WebChatAddress, WebChatHub } from './hub.ts';
import { conversationStateOf, createVisitor, findVisitor, touchVisitor, type Visitor } from './visitors.ts';

// One live web chat socket (the widget): hello → the visitor's contact; text and postbacks → the engine
// as trigger events (which also resume waiting bot sessions); the bot's answers come back through the
// WebChatHub. Every client frame is acknowledged or answered with an error frame; the socket stays open.

export interface LiveChatDeps {
  prisma: PrismaClient;
  events: DomainEventBus;
  now: () => Date;
  hub: WebChatHub;
  engine: Pick<EmbeddedEngine, 'ingest' | 'idle'> | null;
  limits: FrameLimits;
  log: (error: unknown, message: string) => void;
  /** How long `typing` lasts at most while the engine works (default 10 s). */
  settleTimeoutMs?: number;
  /** Whether this client may create another visitor now (each new visitor is a contact). */
  mayCreateVisitor?: () => boolean;
}

const HUMAN_STATES = new Set(['pending_human', 'in_progress']);

export function handleLiveSocket(socket: WebSocket, channelId: string, deps: LiveChatDeps): void {
  const connection = wsConnection(socket);
  const limiter = new RateLimiter(deps.limits.rateLimit, deps.limits.rateWindowMs);
  const sessionId = `s_${randomUUID()}`;
  let visitor: Visitor | undefined;
  let detach: (() => void) | undefined;
  let handedOff = false;
  const send = (frame: WebChatServerFrame) => connection.send(frame).catch(() => {});

  // Frames are handled one at a time, in order; the listener is attached at once so none is missed.
  let queue: Promise<void> = Promise.resolve();
  socket.on('message', (raw: Buffer, isBinary: boolean) => {
    if (!limiter.take()) {
      void send({ type: 'error', code: 'rate_limited', message: `At most ${deps.limits.rateLimit} frames per ${deps.limits.rateWindowMs / 1000} s` });
      return;
    }
    const frame = readFrame(raw, isBinary, deps.limits);
    queue = queue
      .then(() => (isFrameError(frame) ? send(frame) : handle(frame)))
      .catch((err: unknown) => {
        deps.log(err, 'web chat frame failed');
        return send({ type: 'error', code: 'internal', message: 'The message could not be processed; please try again' });
      });
  });
  socket.on('close', () => detach?.());

  async function handle(frame: WebChatClientFrame): Promise<void> {
    if (frame.type === 'hello') return hello(frame);
    if (!visitor) return send({ type: 'error', code: 'hello_required', message: 'Send a hello frame first', field: 'type' });
    if (frame.type === 'received') {
      deps.hub.acknowledge({ channelId, visitorId: visitor.visitorId }, frame.messageIds);
      return;
    }
    if (frame.type === 'fastForward' || frame.type === 'restart')
      return send({ type: 'error', code: 'simulator_only', message: `${frame.type} works in the studio simulator only`, field: 'type' });
    if (!deps.engine) return send({ type: 'error', code: 'engine_unavailable', message: 'The bot is not running on this server' });
    const now = deps.now();
    await touchVisitor(deps.prisma, visitor.identityId, now);
    deps.engine.ingest(inboundEvent(frame, visitor, now));
    // Acknowledged once the engine's inbox holds it (durably): a client that got no ack re-sends with the same id.
    await send({ type: 'ack', clientMessageId: frame.clientMessageId });
    await send({ type: 'typing' });
    // Not awaited: the next frame need not wait for this one's answer.
    void settle(visitor).catch((err: unknown) => deps.log(err, 'web chat hand-off check failed'));
  }

  async function hello(frame: Extract<WebChatClientFrame, { type: 'hello' }>): Promise<void> {
    if (visitor) return send({ type: 'error', code: 'already_greeted', message: 'This socket already said hello', field: 'type' });
    const known = frame.visitorId ? await findVisitor(deps.prisma, { channelId, visitorId: frame.visitorId }) : null;
    if (!known && deps.mayCreateVisitor && !deps.mayCreateVisitor())
      return send({ type: 'error', code: 'rate_limited', message: 'Too many new conversations from this address; try again in a minute' });
    visitor = known ?? (await createVisitor({ prisma: deps.prisma, now: deps.now, events: deps.events }, channelId, frame.name));
    await send({ type: 'welcome', visitorId: visitor.visitorId, sessionId, simulation: false });
    const address: WebChatAddress = { channelId, visitorId: visitor.visitorId };
    detach = await deps.hub.attach(address, connection);
    if (socket.readyState !== socket.OPEN) detach();
    if (visitor.conversationState && HUMAN_STATES.has(visitor.conversationState)) {
      handedOff = true;
      await send({ type: 'handoff' });
    }
  }

  /** Waits (bounded) for the engine to answer, then tells the widget if the conversation went to a person. */
  async function settle(v: Visitor): Promise<void> {
    const engine = deps.engine;
    if (!engine) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([engine.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, deps.settleTimeoutMs ?? 10_000)))]);
    clearTimeout(timer);
    const state = await conversationStateOf(deps.prisma, v.identityId);
    const human = state !== null && HUMAN_STATES.has(state);
    if (human && !handedOff) await deps.hub.broadcast({ channelId, visitorId: v.visitorId }, { type: 'handoff' });
    handedOff = human;
  }

  function inboundEvent(frame: Extract<WebChatClientFrame, { type: 'text' | 'postback' }>, v: Visitor, now: Date): TriggerEvent {
    // Keyed by the client's message id: a frame re-sent after a reconnect reaches the engine once.
    const key = `webchat:${channelId}:${v.visitorId}:${frame.clientMessageId}`;
    const base = {
      id: key,
      occurredAt: now.toISOString(),
      customerId: v.customerId,
      channel: 'webchat' as const,
      channelId,
      source: 'webchat',
      dedupeKey: key,
    };
    if (frame.type === 'text') return { ...base, type: 'message.received', payload: { text: frame.text, messageId: frame.clientMessageId } };
    const routed = parsePostbackData(frame.payload);
    // A postback the flow did not encode (no button id) is read as the visitor typing its label.
    if (!routed.buttonId) return { ...base, type: 'message.received', payload: { text: frame.label || frame.payload, messageId: frame.clientMessageId } };
    return { ...base, type: 'postback.received', payload: { data: frame.payload, label: frame.label, ...routed } };
  }
}
