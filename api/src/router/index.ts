import { router } from '../trpc.ts';
import { apiKeysRouter } from './apiKeys.ts';
import { attributesRouter } from './attributes.ts';
import { auditRouter } from './audit.ts';
import { authRouter } from './auth.ts';
import { channelsRouter } from './channels.ts';
import { contactsRouter } from './contacts.ts';
import { flowsRouter } from './flows.ts';
import { importsRouter } from './imports.ts';
import { lifecycleRouter } from './lifecycle.ts';
import { pointsRouter } from './points.ts';
import { runsRouter } from './runs.ts';
import { schedulesRouter } from './schedules.ts';
import { simulatorRouter } from './simulator.ts';
import { tagsRouter } from './tags.ts';
import { testListsRouter } from './testLists.ts';
import { usersRouter } from './users.ts';
import { versionsRouter } from './versions.ts';

export const appRouter = router({
  auth: authRouter,
  flows: flowsRouter,
  versions: versionsRouter,
  lifecycle: lifecycleRouter,
  runs: runsRouter,
  schedules: schedulesRouter,
  simulator: simulatorRouter,
  audit: auditRouter,
  users: usersRouter,
  contacts: contactsRouter,
  tags: tagsRouter,
  attributes: attributesRouter,
  points: pointsRouter,
  imports: importsRouter,
  testLists: testListsRouter,
  apiKeys: apiKeysRouter,
  channels: channelsRouter,
});

export type AppRouter = typeof appRouter;
