// A valid journey graph of `size` nodes, built from the catalogue's own examples: a chain of
// action.tag → wait.wait → logic.split, repeated, ending in flow.exit. Each split's branch and
// "else" both lead on to the next node, so every output is connected and every node reachable.

const TAG = { op: 'add', tags: ['welcomed'] };
const WAIT = { mode: { kind: 'duration', days: 1, hours: 0, minutes: 0 }, continueIfInteracted: true, respectQuietHours: true };
const SPLIT = {
  branches: [{ id: 'vip', label: 'VIP', condition: { op: 'or', items: [{ criterion: 'tag', op: 'hasAny', tags: ['vip'] }] } }],
  elseLabel: 'Others',
};

export function journeyGraph(size: number, variant = 0): Record<string, unknown> {
  const nodes: { id: string; type: string; version: number; config: unknown; position: { x: number; y: number } }[] = [];
  const edges: { id: string; source: string; sourcePort: string; target: string }[] = [];
  const kinds = [
    { type: 'action.tag', config: { ...TAG, tags: [`welcomed-${variant}`] }, ports: ['next'] },
    { type: 'wait.wait', config: WAIT, ports: ['next'] },
    { type: 'logic.split', config: SPLIT, ports: ['branch:vip', 'else'] },
  ];
  for (let i = 0; i < size - 1; i++) {
    const kind = kinds[i % kinds.length]!;
    nodes.push({ id: `n${i}`, type: kind.type, version: 1, config: kind.config, position: { x: 0, y: i * 120 } });
  }
  nodes.push({ id: 'exit', type: 'flow.exit', version: 1, config: { reason: 'Done' }, position: { x: 0, y: size * 120 } });
  edges.push({ id: 'e-start', source: 't1', sourcePort: 'next', target: 'n0' });
  for (let i = 0; i < size - 1; i++) {
    const target = i === size - 2 ? 'exit' : `n${i + 1}`;
    for (const port of kinds[i % kinds.length]!.ports) edges.push({ id: `e${i}-${port.replace(':', '-')}`, source: `n${i}`, sourcePort: port, target });
  }
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['signup'] } }],
    nodes,
    edges,
  };
}
