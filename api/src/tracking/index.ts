export { ImportTriggerFeed } from './import-trigger-feed.ts';
export { EnterBody, ipAllowed, registerTrackingRoutes, TrackEventBody, type TrackingOptions, VisitBody } from './routes.ts';
