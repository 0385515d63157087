// @omniflow/api — the HTTP server (tRPC over Prisma/SQLite). The studio imports only the router
// TYPE from here (`import type { AppRouter } from '@omniflow/api'`), never server code.
export type { Grant, Permission } from './auth/permissions.ts';
export { PERMISSIONS } from './auth/permissions.ts';
export type { Role } from './auth/roles.ts';
export { ROLE_LABELS, ROLES } from './auth/roles.ts';
export type { ErrorDetails } from './errors.ts';
export type { DomainEvent, DomainEventType } from './events.ts';
export type { FieldChange, GraphDiff } from './graph/diff.ts';
export type { FlowAction, FlowStatus } from './lifecycle/transitions.ts';
export { FLOW_STATUSES, TRANSITIONS } from './lifecycle/transitions.ts';
export type { AppRouter } from './router/index.ts';
export { type RunningServer, type StartOptions, startServer } from './server.ts';

import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router/index.ts';
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
