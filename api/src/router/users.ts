import { z } from 'zod';
import { Role } from '../auth/roles.ts';
import { createUser, listUsers, setRole } from '../services/users.ts';
import { permitted, router } from '../trpc.ts';

export const usersRouter = router({
  list: permitted('users.manage')
    .input(z.object({}).optional())
    .query(({ ctx }) => listUsers(ctx)),

  create: permitted('users.manage')
    .input(z.object({ email: z.email().max(320), name: z.string().trim().min(1).max(120), role: Role, password: z.string().min(12).max(1000) }))
    .mutation(({ ctx, input }) => createUser(ctx, input)),

  setRole: permitted('users.manage')
    .input(z.object({ userId: z.string().min(1).max(64), role: Role }))
    .mutation(({ ctx, input }) => setRole(ctx, input)),
});
