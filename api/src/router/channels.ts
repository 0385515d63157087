import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createChannel, deleteChannel, getChannel, listChannels, rotateChannelSecret, updateChannel } from '../channels/connections.ts';
import { ChannelConnectionKind, CreateChannelInput, RotateSecretInput, UpdateChannelInput } from '../channels/kinds.ts';
import type { Context } from '../context.ts';
import { permitted, router } from '../trpc.ts';
import { RowId } from './common.ts';

// Channel connections (LINE OAs, pages, WhatsApp numbers, CAPI datasets, Call-an-API secrets). Secrets go
// in and never come out: responses carry only which are set and their last 4 characters.

const manage = permitted('channels.manage');

function registry(ctx: Context) {
  if (!ctx.channels) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Channel connections are not available in this server' });
  return ctx.channels;
}

export const channelsRouter = router({
  list: manage.input(z.object({ kind: ChannelConnectionKind.optional() }).strict()).query(({ ctx, input }) => listChannels(ctx, input)),
  get: manage.input(z.object({ id: RowId }).strict()).query(({ ctx, input }) => getChannel(ctx, input.id)),
  create: manage.input(CreateChannelInput).mutation(({ ctx, input }) => createChannel({ ...ctx, channels: registry(ctx) }, input)),
  update: manage.input(UpdateChannelInput).mutation(({ ctx, input }) => updateChannel({ ...ctx, channels: registry(ctx) }, input)),
  rotateSecret: manage.input(RotateSecretInput).mutation(({ ctx, input }) => rotateChannelSecret({ ...ctx, channels: registry(ctx) }, input)),
  delete: manage.input(z.object({ id: RowId }).strict()).mutation(({ ctx, input }) => deleteChannel({ ...ctx, channels: registry(ctx) }, input.id)),
});
