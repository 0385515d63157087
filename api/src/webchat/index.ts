// The web chat channel: the hub that delivers the engine's web chat sends, the live and simulator
// sockets, the embeddable widget and its demo page.
export { withWebChat } from './effects.ts';
export { DEFAULT_FRAME_LIMITS, type FrameLimits, parseClientFrame, RateLimiter } from './frames.ts';
export { type WebChatAddress, type WebChatConnection, WebChatHub, type WebChatHubOptions, webChatMessageId } from './hub.ts';
export { DEFAULT_WEBCHAT_SETTINGS, demoPage, type WebChatPluginOptions, type WebChatSettings, webChatPlugin, webChatSettings } from './plugin.ts';
export { toWebChatMessage, WEBCHAT_MESSAGE_TYPES } from './render.ts';
export { type SimulatorOptions, SimulatorSession, simulationChannel } from './simulator.ts';
export { createVisitor, findVisitor, newVisitorId, type Visitor, webChatAddressOf } from './visitors.ts';
