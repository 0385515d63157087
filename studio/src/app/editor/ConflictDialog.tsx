import { type FlowGraph, listNodes, type NodeInstance } from '@omniflow/schemas';
import { useI18n } from '../i18n.tsx';
import { Dialog } from './Dialog.tsx';

export interface GraphComparison {
  onlyMine: NodeInstance[];
  onlyTheirs: NodeInstance[];
  changed: NodeInstance[];
  edges: { mine: number; theirs: number };
}

/** Which nodes exist on one side only, and which both have but differently (config, label, position). */
export function compareGraphs(mine: FlowGraph, theirs: FlowGraph): GraphComparison {
  // Chatbots too: their cards are the nodes.
  const all = (g: FlowGraph) => new Map(listNodes(g).map(({ node }) => [node.id, node]));
  const a = all(mine);
  const b = all(theirs);
  return {
    onlyMine: [...a.values()].filter((n) => !b.has(n.id)),
    onlyTheirs: [...b.values()].filter((n) => !a.has(n.id)),
    changed: [...a.values()].filter((n) => b.has(n.id) && JSON.stringify(n) !== JSON.stringify(b.get(n.id))),
    edges: { mine: mine.edges.length, theirs: theirs.edges.length },
  };
}

function Names({ title, nodes, name }: { title: string; nodes: NodeInstance[]; name(n: NodeInstance): string }) {
  if (nodes.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="conflict-nodes">
        {nodes.map((n) => (
          <li key={n.id}>{name(n)}</li>
        ))}
      </ul>
    </>
  );
}

/** Both versions side by side; the person chooses. Nothing is saved until they do. */
export function ConflictDialog({
  mine,
  theirs,
  who,
  nodeName,
  onKeepMine,
  onTakeTheirs,
}: {
  mine: FlowGraph;
  theirs: FlowGraph;
  who: string;
  nodeName(n: NodeInstance): string;
  onKeepMine(): void;
  onTakeTheirs(): void;
}) {
  const { t } = useI18n();
  const cmp = compareGraphs(mine, theirs);
  const count = (g: FlowGraph) => ({ nodes: listNodes(g).length, edges: g.edges.length });
  return (
    <Dialog title={t('conflict.title')}>
      <p>{t('conflict.body', { who })}</p>
      <div className="conflict-columns">
        <section>
          <h3>{t('conflict.mine')}</h3>
          <p>{t('conflict.summary', count(mine))}</p>
          <Names title={t('conflict.onlyHere')} nodes={cmp.onlyMine} name={nodeName} />
          <Names title={t('conflict.changed')} nodes={cmp.changed} name={nodeName} />
        </section>
        <section>
          <h3>{t('conflict.theirs')}</h3>
          <p>{t('conflict.summary', count(theirs))}</p>
          <Names title={t('conflict.onlyHere')} nodes={cmp.onlyTheirs} name={nodeName} />
        </section>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onTakeTheirs}>
          {t('conflict.takeTheirs')}
        </button>
        <button type="button" className="primary" onClick={onKeepMine}>
          {t('conflict.keepMine')}
        </button>
      </div>
    </Dialog>
  );
}
