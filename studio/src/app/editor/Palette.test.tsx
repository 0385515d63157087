// @vitest-environment happy-dom
import { builtinCatalogue } from '@omniflow/nodes';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { click, type Rendered, render, typeInto } from '../test-dom.tsx';
import { Palette } from './Palette.tsx';

const catalogue = builtinCatalogue();
let view: Rendered | undefined;
afterEach(() => view?.unmount());
const types = () => [...(view?.container.querySelectorAll('[data-type]') ?? [])].map((e) => e.getAttribute('data-type'));

describe('Palette', () => {
  it("offers the journey palette for the flow's channels, searchable in both languages", async () => {
    view = await render(<Palette catalogue={catalogue} channels={['line']} onAdd={() => {}} />, 'zh-Hant');
    expect(types()).toEqual(catalogue.palette({ kind: 'journey', channels: ['line'] }).map((d) => d.type));
    expect(types()).not.toContain('message.text'); // a chatbot card
    const search = view.container.querySelector('input[type="search"]') as HTMLInputElement;
    await typeInto(search, '貼標');
    expect(types()).toContain('action.tag');
    await typeInto(search, 'wait');
    expect(types()).toContain('wait.wait');
    expect(types()).not.toContain('action.tag');
  });

  it('adds with the keyboard-reachable button and drags with the node type', async () => {
    const onAdd = vi.fn();
    view = await render(<Palette catalogue={catalogue} channels={['line']} onAdd={onAdd} />);
    await click(view.container.querySelector('[data-type="action.tag"] button') as Element);
    expect(onAdd).toHaveBeenCalledWith('action.tag');
    const item = view.container.querySelector('[data-type="action.tag"]') as HTMLElement;
    const data = new Map<string, string>();
    const event = Object.assign(new Event('dragstart', { bubbles: true }), {
      dataTransfer: { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' },
    });
    await act(async () => {
      item.dispatchEvent(event);
    });
    expect([...data.values()]).toEqual(['action.tag']);
  });
});
