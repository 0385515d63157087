import { loadCatalogue, validateGraph } from '@omniflow/nodes';
import { parseStoredGraph } from '@omniflow/schemas';
import { journeyGraph } from './graph.ts';

const cat = await loadCatalogue([]);
const g = journeyGraph(1000);
const text = JSON.stringify(g);
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  const raw = JSON.parse(text);
  const a = performance.now() - t;
  t = performance.now();
  const p = parseStoredGraph(raw);
  const b = performance.now() - t;
  t = performance.now();
  if (!p.ok) throw new Error();
  validateGraph(p.graph, { catalogue: cat });
  const c = performance.now() - t;
  t = performance.now();
  JSON.stringify(p.graph);
  const d = performance.now() - t;
  console.log({ jsonParse: a.toFixed(1), parseStored: b.toFixed(1), validate: c.toFixed(1), stringify: d.toFixed(1) });
}
