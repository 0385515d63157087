import { ChannelKind, ConversationState, IsoDateTime, Phone, SubscriptionStatus } from '@omniflow/schemas';
import { z } from 'zod';
import { addIdentity, createCustomer, findIdentity, getCustomer, listCustomers, updateCustomer, updateIdentity } from '../services/contacts.ts';
import { permitted, router } from '../trpc.ts';
import { Limit, RowId, TagName } from './common.ts';

const MemberId = z.string().trim().min(1).max(100);
const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(320);
const ExternalId = z.string().trim().min(1).max(200);

const Fields = z.object({
  memberId: MemberId.nullable().optional(),
  name: Name.nullable().optional(),
  phone: Phone.nullable().optional(),
  email: Email.nullable().optional(),
  lastCheckoutAt: IsoDateTime.nullable().optional(),
});

const IdentityKey = z.object({ channel: ChannelKind, channelId: ExternalId, externalUserId: ExternalId });

export const contactsRouter = router({
  /** Newest first; `search` matches name, member id, phone or email. */
  list: permitted('contacts.view')
    .input(
      z.object({
        search: z.string().trim().max(200).optional(),
        tag: TagName.optional(),
        channel: ChannelKind.optional(),
        cursor: RowId.optional(),
        limit: Limit(20),
      }),
    )
    .query(({ ctx, input }) => listCustomers(ctx.prisma, input)),

  get: permitted('contacts.view')
    .input(z.object({ id: RowId }))
    .query(({ ctx, input }) => getCustomer(ctx.prisma, input.id)),

  create: permitted('contacts.edit')
    .input(Fields.strict())
    .mutation(({ ctx, input }) => createCustomer(ctx, input)),

  /** Only the fields given change; `null` clears one. */
  update: permitted('contacts.edit')
    .input(Fields.extend({ id: RowId }).strict())
    .mutation(({ ctx, input: { id, ...fields } }) => updateCustomer(ctx, id, fields)),

  /** Adds a contact: one identity on one channel (unique per channel account and user). */
  addIdentity: permitted('contacts.edit')
    .input(
      IdentityKey.extend({
        customerId: RowId,
        displayName: Name.optional(),
        nativeSocialName: Name.optional(),
        subscriptionStatus: SubscriptionStatus.optional(),
        source: z.string().trim().min(1).max(60).optional(),
      }).strict(),
    )
    .mutation(({ ctx, input: { customerId, ...identity } }) => addIdentity(ctx, customerId, identity)),

  updateIdentity: permitted('contacts.edit')
    .input(
      z
        .object({
          id: RowId,
          displayName: Name.nullable().optional(),
          subscriptionStatus: SubscriptionStatus.optional(),
          conversationState: ConversationState.nullable().optional(),
          overQuota: z.boolean().optional(),
          fbRecurringOptIn: z.boolean().optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input: { id, ...fields } }) => updateIdentity(ctx, id, fields)),

  /** The contact with this channel identity, or null. */
  findIdentity: permitted('contacts.view')
    .input(IdentityKey)
    .query(({ ctx, input }) => findIdentity(ctx.prisma, input)),
});
