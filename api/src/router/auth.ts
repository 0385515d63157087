import { z } from 'zod';
import { signIn, signOut } from '../services/auth.ts';
import { findActor, publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  /** Email + password → an httpOnly session cookie. */
  signIn: publicProcedure
    .input(z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const { user, token, expiresAt } = await signIn(ctx, input);
      ctx.setSessionCookie(token, expiresAt);
      return { user };
    }),

  signOut: publicProcedure.input(z.object({}).optional()).mutation(async ({ ctx }) => {
    await signOut(ctx.prisma, ctx.sessionToken);
    ctx.clearSessionCookie();
    return { signedOut: true };
  }),

  /** The signed-in user, or null: the studio asks this first to know whether to show the sign-in page. */
  me: publicProcedure.input(z.object({}).optional()).query(async ({ ctx }) => (await findActor(ctx))?.actor ?? null),
});
