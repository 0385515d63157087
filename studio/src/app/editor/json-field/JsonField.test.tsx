// @vitest-environment happy-dom
import { builtinCatalogue } from '@omniflow/nodes';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { click, type Rendered, render, typeInto } from '../../test-dom.tsx';
import { ConfigForm } from '../ConfigForm.tsx';
import { JsonField } from './JsonField.tsx';
import { lineColumn, parseJsonObject } from './parse.ts';

const catalogue = builtinCatalogue();
let view: Rendered | undefined;
afterEach(() => view?.unmount());

function Harness({ initial, onConfig }: { initial: Record<string, unknown>; onConfig: (c: Record<string, unknown>) => void }) {
  const def = catalogue.get('message.line_flex');
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
        onConfig(c);
      }}
    />
  );
}

const BUBBLE = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hello!' }] } };

describe('parseJsonObject', () => {
  it('gives the line and column of a syntax error', () => {
    const result = parseJsonObject('{\n  "a": 1,\n  "b" 2}');
    expect(result).toMatchObject({ ok: false, error: { kind: 'syntax', line: 3, column: 7 } });
    expect(parseJsonObject('{"a": ')).toMatchObject({ ok: false, error: { kind: 'syntax', line: 1, column: 7 } });
    expect(parseJsonObject('[1]')).toEqual({ ok: false, error: { kind: 'notObject' } });
    expect(parseJsonObject(' {"a": [1]} ')).toEqual({ ok: true, value: { a: [1] } });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(parseJsonObject('{"a": [1, 2,],\n"b": "\\u00e9\\n"}')).toMatchObject({ error: { line: 1, column: 13 } });
    expect(parseJsonObject('{"a": "\\u00e9\\n", "b": tru}')).toMatchObject({ error: { line: 1, column: 24 } });
    expect(parseJsonObject('{"a": "\\u00e9\\n", "b": -1.5e3, "c": [true, false, null]}')).toMatchObject({ ok: true });
    expect(parseJsonObject('{} x')).toMatchObject({ error: { line: 1, column: 4 } });
  });
});

describe('JsonField (Flex Message JSON)', () => {
  it('replaces its text when the value changes from outside (undo), not when an equal copy comes back', async () => {
    const onChange = () => {};
    const other = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Undone' }] } };
    const ui = (value: unknown) => <JsonField id="j" label="Flex" value={value} issues={[]} onChange={onChange} />;
    view = await render(ui(BUBBLE));
    const area = view.container.querySelector<HTMLTextAreaElement>('#j') as HTMLTextAreaElement;
    await typeInto(area, JSON.stringify(BUBBLE));
    await view.rerender(ui(structuredClone(BUBBLE)));
    expect(area.value).toBe(JSON.stringify(BUBBLE)); // unformatted text kept: same content
    await view.rerender(ui(other));
    expect(JSON.parse(area.value)).toEqual(other);
  });

  it('keeps invalid text locally, writes valid JSON into the config, shows Flex issues by path and formats', async () => {
    let last: Record<string, unknown> = {};
    let writes = 0;
    view = await render(
      <Harness
        initial={{ altText: 'Hi', contents: BUBBLE, trackClicks: true }}
        onConfig={(c) => {
          last = c;
          writes += 1;
        }}
      />,
    );
    const area = view.container.querySelector<HTMLTextAreaElement>('#f-n1-contents') as HTMLTextAreaElement;
    expect(JSON.parse(area.value)).toEqual(BUBBLE);
    expect(view.container.textContent).not.toContain('later version');

    // Invalid JSON: the text stays, the config is not written, the error names line and column.
    const broken = '{\n  "type": "bubble",\n  "body" {}\n}';
    await typeInto(area, broken);
    expect(area.value).toBe(broken);
    expect(writes).toBe(0);
    expect(view.container.querySelector('#f-n1-contents-error')?.textContent).toMatch(/line 3, column 10/);
    expect(area.getAttribute('aria-invalid')).toBe('true');

    // Valid JSON that breaks a Flex rule: written (the preview follows), the issue shown with its path.
    await typeInto(area, '{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text"}]}}');
    expect(writes).toBe(1);
    expect((last.contents as { body: unknown }).body).toBeDefined();
    const issues = view.container.querySelector('#f-n1-contents-error')?.textContent ?? '';
    expect(issues).toContain('body.contents.0.text');
    expect(issues).toContain('"text" is required here.');

    // Format pretty-prints the text without changing the value.
    const format = [...view.container.querySelectorAll('button')].find((b) => b.textContent === 'Format') as HTMLButtonElement;
    await click(format);
    expect(area.value).toBe(JSON.stringify(last.contents, null, 2));
    expect(writes).toBe(1);

    // An array is valid JSON but not a container: kept locally, not written.
    await typeInto(area, '[]');
    expect(writes).toBe(1);
    expect(view.container.querySelector('#f-n1-contents-error')?.textContent).toContain('must be an object');
  });
});
