import { builtinCatalogue, type Catalogue, type NodeIssue, validateNodeConfig } from '@omniflow/nodes';
import { useMemo } from 'react';
import './cards.css';
import { buildEnv, CardEnvContext, IssueFlag } from './core.tsx';
import { ChannelFrame } from './frame.tsx';
import { CARD_RENDERERS } from './renderers.tsx';
import type { MessagePreviewProps } from './types.ts';

let defaultCatalogue: Catalogue | undefined;
const catalogue = () => {
  defaultCatalogue ??= builtinCatalogue();
  return defaultCatalogue;
};

/**
 * A channel-faithful preview of one message card: the node's config is parsed and validated for the
 * channel with the catalogue's own rules (limits, placeholders, checks), placeholders are resolved
 * with the sample contact or shown as chips, and every issue is flagged where the channel rejects it.
 */
export function MessagePreview({
  nodeType,
  config,
  channel,
  contact = {},
  placeholders = 'resolve',
  onAction,
  loadImages = true,
  flowKind,
  scope,
  chrome = true,
  catalogue: cat,
}: MessagePreviewProps & { catalogue?: Catalogue }) {
  const def = (cat ?? catalogue()).get(nodeType);
  const result = useMemo(() => {
    if (!def) return undefined;
    const kind = flowKind ?? (def.flowKinds.includes('chatbot') ? 'chatbot' : 'journey');
    return validateNodeConfig(def, config, { flowKind: kind, channels: [channel], ...(scope ? { scope } : {}) });
  }, [def, config, channel, flowKind, scope]);
  const renderer = CARD_RENDERERS[nodeType];
  let inner: { body: React.ReactNode; footer?: React.ReactNode };
  if (!def || !renderer) {
    inner = { body: <div className="of-unsupported">No preview for {nodeType}</div> };
  } else if (!result || result.config === undefined) {
    inner = {
      body: (
        <div className="of-invalid" data-invalid-config>
          Invalid config
          <IssueFlag issues={result?.issues ?? []} />
        </div>
      ),
    };
  } else if (def.channels !== 'any' && !def.channels.includes(channel)) {
    inner = {
      body: (
        <div className="of-unsupported">
          {nodeType} is not available on {channel}
        </div>
      ),
    };
  } else {
    const env = buildEnv(def, result.config, channel, {
      contact,
      placeholders,
      loadImages,
      issues: result.issues as NodeIssue[],
      onAction: (a) => onAction?.({ ...a, nodeType }),
    });
    const drawn = renderer(result.config, env);
    inner = {
      body: <CardEnvContext.Provider value={env}>{drawn.body}</CardEnvContext.Provider>,
      footer: drawn.footer ? <CardEnvContext.Provider value={env}>{drawn.footer}</CardEnvContext.Provider> : undefined,
    };
  }
  const issueCount = result?.issues.filter((i) => i.severity !== 'warning').length ?? 0;
  const content = (
    <div className="of-preview" data-node-type={nodeType} data-issue-count={issueCount}>
      {inner.body}
    </div>
  );
  if (!chrome) {
    return (
      <div className={`of-bare of-ch-${channel}`}>
        {content}
        {inner.footer}
      </div>
    );
  }
  return (
    <ChannelFrame channel={channel} footer={inner.footer}>
      {content}
    </ChannelFrame>
  );
}
