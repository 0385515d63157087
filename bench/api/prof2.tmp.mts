import { loadCatalogue, validateGraph } from '@omniflow/nodes';
import { journeyGraph } from './graph.ts';

const cat = await loadCatalogue([]);
const g = journeyGraph(1000);
for (let i = 0; i < 5; i++) validateGraph(g, { catalogue: cat });
const t = performance.now();
for (let i = 0; i < 20; i++) validateGraph(g, { catalogue: cat });
console.log('avg', (performance.now() - t) / 20);
