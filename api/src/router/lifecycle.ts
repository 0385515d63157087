import { z } from 'zod';
import { changeStatus } from '../services/lifecycle.ts';
import { permitted, router } from '../trpc.ts';

const Target = z.object({ flowId: z.string().min(1).max(64) });

/** Pause, resume, end (§2.3). Illegal transitions are PRECONDITION_FAILED naming from and to. */
export const lifecycleRouter = router({
  pause: permitted('flows.publish')
    .input(Target)
    .mutation(({ ctx, input }) => changeStatus(ctx, input.flowId, 'pause')),
  resume: permitted('flows.publish')
    .input(Target)
    .mutation(({ ctx, input }) => changeStatus(ctx, input.flowId, 'resume')),
  end: permitted('flows.publish')
    .input(Target)
    .mutation(({ ctx, input }) => changeStatus(ctx, input.flowId, 'end')),
});
