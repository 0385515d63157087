import { randomBytes } from 'node:crypto';
import type { ConversationState } from '@omniflow/schemas';
import type { PrismaClient } from '../db/open.ts';
import { createCustomerTx, createIdentityTx, findIdentity } from '../services/contacts.ts';
import { type DataContext, inTransaction } from '../services/context.ts';
import type { WebChatAddress } from './hub.ts';

// Web chat visitors are contacts like any other: a customer with one `webchat` identity whose
// externalUserId is the visitor id the server issued (128 random bits, kept by the widget in
// localStorage). Only server-issued ids resume a conversation; an unknown id gets a new visitor.

export interface Visitor {
  customerId: string;
  identityId: string;
  channelId: string;
  visitorId: string;
  conversationState: ConversationState | null;
}

export function newVisitorId(): string {
  return `v_${randomBytes(16).toString('base64url')}`;
}

export async function findVisitor(prisma: PrismaClient, address: WebChatAddress): Promise<Visitor | null> {
  const identity = await findIdentity(prisma, { channel: 'webchat', channelId: address.channelId, externalUserId: address.visitorId });
  if (!identity) return null;
  return { customerId: identity.customerId, identityId: identity.id, ...address, conversationState: identity.conversationState };
}

/** A new customer with a web chat identity; its contact.created event reaches "new contact" journeys. */
export async function createVisitor(dc: DataContext, channelId: string, name: string | undefined): Promise<Visitor> {
  const visitorId = newVisitorId();
  return inTransaction(dc, async (tx, events) => {
    const now = dc.now();
    const customer = await createCustomerTx(tx, now, name ? { name } : {}, events);
    const identity = await createIdentityTx(
      tx,
      now,
      customer.id,
      { channel: 'webchat', channelId, externalUserId: visitorId, ...(name ? { displayName: name } : {}), source: 'webchat' },
      events,
    );
    return { customerId: customer.id, identityId: identity.id, channelId, visitorId, conversationState: null };
  });
}

/** The web chat address the bot answers a customer on: its most recently active web chat identity. */
export async function webChatAddressOf(prisma: PrismaClient, customerId: string): Promise<WebChatAddress | undefined> {
  const identity = await prisma.contactIdentity.findFirst({
    where: { customerId, channel: 'webchat' },
    orderBy: [{ customerLastInteractionAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
  });
  return identity ? { channelId: identity.channelId, visitorId: identity.externalUserId } : undefined;
}

/** Records the visitor's last message time (the channel's conversation window). */
export async function touchVisitor(prisma: PrismaClient, identityId: string, at: Date): Promise<void> {
  // In a transaction, not as a lone statement: on the shared SQLite connection a lone write could land
  // inside another request's open transaction.
  await prisma.$transaction((tx) => tx.contactIdentity.update({ where: { id: identityId }, data: { customerLastInteractionAt: at, updatedAt: at } }));
}

export async function conversationStateOf(prisma: PrismaClient, identityId: string): Promise<ConversationState | null> {
  const row = await prisma.contactIdentity.findUnique({ where: { id: identityId }, select: { conversationState: true } });
  return (row?.conversationState as ConversationState | null | undefined) ?? null;
}
