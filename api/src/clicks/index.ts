// Click tracking (§7): signed tracking links for the links cards open, and the /r/:token redirect.
export { type ClickSend, ClickTarget, ClickTokenError, ClickTokens, clickTracker } from './click-tokens.ts';
export { type ClickRoutesOptions, registerClickRoutes } from './routes.ts';
