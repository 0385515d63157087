import { WebChatServerFrame } from '@omniflow/schemas';
import WebSocket from 'ws';

// A real WebSocket client for tests: collects the server's frames (each checked against the protocol)
// and waits for the next frame matching a predicate.

export class WebChatTestClient {
  readonly frames: WebChatServerFrame[] = [];
  readonly #taken = new Set<number>();
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(WebChatServerFrame.parse(JSON.parse(String(data))));
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Opens a socket; rejects with the HTTP status when the server refuses the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WebChatTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new WebChatTestClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame not yet taken that matches (waiting for it if needed); other frames stay available. */
  async next<T extends WebChatServerFrame['type']>(
    type: T,
    where: (frame: Extract<WebChatServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<WebChatServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.frames.length; i++) {
        const f = this.frames[i]!;
        if (this.#taken.has(i) || f.type !== type || !where(f as Extract<WebChatServerFrame, { type: T }>)) continue;
        this.#taken.add(i);
        return f as Extract<WebChatServerFrame, { type: T }>;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        throw new Error(`No ${type} frame within ${timeoutMs} ms; got: ${JSON.stringify(this.frames.slice(-8))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames of one type received so far. */
  all<T extends WebChatServerFrame['type']>(type: T): Extract<WebChatServerFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<WebChatServerFrame, { type: T }> => f.type === type);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
