import type { AddressInfo } from 'node:net';
import { WebChatClientFrame, type WebChatServerFrame } from '@omniflow/schemas';
import { WebSocket, WebSocketServer } from 'ws';
import type { SocketFactory, SocketLike } from './session.ts';

// A small WebSocket server speaking the web chat simulator protocol (schemas/src/webchat.ts) for the
// studio's tests: a two-module bot that answers "menu" with a quick reply, routes the "agent" postback
// to a hand-off, and a wait that fast-forwards by one hour. It checks every client frame with the real
// schema and answers a bad one with an `error` frame, as the api does.

export interface ProtocolServer {
  url: string;
  received: WebChatClientFrame[];
  /** The query of every connection (flowId, startNodeId). */
  queries: URLSearchParams[];
  factory: SocketFactory;
  close(): Promise<void>;
}

export async function startProtocolServer(): Promise<ProtocolServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: WebChatClientFrame[] = [];
  const queries: URLSearchParams[] = [];
  let clock = Date.parse('2025-01-01T09:00:00Z');
  server.on('connection', (socket, request) => {
    const send = (frame: WebChatServerFrame) => socket.send(JSON.stringify(frame));
    const url = new URL(request.url ?? '/', 'http://x');
    queries.push(url.searchParams);
    let seq = 0;
    const step = (nodeId: string, moduleId: string, port?: string) =>
      send({
        type: 'step',
        step: { nodeId, moduleId, outcome: 'passed', ...(port ? { port } : {}), explanation: `Ran ${nodeId}`, at: new Date(clock).toISOString() },
      });
    const message = (text: string, quickReplies: string[] = []) =>
      send({
        type: 'message',
        message: {
          id: `m${++seq}`,
          at: new Date(clock).toISOString(),
          nodeType: quickReplies.length ? 'message.quick_reply' : 'message.text',
          text,
          cards: [],
          buttons: [],
          quickReplies: quickReplies.map((q) => ({ label: q, kind: 'postback' as const, payload: `pb:${q}` })),
        },
      });
    socket.on('message', (raw) => {
      const parsed = WebChatClientFrame.safeParse(JSON.parse(String(raw)));
      if (!parsed.success) {
        send({ type: 'error', code: 'invalid_frame', message: 'bad frame', field: String(parsed.error.issues[0]?.path[0] ?? 'type') });
        return;
      }
      const frame = parsed.data;
      received.push(frame);
      if (frame.type === 'hello') {
        send({ type: 'welcome', visitorId: 'v1', sessionId: `s-${url.searchParams.get('flowId')}`, simulation: true });
        send({ type: 'clock', now: new Date(clock).toISOString() });
      } else if (frame.type === 'text') {
        send({ type: 'ack', clientMessageId: frame.clientMessageId });
        if (frame.text === 'menu') {
          step('c_menu', 'm_welcome');
          message('What can I do for you?', ['Prices', 'agent']);
        }
      } else if (frame.type === 'postback') {
        send({ type: 'ack', clientMessageId: frame.clientMessageId });
        if (frame.payload === 'pb:Prices') {
          step('c_prices', 'm_prices');
          message('Coffee is 3 €');
        } else if (frame.payload === 'pb:agent') {
          step('c_handoff', 'm_agent');
          send({ type: 'handoff', message: 'Assigned to the CS team' });
        }
      } else if (frame.type === 'fastForward') {
        clock += (frame.minutes ?? 60) * 60_000;
        send({ type: 'clock', now: new Date(clock).toISOString() });
      } else if (frame.type === 'restart') {
        send({ type: 'welcome', visitorId: 'v1', sessionId: 's-restarted', simulation: true });
      }
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/webchat/simulate`,
    received,
    queries,
    factory: (u) => new WebSocket(u) as unknown as SocketLike,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
