import { BOT_SCOPE_CHANNELS, type BotScope, type ChannelKind, FlowGraph, GRAPH_FORMAT_VERSION } from '@omniflow/schemas';

/** The empty draft a new flow starts with: a journey with no nodes, or a bot with one empty entry module. */
export function initialGraph(flow: { kind: 'journey'; channels: readonly ChannelKind[] } | { kind: 'chatbot'; scope: BotScope }): FlowGraph {
  if (flow.kind === 'journey') {
    return FlowGraph.parse({ formatVersion: GRAPH_FORMAT_VERSION, kind: 'journey', channels: [...flow.channels], triggers: [], nodes: [], edges: [] });
  }
  return FlowGraph.parse({
    formatVersion: GRAPH_FORMAT_VERSION,
    kind: 'chatbot',
    bot: { scope: flow.scope },
    triggers: [],
    modules: [{ id: 'welcome', name: 'Welcome', cards: [] }],
    entryModuleId: 'welcome',
    edges: [],
  });
}

/** Channels a flow messages on: a journey's own list, or the channels of a bot's scope. */
export function flowChannels(graph: FlowGraph): ChannelKind[] {
  return graph.kind === 'journey' ? [...graph.channels] : [...BOT_SCOPE_CHANNELS[graph.bot.scope]];
}
