import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProtocolServer, startProtocolServer } from './protocol-server.test-util.ts';
import { initialSimState, litIds, type SimEvent, type SimState, SimulatorConnection, simReducer, simulatorUrl } from './session.ts';

let server: ProtocolServer;
beforeAll(async () => {
  server = await startProtocolServer();
});
afterAll(async () => server?.close());

/** A connection whose state is reduced as the panel reduces it; `until` waits for a condition. */
function connect(hello = { type: 'hello' as const }) {
  let state: SimState = initialSimState;
  const waiters: { check(s: SimState): boolean; resolve(): void }[] = [];
  const on = {
    event(e: SimEvent) {
      state = simReducer(state, e);
      for (const w of [...waiters]) if (w.check(state)) w.resolve();
    },
  };
  const conn = new SimulatorConnection(`${server.url}?flowId=f1`, hello, on, server.factory);
  const until = (check: (s: SimState) => boolean) =>
    check(state)
      ? Promise.resolve(state)
      : new Promise<SimState>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out; state: ${JSON.stringify(state)}`)), 3000);
          waiters.push({
            check,
            resolve: () => {
              clearTimeout(timer);
              resolve(state);
            },
          });
        });
  return {
    conn,
    until,
    get state() {
      return state;
    },
  };
}

describe('simulator session', () => {
  it('builds the socket url from the page location, with a start node when given', () => {
    expect(simulatorUrl({ flowId: 'f 1', location: { protocol: 'http:', host: 'localhost:3000' } })).toBe('ws://localhost:3000/webchat/simulate?flowId=f+1');
    expect(simulatorUrl({ flowId: 'f1', startNodeId: 'wait_1h', location: { protocol: 'https:', host: 'x.example' } })).toBe(
      'wss://x.example/webchat/simulate?flowId=f1&startNodeId=wait_1h',
    );
  });

  it('says hello, chats, presses a quick reply and reaches the hand-off, collecting the steps', async () => {
    const c = connect();
    await c.until((s) => s.sessionId === 's-f1' && s.status === 'open');
    expect(c.state.clock).toBe('2025-01-01T09:00:00.000Z');
    c.conn.say('menu');
    const menu = await c.until((s) => s.transcript.some((e) => e.kind === 'bot'));
    const bot = menu.transcript.find((e) => e.kind === 'bot');
    expect(menu.transcript[0]).toMatchObject({ kind: 'me', text: 'menu' });
    expect(bot?.kind === 'bot' && bot.message.quickReplies.map((q) => q.label)).toEqual(['Prices', 'agent']);
    const agent = bot?.kind === 'bot' ? bot.message.quickReplies[1] : undefined;
    if (!agent) throw new Error('no quick reply');
    c.conn.press(agent);
    const done = await c.until((s) => s.handedOff);
    expect(done.transcript.at(-1)).toMatchObject({ kind: 'handoff', text: 'Assigned to the CS team' });
    expect(done.steps.map((s) => s.nodeId)).toEqual(['c_menu', 'c_handoff']);
    expect([...litIds(done.steps)].sort()).toEqual(['c_handoff', 'c_menu', 'm_agent', 'm_welcome']);
    expect(server.received.filter((f) => f.type === 'postback')).toEqual([expect.objectContaining({ payload: 'pb:agent', label: 'agent' })]);
    c.conn.close();
    await c.until((s) => s.status === 'closed');
  });

  it('fast-forwards the virtual clock and restarts with an empty conversation', async () => {
    const c = connect();
    await c.until((s) => s.status === 'open' && s.sessionId !== undefined);
    c.conn.fastForward();
    await c.until((s) => s.clock !== undefined && s.clock > '2025-01-01T09:00:00.000Z');
    c.conn.say('menu');
    await c.until((s) => s.steps.length === 1);
    c.conn.restart();
    const fresh = await c.until((s) => s.sessionId === 's-restarted');
    expect(fresh.transcript).toEqual([]);
    expect(fresh.steps).toEqual([]);
    c.conn.close();
  });

  it('never sends an invalid frame, and shows a malformed server frame as a problem', () => {
    let state = initialSimState;
    const sent: string[] = [];
    const fake = { readyState: 1, send: (d: string) => sent.push(d), close() {}, onopen: null, onmessage: null, onclose: null, onerror: null };
    const conn = new SimulatorConnection('ws://x', { type: 'hello' }, { event: (e) => (state = simReducer(state, e)) }, () => fake);
    conn.say('x'.repeat(2001));
    expect(sent).toEqual([]);
    expect(state.transcript.at(-1)).toMatchObject({ kind: 'problem' });
    (fake as { onmessage: ((ev: { data: unknown }) => void) | null }).onmessage?.({ data: '{"type":"message","message":{"id":1}}' });
    expect(state.transcript.at(-1)).toMatchObject({ kind: 'problem', text: expect.stringContaining('message.id') });
    (fake as { onmessage: ((ev: { data: unknown }) => void) | null }).onmessage?.({ data: 'not json' });
    expect(state.transcript).toHaveLength(3);
  });
});
