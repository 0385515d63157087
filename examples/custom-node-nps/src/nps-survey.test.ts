import { builtinCatalogue, loadCatalogue, validateGraph } from '@omniflow/nodes';
import { describe, expect, it } from 'vitest';
import { bandOf, npsSurvey, parseScore } from './nps-survey.ts';

const journey = (config: Record<string, unknown>) => ({
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['purchased'] } }],
  nodes: [
    { id: 'nps', type: 'acme.nps_survey', version: 1, config },
    { id: 'thanks', type: 'action.tag', version: 1, config: { op: 'add', tags: ['promoter'] } },
  ],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'nps' },
    { id: 'e2', source: 'nps', sourcePort: 'promoter', target: 'thanks' },
  ],
});

describe('the NPS survey plugin', () => {
  it('is unknown to the built-in catalogue, and known once the plugin is loaded by name', async () => {
    expect(validateGraph(journey({}), { catalogue: builtinCatalogue() }).issues.map((i) => i.code)).toContain('unknown_node_type');
    const catalogue = await loadCatalogue(['@omniflow/example-custom-node-nps']);
    expect(catalogue.get('acme.nps_survey')).toBe(npsSurvey);
    const result = validateGraph(journey({ question: 'Score us 0–10, {{system:customer_name}}?' }), { catalogue });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('is validated like a built-in: limits, placeholders and its own check, with node id and path', async () => {
    const catalogue = builtinCatalogue().with(npsSurvey);
    const result = validateGraph(journey({ question: 'Hi {{system:nickname}}', waitHours: 500, saveTo: 'nps' }), {
      catalogue,
      attributes: [{ key: 'nps', type: 'text', status: 'active' }],
    });
    const mine = result.issues.filter((i) => i.nodeId === 'nps' && i.severity === 'error');
    expect(mine.map((i) => [i.code, i.path])).toEqual([
      ['too_large', ['config', 'waitHours']],
      ['unknown_placeholder', ['config', 'question']],
      ['unknown_attribute', ['config', 'saveTo']],
    ]);
  });

  it('flags connections from ports it does not have', () => {
    const g = journey({});
    g.edges[1] = { id: 'e2', source: 'nps', sourcePort: 'maybe', target: 'thanks' };
    const result = validateGraph(g, { catalogue: builtinCatalogue().with(npsSurvey) });
    expect(result.issues.map((i) => i.code)).toContain('unknown_port');
  });

  it('reads scores from replies and bands them', () => {
    expect(['9', ' 10 ', "I'd say 8/10", 'zero', '0'].map(parseScore)).toEqual([9, 10, 8, undefined, 0]);
    expect([10, 9, 8, 7, 6, 0].map(bandOf)).toEqual(['promoter', 'promoter', 'passive', 'passive', 'detractor', 'detractor']);
  });
});
