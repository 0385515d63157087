export { ImportTriggerFeed } from './import-trigger-feed.ts';
export { registerTrackingRoutes, TrackEventBody, type TrackingOptions, VisitBody } from './routes.ts';
