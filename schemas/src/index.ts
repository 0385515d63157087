// @omniflow/schemas — the one typed model every package shares: flow graphs of both kinds,
// contacts, channels, runs, events, conditions and validation issues, plus graph-format upgrades.
export * from './channel.ts';
export * from './common.ts';
export * from './condition.ts';
export * from './contact.ts';
export * from './event.ts';
export * from './graph.ts';
export * from './i18n.ts';
export * from './issue.ts';
export * from './run.ts';
export * from './upgrade.ts';
export * from './webchat.ts';
