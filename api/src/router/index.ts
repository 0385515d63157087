import { router } from '../trpc.ts';
import { auditRouter } from './audit.ts';
import { authRouter } from './auth.ts';
import { flowsRouter } from './flows.ts';
import { lifecycleRouter } from './lifecycle.ts';
import { usersRouter } from './users.ts';
import { versionsRouter } from './versions.ts';

export const appRouter = router({
  auth: authRouter,
  flows: flowsRouter,
  versions: versionsRouter,
  lifecycle: lifecycleRouter,
  audit: auditRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
