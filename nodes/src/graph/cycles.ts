/**
 * The cycles of a directed graph as strongly connected components (Tarjan, iterative so deep graphs
 * cannot overflow the stack). Only components that really loop are returned: two or more nodes, or a self-loop.
 */
export function cyclicComponents(ids: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; i: number; succ: readonly string[] }[] = [];
    const visit = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, i: 0, succ: next(id) });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1] as (typeof work)[number];
      if (frame.i < frame.succ.length) {
        const w = frame.succ[frame.i++] as string;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > 1 || next(frame.id).includes(frame.id)) out.push(component);
      }
    }
  }
  return out;
}
