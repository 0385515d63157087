import { type WebChatBotMessage, WebChatClientFrame, WebChatServerFrame, type WebChatStep } from '@omniflow/schemas';

// The simulator's side of the web chat wire protocol (schemas/src/webchat.ts): a pure reducer from
// server frames to what the panel draws, and a connection that validates every frame both ways, so a
// malformed frame is shown as a problem and never acted on.

export type TranscriptEntry =
  | { kind: 'bot'; key: string; message: WebChatBotMessage }
  | { kind: 'me'; key: string; text: string }
  | { kind: 'handoff'; key: string; text?: string }
  | { kind: 'problem'; key: string; code: string; text: string };

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface SimState {
  status: ConnectionStatus;
  sessionId?: string;
  transcript: TranscriptEntry[];
  steps: WebChatStep[];
  /** The virtual clock, once the server reported it. */
  clock?: string;
  typing: boolean;
  handedOff: boolean;
}

export const initialSimState: SimState = { status: 'connecting', transcript: [], steps: [], typing: false, handedOff: false };

export type SimEvent =
  | { type: 'frame'; frame: WebChatServerFrame }
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'sent'; text: string; key: string }
  | { type: 'invalid'; text: string }
  | { type: 'reset' };

let keySeq = 0;
const nextKey = (prefix: string) => `${prefix}${++keySeq}`;

export function simReducer(state: SimState, event: SimEvent): SimState {
  switch (event.type) {
    case 'status':
      return { ...state, status: event.status, typing: event.status === 'open' ? state.typing : false };
    case 'sent':
      return { ...state, transcript: [...state.transcript, { kind: 'me', key: event.key, text: event.text }] };
    case 'invalid':
      return { ...state, transcript: [...state.transcript, { kind: 'problem', key: nextKey('p'), code: 'invalid_frame', text: event.text }] };
    case 'reset':
      return { ...initialSimState, status: state.status };
    case 'frame':
      return applyFrame(state, event.frame);
  }
}

function applyFrame(state: SimState, frame: WebChatServerFrame): SimState {
  switch (frame.type) {
    case 'welcome':
      // A new session (first connect or restart) starts with an empty conversation.
      return { ...initialSimState, status: state.status, sessionId: frame.sessionId, ...(state.clock ? { clock: state.clock } : {}) };
    case 'ack':
      return state;
    case 'typing':
      return { ...state, typing: true };
    case 'message':
      return { ...state, typing: false, transcript: [...state.transcript, { kind: 'bot', key: frame.message.id, message: frame.message }] };
    case 'handoff':
      return {
        ...state,
        typing: false,
        handedOff: true,
        transcript: [...state.transcript, { kind: 'handoff', key: nextKey('h'), ...(frame.message ? { text: frame.message } : {}) }],
      };
    case 'step':
      return { ...state, typing: false, steps: [...state.steps, frame.step] };
    case 'clock':
      return { ...state, clock: frame.now };
    case 'error':
      return {
        ...state,
        typing: false,
        transcript: [...state.transcript, { kind: 'problem', key: nextKey('p'), code: frame.code, text: frame.message }],
      };
  }
}

/** The ids the path lights up with: every node a step ran, and (chatbots) every module it ran in. */
export function litIds(steps: readonly WebChatStep[]): Set<string> {
  const ids = new Set<string>();
  for (const s of steps) {
    ids.add(s.nodeId);
    if (s.moduleId) ids.add(s.moduleId);
  }
  return ids;
}

/** What the panel needs of a WebSocket (the browser's, or the `ws` package's in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

export interface SimulatorUrlOptions {
  flowId: string;
  startNodeId?: string;
  /** The page's location: ws(s)://host of the studio (the api serves both). */
  location?: { protocol: string; host: string };
}

export function simulatorUrl({ flowId, startNodeId, location = window.location }: SimulatorUrlOptions): string {
  const params = new URLSearchParams({ flowId });
  if (startNodeId) params.set('startNodeId', startNodeId);
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/webchat/simulate?${params}`;
}

/**
 * One simulator socket: sends `hello` on open, parses every server frame, and validates every client
 * frame before it leaves (a bad frame is reported to `onInvalid`, not sent).
 */
export class SimulatorConnection {
  readonly #socket: SocketLike;
  #closedByUs = false;

  constructor(
    url: string,
    readonly hello: Extract<WebChatClientFrame, { type: 'hello' }>,
    readonly on: { event(e: SimEvent): void },
    factory: SocketFactory = (u) => new WebSocket(u) as unknown as SocketLike,
  ) {
    this.#socket = factory(url);
    this.on.event({ type: 'status', status: 'connecting' });
    this.#socket.onopen = () => {
      this.on.event({ type: 'status', status: 'open' });
      this.#sendRaw(this.hello);
    };
    this.#socket.onmessage = (ev) => {
      let json: unknown;
      try {
        json = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
      } catch {
        this.on.event({ type: 'invalid', text: 'The simulator sent something that is not JSON.' });
        return;
      }
      const parsed = WebChatServerFrame.safeParse(json);
      if (parsed.success) this.on.event({ type: 'frame', frame: parsed.data });
      else
        this.on.event({
          type: 'invalid',
          text: `The simulator sent a frame this studio does not understand (${parsed.error.issues[0]?.path.join('.') ?? 'type'}).`,
        });
    };
    this.#socket.onclose = () => this.on.event({ type: 'status', status: 'closed' });
    this.#socket.onerror = () => {
      if (!this.#closedByUs) this.on.event({ type: 'status', status: 'closed' });
    };
  }

  get open(): boolean {
    return this.#socket.readyState === OPEN;
  }

  #sendRaw(frame: WebChatClientFrame): boolean {
    const parsed = WebChatClientFrame.safeParse(frame);
    if (!parsed.success) {
      this.on.event({ type: 'invalid', text: `Not sent: ${parsed.error.issues[0]?.message ?? 'invalid frame'}` });
      return false;
    }
    if (!this.open) return false;
    this.#socket.send(JSON.stringify(parsed.data));
    return true;
  }

  say(text: string): void {
    const clientMessageId = nextKey('c');
    if (this.#sendRaw({ type: 'text', text, clientMessageId })) this.on.event({ type: 'sent', text, key: clientMessageId });
  }

  press(action: { label: string; payload?: string | undefined }): void {
    const clientMessageId = nextKey('c');
    if (this.#sendRaw({ type: 'postback', payload: action.payload ?? action.label, label: action.label, clientMessageId }))
      this.on.event({ type: 'sent', text: action.label, key: clientMessageId });
  }

  fastForward(minutes?: number): void {
    this.#sendRaw(minutes ? { type: 'fastForward', minutes } : { type: 'fastForward' });
  }

  restart(): void {
    if (this.#sendRaw({ type: 'restart' })) this.on.event({ type: 'reset' });
  }

  close(): void {
    this.#closedByUs = true;
    this.#socket.close(1000, 'closed by the studio');
  }
}
