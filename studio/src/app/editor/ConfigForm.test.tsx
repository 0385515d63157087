// @vitest-environment happy-dom
import { builtinCatalogue } from '@omniflow/nodes';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { click, type Rendered, render, typeInto } from '../test-dom.tsx';
import { ConfigForm } from './ConfigForm.tsx';

const catalogue = builtinCatalogue();
let view: Rendered | undefined;
afterEach(() => view?.unmount());

function Harness({ type, initial, onConfig }: { type: string; initial: Record<string, unknown>; onConfig?: (c: Record<string, unknown>) => void }) {
  const def = catalogue.get(type);
  const [config, setConfig] = useState(initial);
  if (!def) return null;
  return (
    <ConfigForm
      nodeId="n1"
      def={def}
      config={config}
      channels={['line']}
      onChange={(c) => {
        setConfig(c);
        onConfig?.(c);
      }}
    />
  );
}

describe('ConfigForm', () => {
  it('draws labelled fields, a live counter and the limit error from validateNodeConfig', async () => {
    let last: Record<string, unknown> = {};
    view = await render(<Harness type="action.set_attribute" initial={{ attributeKey: 'vip', op: 'set', value: 'gold' }} onConfig={(c) => (last = c)} />);
    const label = view.container.querySelector('label[for="f-n1-attributeKey"]');
    expect(label?.textContent).toBe('Custom attribute');
    const input = view.container.querySelector<HTMLInputElement>('#f-n1-attributeKey');
    expect(input?.value).toBe('vip');
    expect(view.container.querySelector('[data-testid="f-n1-attributeKey-counter"]')?.textContent).toBe('3 / 64');
    await typeInto(input as HTMLInputElement, 'a'.repeat(65));
    expect(last.attributeKey).toBe('a'.repeat(65));
    const counter = view.container.querySelector('[data-testid="f-n1-attributeKey-counter"]');
    expect(counter?.textContent).toBe('65 / 64');
    expect(counter?.className).toContain('over');
    expect(view.container.querySelector('#f-n1-attributeKey-error')?.textContent).toMatch(/65/);
    expect(input?.getAttribute('aria-invalid')).toBe('true');
    expect(view.container.textContent).not.toMatch(/[{}]|\bat\s+\w+\s+\(/); // no raw JSON, no stack traces
  });

  it('shows a required field as required, in Traditional Chinese too', async () => {
    view = await render(<Harness type="action.set_attribute" initial={{ attributeKey: '', op: 'set', value: 'x' }} />, 'zh-Hant');
    expect(view.container.querySelector('label[for="f-n1-attributeKey"]')?.textContent).toBe('自訂屬性');
    expect(view.container.querySelector('#f-n1-attributeKey-error')?.textContent).toContain('請填寫');
  });

  it('edits tags with Enter and removes them with their button', async () => {
    let last: Record<string, unknown> = {};
    view = await render(<Harness type="trigger.tag_applied" initial={{ tags: ['a'] }} onConfig={(c) => (last = c)} />);
    const input = view.container.querySelector<HTMLInputElement>('#f-n1-tags') as HTMLInputElement;
    await typeInto(input, 'vip');
    const { act } = await import('react');
    await act(async () => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    expect(last.tags).toEqual(['a', 'vip']);
    await click(view.container.querySelector('button[aria-label="Remove a"]') as Element);
    expect(last.tags).toEqual(['vip']);
  });

  it('switches a oneOf variant and draws the variant fields', async () => {
    let last: Record<string, unknown> = {};
    const def = catalogue.get('message.send');
    view = await render(<Harness type="message.send" initial={structuredClone(def?.defaultConfig) as Record<string, unknown>} onConfig={(c) => (last = c)} />);
    expect(view.container.querySelector('#f-n1-content-text')).not.toBeNull();
    const select = view.container.querySelector<HTMLSelectElement>('#f-n1-channelStrategy') as HTMLSelectElement;
    const { act } = await import('react');
    await act(async () => {
      select.value = 'preferred';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(last.channelStrategy).toMatchObject({ mode: 'preferred' });
  });
});
