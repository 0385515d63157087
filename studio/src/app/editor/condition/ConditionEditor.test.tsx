// @vitest-environment happy-dom
import { builtinCatalogue } from '@omniflow/nodes';
import { AttributeCondition, Condition, ConditionGroup, isConditionGroup } from '@omniflow/schemas';
import { act, useContext, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { click, type Rendered, render, typeInto } from '../../test-dom.tsx';
import { ConfigForm, nodeConfigIssues } from '../ConfigForm.tsx';
import { TeamAttributesContext } from './team-attributes.ts';

const catalogue = builtinCatalogue();
let view: Rendered | undefined;
afterEach(() => view?.unmount());

function Harness({ type, initial, onConfig }: { type: string; initial: Record<string, unknown>; onConfig?: (c: Record<string, unknown>) => void }) {
  const def = catalogue.get(type);
  const [config, setConfig] = useState(initial);
  const attributes = useContext(TeamAttributesContext) ?? [];
  if (!def) return null;
  return (
    // No api here: the team's attributes come from the provider (an outer provider in a test wins).
    <TeamAttributesContext.Provider value={attributes}>
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
    </TeamAttributesContext.Provider>
  );
}

function el<T extends Element = HTMLElement>(selector: string): T {
  const found = view?.container.querySelector<T>(selector);
  if (!found) throw new Error(`no element ${selector}`);
  return found;
}

async function choose(selector: string, value: string) {
  const select = el<HTMLSelectElement>(selector);
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function pressEnter(selector: string) {
  await act(async () => {
    el(selector).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  });
}

function button(name: string, within?: string): HTMLButtonElement {
  const root = within ? el(within) : (view?.container as HTMLElement);
  const found = [...root.querySelectorAll('button')].filter((b) => b.textContent === name || b.getAttribute('aria-label') === name);
  if (!found[0]) throw new Error(`no button ${name}`);
  return found[found.length - 1] as HTMLButtonElement;
}

const SPLIT = { branches: [{ id: 'b1', label: 'VIP', condition: { op: 'and', items: [] } }], elseLabel: '' };
const C = 'f-n1-branches-0-condition';
const row = (i: number) => `#${C}-items-${i}`;

describe('ConditionEditor', () => {
  it('builds every criterion kind in the UI and the result parses with the schemas Condition', async () => {
    let last: Record<string, unknown> = {};
    view = await render(<Harness type="logic.split" initial={structuredClone(SPLIT)} onConfig={(c) => (last = c)} />);
    await choose(`#${C}-op`, 'or');
    const add = async (kind: string, i: number) => {
      await click(button('Add a condition', `[data-testid="${C}-group"]`));
      await choose(`${row(i)}-kind`, kind);
    };
    // 0 tag has any of vip
    await add('tag', 0);
    await typeInto(el(`${row(0)}-tags`), 'vip');
    await pressEnter(`${row(0)}-tags`);
    // 1 text attribute equals gold
    await add('attribute', 1);
    await typeInto(el(`${row(1)}-key`), 'member_tier');
    await typeInto(el(`${row(1)}-value`), 'gold');
    // 2 number attribute between 1 and 5
    await add('attribute', 2);
    await typeInto(el(`${row(2)}-key`), 'orders');
    await choose(`${row(2)}-type`, 'number');
    await choose(`${row(2)}-op`, 'between');
    await typeInto(el(`${row(2)}-value`), '1');
    await typeInto(el(`${row(2)}-value2`), '5');
    // 3 date attribute: exactly 3 days ago
    await add('attribute', 3);
    await typeInto(el(`${row(3)}-key`), 'birthday');
    await choose(`${row(3)}-type`, 'date');
    await choose(`${row(3)}-op`, 'nthPastDay');
    await typeInto(el(`${row(3)}-n`), '3');
    // 4 date attribute on a date
    await add('attribute', 4);
    await typeInto(el(`${row(4)}-key`), 'joined');
    await choose(`${row(4)}-type`, 'date');
    await choose(`${row(4)}-op`, 'after');
    await typeInto(el(`${row(4)}-date`), '2026-01-31');
    // 5 boolean attribute
    await add('attribute', 5);
    await typeInto(el(`${row(5)}-key`), 'newsletter');
    await choose(`${row(5)}-type`, 'boolean');
    // 6 tag count
    await add('tagCount', 6);
    await typeInto(el(`${row(6)}-tag`), 'buyer');
    await typeInto(el(`${row(6)}-min`), '2');
    // 7 profile email contains
    await add('profile', 7);
    await choose(`${row(7)}-op`, 'contains');
    await typeInto(el(`${row(7)}-value`), '@example.com');
    // 8 points between
    await add('points', 8);
    await choose(`${row(8)}-op`, 'between');
    await typeInto(el(`${row(8)}-value`), '10');
    await typeInto(el(`${row(8)}-value2`), '20');
    // 9 binding, 10 subscription over quota = no
    await add('binding', 9);
    await add('subscription', 10);
    await choose(`${row(10)}-field`, 'overQuota');
    await choose(`${row(10)}-value`, 'no');
    // 11 time between
    await add('time', 11);
    await choose(`${row(11)}-op`, 'between');
    await typeInto(el(`${row(11)}-from`), '2026-01-01T09:00');
    await typeInto(el(`${row(11)}-to`), '2026-02-01T09:00');
    // 12 channel, 13 push interaction on a specific message, 14 journey reached a node
    await add('channel', 12);
    await click(view.container.querySelectorAll(`[data-testid="${C}-items-12-row"] input[type="checkbox"]`)[1] as Element);
    await add('pushInteraction', 13);
    await choose(`${row(13)}-negate`, 'didNot');
    await choose(`${row(13)}-target`, 'specific');
    await typeInto(el(`${row(13)}-flowId`), 'flow1');
    await typeInto(el(`${row(13)}-nodeId`), 'node1');
    await add('journey', 14);
    await choose(`${row(14)}-op`, 'reachedNode');
    await typeInto(el(`${row(14)}-journeyId`), 'j1');
    await typeInto(el(`${row(14)}-nodeId`), 'n9');
    // 15 a nested group (its first row is a tag row to fill)
    await click(button('Add a group', `[data-testid="${C}-group"]`));
    await typeInto(el(`${row(15)}-items-0-tags`), 'lapsed');
    await pressEnter(`${row(15)}-items-0-tags`);

    const group = (last.branches as { condition: unknown }[])[0]?.condition;
    const parsed = ConditionGroup.safeParse(group);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const items = (group as ConditionGroup).items;
    expect((group as ConditionGroup).op).toBe('or');
    for (const item of items) if (!isConditionGroup(item)) expect(Condition.safeParse(item).success).toBe(true);
    const kinds = new Set(items.filter((i) => !isConditionGroup(i)).map((i) => (i as Condition).criterion));
    expect([...kinds].sort()).toEqual(
      ['attribute', 'binding', 'channel', 'journey', 'points', 'profile', 'pushInteraction', 'subscription', 'tag', 'tagCount', 'time'].sort(),
    );
    expect(items[0]).toEqual({ criterion: 'tag', op: 'hasAny', tags: ['vip'] });
    expect(items[1]).toEqual({ criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'gold' });
    expect(items[2]).toEqual({ criterion: 'attribute', key: 'orders', type: 'number', op: 'between', value: 1, value2: 5 });
    expect(items[3]).toEqual({ criterion: 'attribute', key: 'birthday', type: 'date', op: 'nthPastDay', n: 3 });
    expect(items[4]).toEqual({ criterion: 'attribute', key: 'joined', type: 'date', op: 'after', date: '2026-01-31' });
    expect(items[5]).toEqual({ criterion: 'attribute', key: 'newsletter', type: 'boolean', op: 'isTrue' });
    expect(items[10]).toEqual({ criterion: 'subscription', field: 'overQuota', value: false });
    expect(items[11]).toMatchObject({ from: '2026-01-01T09:00:00Z', to: '2026-02-01T09:00:00Z' });
    expect(items[12]).toEqual({ criterion: 'channel', channels: ['line', 'messenger'] });
    expect(items[13]).toMatchObject({ negate: true, target: { flowId: 'flow1', nodeId: 'node1' } });
    expect(items[15]).toEqual({ op: 'and', items: [{ criterion: 'tag', op: 'hasAny', tags: ['lapsed'] }] });
    // The graph validator has nothing to say about it, and the form shows no error.
    const def = catalogue.get('logic.split');
    expect(def && nodeConfigIssues(def, last, ['line'])).toEqual([]);
    expect(view.container.querySelector('[role="alert"]')).toBeNull();
  }, 60_000); // ~60 UI steps, each re-validating the node: slow on the shared 2-core machine

  it('shows the validator issues on the row their path names, and removes rows', async () => {
    const initial = {
      branches: [
        {
          id: 'b1',
          label: 'x',
          condition: {
            op: 'and',
            items: [
              { criterion: 'tag', op: 'hasAny', tags: ['a'] },
              { criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: '' },
            ],
          },
        },
      ],
      elseLabel: '',
    };
    let last: Record<string, unknown> = {};
    view = await render(<Harness type="logic.split" initial={initial} onConfig={(c) => (last = c)} />);
    expect(el(`${row(1)}-error`).textContent).toBe('Enter the text to compare with.');
    expect(view.container.querySelector(`${row(0)}-error`)).toBeNull();
    expect(el(`[data-testid="${C}-items-1-row"]`).getAttribute('aria-invalid')).toBe('true');
    await typeInto(el(`${row(1)}-value`), 'gold');
    expect(view.container.querySelector(`${row(1)}-error`)).toBeNull();
    await click(button('Remove condition 1'));
    await click(button('Remove condition 1'));
    expect((last.branches as { condition: ConditionGroup }[])[0]?.condition.items).toEqual([]);
    expect(el(`#${C}-error`).textContent).toBe('Add at least one condition.');
  });

  it('limits the operators to the attribute type and drops operands the operator does not use', async () => {
    let last: Record<string, unknown> = {};
    const initial = {
      ...SPLIT,
      branches: [
        { ...SPLIT.branches[0], condition: { op: 'and', items: [{ criterion: 'attribute', key: 'k', type: 'number', op: 'between', value: 1, value2: 2 }] } },
      ],
    };
    view = await render(<Harness type="logic.split" initial={initial} onConfig={(c) => (last = c)} />);
    const ops = () => [...el<HTMLSelectElement>(`${row(0)}-op`).options].map((o) => o.value);
    expect(ops()).toContain('between');
    expect(ops()).not.toContain('contains');
    await choose(`${row(0)}-op`, 'isSet');
    expect((last.branches as { condition: ConditionGroup }[])[0]?.condition.items[0]).toEqual({
      criterion: 'attribute',
      key: 'k',
      type: 'number',
      op: 'isSet',
    });
    await choose(`${row(0)}-type`, 'boolean');
    expect(ops()).toEqual(['isTrue', 'isFalse', 'isNotSet']);
  });

  it('edits the attribute trigger condition, with the month as a named month or a calendar month', async () => {
    let last: Record<string, unknown> = {};
    view = await render(<Harness type="trigger.attribute_changed" initial={{ attributeKey: 'birthday' }} onConfig={(c) => (last = c)} />);
    await click(button('Add a condition'));
    expect(last.condition).toEqual({ criterion: 'attribute', key: 'birthday', type: 'text', op: 'equals', value: '' });
    await choose('#f-n1-condition-type', 'date');
    await choose('#f-n1-condition-op', 'specificMonth');
    expect(last.condition).toMatchObject({ op: 'specificMonth', month: 'this' });
    await choose('#f-n1-condition-month-kind', 'v:next');
    expect(last.condition).toMatchObject({ month: 'next' });
    await choose('#f-n1-condition-month-kind', 'k:integer');
    await typeInto(el('#f-n1-condition-month'), '5');
    expect(last.condition).toEqual({ criterion: 'attribute', key: 'birthday', type: 'date', op: 'specificMonth', month: 5 });
    expect(AttributeCondition.safeParse(last.condition).success).toBe(true);
    await click(button('Remove condition 1'));
    expect(last.condition).toBeUndefined();
  });

  it("suggests the team's attributes and compares a picked one as its own type", async () => {
    let last: Record<string, unknown> = {};
    const initial = {
      ...SPLIT,
      branches: [{ ...SPLIT.branches[0], condition: { op: 'and', items: [{ criterion: 'attribute', key: '', type: 'text', op: 'equals', value: '' }] } }],
    };
    view = await render(
      <TeamAttributesContext.Provider
        value={[
          { key: 'orders', type: 'number', displayName: 'Orders' },
          { key: 'member_tier', type: 'text' },
        ]}
      >
        <Harness type="logic.split" initial={initial} onConfig={(c) => (last = c)} />
      </TeamAttributesContext.Provider>,
    );
    expect([...view.container.querySelectorAll(`${row(0)}-keys option`)].map((o) => o.getAttribute('value'))).toEqual(['orders', 'member_tier']);
    await typeInto(el(`${row(0)}-key`), 'orders');
    expect((last.branches as { condition: ConditionGroup }[])[0]?.condition.items[0]).toEqual({
      criterion: 'attribute',
      key: 'orders',
      type: 'number',
      op: 'eq',
      value: 0,
    });
    expect(el<HTMLSelectElement>(`${row(0)}-op`).selectedOptions[0]?.textContent).toBe('=');
  });

  it('speaks Traditional Chinese', async () => {
    view = await render(<Harness type="logic.split" initial={structuredClone(SPLIT)} />, 'zh-Hant');
    expect([...el<HTMLSelectElement>(`#${C}-op`).options].map((o) => o.textContent)).toEqual(['符合以下全部', '符合以下任一']);
    await click(button('新增條件'));
    expect(el<HTMLSelectElement>(`${row(0)}-kind`).selectedOptions[0]?.textContent).toBe('標籤');
  });
});
