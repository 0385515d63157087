// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinCatalogue } from '@omniflow/nodes';
import { FlowGraph, type WebChatStep } from '@omniflow/schemas';
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { click, type Rendered, render, typeInto } from '../test-dom.tsx';
import { type ProtocolServer, startProtocolServer } from './protocol-server.test-util.ts';
import { parseTestContact, SimulatorPanel } from './SimulatorPanel.tsx';

// The panel against a real WebSocket server speaking the simulator protocol.

// vitest runs in studio/; under happy-dom import.meta.url is not a file URL.
const catalogue = builtinCatalogue();
const example = (name: string) => FlowGraph.parse(JSON.parse(readFileSync(join(process.cwd(), `../examples/flows/${name}`), 'utf8')));
const bot = example('keyword-bot.chatbot.json');
let server: ProtocolServer;
let view: Rendered | undefined;
beforeAll(async () => {
  server = await startProtocolServer();
});
afterAll(async () => server?.close());
afterEach(() => view?.unmount());

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await act(async () => new Promise((r) => setTimeout(r, 20)));
  }
  throw new Error(`timed out waiting for ${what}; DOM: ${view?.container.textContent}`);
}

describe('SimulatorPanel', () => {
  it('chats with a bot over the socket: keyword, quick reply, hand-off; the steps light the path and jump to the card', async () => {
    const port = new URL(server.url).port;
    const seen: { steps: readonly WebChatStep[]; selected: string[] } = { steps: [], selected: [] };
    view = await render(
      <SimulatorPanel
        flowId="f1"
        graph={bot}
        catalogue={catalogue}
        prepare={async () => {}}
        onSteps={(s) => {
          seen.steps = s;
        }}
        onSelect={(id) => seen.selected.push(id)}
        onClose={() => {}}
        socketFactory={server.factory}
        location={{ protocol: 'http:', host: `127.0.0.1:${port}` }}
      />,
    );
    const c = view.container;
    await until(() => c.querySelector('[data-testid="sim-status"]')?.textContent === 'Connected', 'the connection');
    await typeInto(c.querySelector('input[aria-label="Type a message"]') as HTMLInputElement, 'menu');
    await click(c.querySelector('.sim-compose button[type="submit"]') as HTMLButtonElement);
    await until(() => c.querySelectorAll('.sim-quick-reply').length === 2, 'the quick replies');
    expect(c.querySelector('.sim-msg.me')?.textContent).toBe('menu');
    await click([...c.querySelectorAll('.sim-quick-reply')].find((b) => b.textContent === 'agent') as HTMLElement);
    await until(() => c.querySelector('[data-testid="sim-handoff"]') !== null, 'the hand-off');
    expect(seen.steps.map((s) => s.moduleId)).toEqual(['m_welcome', 'm_agent']);
    // Step names come from the graph: module · card type.
    const stepLinks = [...c.querySelectorAll('[data-testid="sim-steps"] button')];
    expect(stepLinks.map((b) => b.textContent?.split(' · ')[0])).toEqual(['Welcome', 'Live agent']);
    await click(stepLinks[0] as HTMLElement);
    expect(seen.selected).toEqual(['c_menu']);
    expect(server.received.find((f) => f.type === 'hello')).toMatchObject({ type: 'hello', testContact: { tags: [], attributes: {} } });
  });

  it('runs a journey from a chosen node for the test contact of the form, and fast-forwards its clock', async () => {
    const port = new URL(server.url).port;
    view = await render(
      <SimulatorPanel
        flowId="j1"
        graph={example('abandoned-cart.journey.json')}
        catalogue={catalogue}
        prepare={async () => {}}
        onSteps={() => {}}
        onSelect={() => {}}
        onClose={() => {}}
        socketFactory={server.factory}
        location={{ protocol: 'http:', host: `127.0.0.1:${port}` }}
      />,
    );
    const c = view.container;
    expect(c.querySelector('[data-testid="sim-status"]')?.textContent).toBe('Not started');
    await typeInto(c.querySelector('.sim-contact input') as HTMLInputElement, 'vip, cart_abandoned');
    await typeInto(c.querySelector('.sim-contact textarea') as HTMLTextAreaElement, 'plan=gold\nvisits=3');
    const start = c.querySelector('.sim-contact select') as HTMLSelectElement;
    expect([...start.options].map((o) => o.value)).toContain('bought_yet');
    await act(async () => {
      start.value = 'bought_yet';
      start.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await click(c.querySelector('.sim-contact button[type="submit"]') as HTMLButtonElement);
    await until(() => c.querySelector('[data-testid="sim-status"]')?.textContent === 'Connected', 'the connection');
    expect(server.queries.at(-1)?.get('flowId')).toBe('j1');
    expect(server.queries.at(-1)?.get('startNodeId')).toBe('bought_yet');
    expect(server.received.filter((f) => f.type === 'hello').at(-1)).toMatchObject({
      testContact: { tags: ['vip', 'cart_abandoned'], attributes: { plan: 'gold', visits: 3 } },
    });
    await until(() => (c.querySelector('[data-testid="sim-clock"]')?.textContent ?? '').includes('2025-01-01 09:00'), 'the clock');
    const fastForward = [...c.querySelectorAll('button')].find((b) => b.textContent?.includes('Fast-forward')) as HTMLButtonElement;
    await click(fastForward);
    await until(() => (c.querySelector('[data-testid="sim-clock"]')?.textContent ?? '').includes('10:00'), 'the clock to move');
    expect(server.received.at(-1)).toEqual({ type: 'fastForward' });
  });

  it('reads the test contact form: tags, typed attribute values, and a bad line by its number', () => {
    expect(parseTestContact({ tags: 'vip, new,vip', attributes: 'plan=gold\nage=30\nopted=true\n\n' })).toEqual({
      tags: ['vip', 'new'],
      attributes: { plan: 'gold', age: 30, opted: true },
    });
    expect(parseTestContact({ tags: '', attributes: 'plan=gold\nbad key=1' })).toEqual({ error: 'line 2: bad key=1' });
    expect(parseTestContact({ tags: '', attributes: 'novalue' })).toEqual({ error: 'line 1: novalue' });
  });
});
