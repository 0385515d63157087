// @vitest-environment happy-dom
import type { JourneyGraph } from '@omniflow/schemas';
import { TRPCClientError } from '@trpc/client';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Rendered, render } from '../test-dom.tsx';
import type { ApiClient } from '../trpc.ts';
import { useDraft } from './useDraft.ts';

const base: JourneyGraph = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [],
  nodes: [],
  edges: [],
  settings: {} as JourneyGraph['settings'],
};
const withNode = (id: string): JourneyGraph => ({ ...base, nodes: [{ id, type: 'action.tag', version: 1, config: {} }] });

function conflictError(currentRevision: number, graph: JourneyGraph) {
  return new TRPCClientError('stale', {
    result: {
      error: {
        code: -32009,
        message: 'stale',
        data: {
          code: 'CONFLICT',
          httpStatus: 409,
          details: { kind: 'draft_conflict', currentRevision, graph, updatedAt: '', updatedBy: { id: 'u2', name: 'Mei' } },
        },
      },
    },
  } as never);
}

type Draft = ReturnType<typeof useDraft>;

function Probe({ client, out }: { client: ApiClient; out: { current: Draft | null } }) {
  out.current = useDraft(client, 'f1', base, 1, 5);
  return null;
}
let view: Rendered | undefined;
afterEach(() => view?.unmount());

async function mount(saveDraft: (input: { baseRevision: number; graph: unknown }) => Promise<{ revision: number }>) {
  const client = { flows: { saveDraft: { mutate: vi.fn(saveDraft) } } } as unknown as ApiClient;
  const ref: { current: Draft | null } = { current: null };
  view = await render(<Probe client={client} out={ref} />);
  const draft = () => ref.current as Draft;
  const settle = () => act(() => new Promise((r) => setTimeout(r, 30)));
  return { client, draft, settle, calls: (client.flows.saveDraft.mutate as ReturnType<typeof vi.fn>).mock.calls };
}

describe('useDraft', () => {
  it('autosaves on its base revision and advances it', async () => {
    const { draft, settle, calls } = await mount(async ({ baseRevision }) => ({ revision: baseRevision + 1 }));
    await act(async () => draft().change(withNode('a')));
    await settle();
    expect(calls.map((c) => c[0].baseRevision)).toEqual([1]);
    expect(draft().state).toBe('saved');
    await act(async () => draft().change(withNode('b')));
    await settle();
    expect(calls.map((c) => c[0].baseRevision)).toEqual([1, 2]);
  });

  it('on CONFLICT stops, shows both sides, and "keep mine" saves over on the current revision', async () => {
    const theirs = withNode('theirs');
    const { draft, settle, calls } = await mount(async ({ baseRevision }) => {
      if (baseRevision === 1) throw conflictError(4, theirs);
      return { revision: baseRevision + 1 };
    });
    await act(async () => draft().change(withNode('mine')));
    await settle();
    expect(draft().state).toBe('conflict');
    expect(draft().conflict).toMatchObject({ theirs, currentRevision: 4, updatedBy: 'Mei' });
    await settle();
    expect(calls).toHaveLength(1); // never retried silently
    await act(async () => draft().keepMine());
    expect(calls.at(-1)?.[0]).toMatchObject({ baseRevision: 4, graph: withNode('mine') });
    expect(draft().state).toBe('saved');
    expect(draft().revision()).toBe(5);
  });

  it('"take theirs" makes their graph the draft at their revision, undoable, without saving', async () => {
    const theirs = withNode('theirs');
    const { draft, settle, calls } = await mount(async () => {
      throw conflictError(7, theirs);
    });
    await act(async () => draft().change(withNode('mine')));
    await settle();
    await act(async () => draft().takeTheirs());
    await settle();
    expect(draft().graph).toEqual(theirs);
    expect(draft().revision()).toBe(7);
    expect(draft().state).toBe('saved');
    expect(calls).toHaveLength(1);
    await act(async () => draft().undo());
    expect(draft().graph).toEqual(withNode('mine'));
  });

  it('reports other failures without retrying until asked', async () => {
    let fail = true;
    const { draft, settle, calls } = await mount(async ({ baseRevision }) => {
      if (fail) throw new TypeError('Failed to fetch');
      return { revision: baseRevision + 1 };
    });
    await act(async () => draft().change(withNode('a')));
    await settle();
    expect(draft().state).toBe('error');
    expect(draft().problem?.code).toBe('NETWORK');
    fail = false;
    await act(async () => draft().retry());
    await settle();
    expect(draft().state).toBe('saved');
    expect(calls).toHaveLength(2);
  });
});
