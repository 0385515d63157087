import { z } from 'zod';

// Input pieces shared by the customer-data routers.

export const RowId = z.string().min(1).max(64);
export const TagName = z.string().trim().min(1).max(100);
/** Callers that may retry pass one; "|" is reserved (tag keys are stored as "<key>|<tag>"). */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9:_.@/+=-]+$/, 'Use letters, digits and : _ . @ / + = - only');
export const Limit = (fallback: number) => z.number().int().min(1).max(100).default(fallback);
