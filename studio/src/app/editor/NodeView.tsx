import type { PortSpec } from '@omniflow/nodes';
import type { LocalizedText } from '@omniflow/schemas';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { useI18n } from '../i18n.tsx';
import { iconFor } from './icons.ts';

export interface FlowNodeData extends Record<string, unknown> {
  typeLabel: LocalizedText;
  label?: string | undefined;
  icon: string;
  category: string;
  trigger: boolean;
  ports: PortSpec[];
  errors: number;
  warnings: number;
  unknown: boolean;
}

export type FlowNode = Node<FlowNodeData, 'omniflow'>;

/** A node on the canvas: icon, name, validation marker, an input (unless a trigger) and one handle per output port. */
export const NodeView = memo(function NodeView({ data, selected }: NodeProps<FlowNode>) {
  const { l } = useI18n();
  const title = data.label || l(data.typeLabel);
  const marker = data.errors > 0 ? 'error' : data.warnings > 0 ? 'warning' : null;
  return (
    <div className={`flow-node cat-${data.category}${selected ? ' selected' : ''}${marker ? ` has-${marker}` : ''}`} data-testid="flow-node">
      {!data.trigger && <Handle type="target" position={Position.Left} id="in" />}
      <div className="flow-node-head">
        <span className="flow-node-icon" aria-hidden="true">
          {iconFor(data.icon, data.category)}
        </span>
        <span className="flow-node-title">{title}</span>
        {marker && (
          <span className={`marker ${marker}`} role="img" aria-label={`${marker === 'error' ? data.errors : data.warnings} ${marker}`}>
            {marker === 'error' ? '!' : '⚠'}
          </span>
        )}
      </div>
      {data.label && <div className="flow-node-type">{l(data.typeLabel)}</div>}
      <div className="flow-node-ports">
        {data.ports.map((port) => (
          <div key={port.id} className={`port role-${port.role}`}>
            <span>{l(port.label)}</span>
            <Handle type="source" position={Position.Right} id={port.id} data-testid={`port-${port.id}`} />
          </div>
        ))}
      </div>
    </div>
  );
});
