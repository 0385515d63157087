import type { ValidationIssue } from '@omniflow/schemas';
import { TRPCError } from '@trpc/server';
import type { FlowStatus } from './lifecycle/transitions.ts';

/** Structured data an error carries to the client in `error.data.details`, by kind. */
export type ErrorDetails =
  /** A save or publish named a draft revision that is no longer current; nothing was applied. */
  | { kind: 'draft_conflict'; currentRevision: number; graph: unknown; updatedAt: string; updatedBy: { id: string; name: string } | null }
  /** The graph does not have the structure of a flow graph (drafts may be incomplete, but not malformed). */
  | { kind: 'invalid_graph'; errors: { path: (string | number)[]; message: string }[] }
  /** Publishing was refused: errors, or warnings that were not confirmed. */
  | { kind: 'validation_failed'; issues: ValidationIssue[]; warningsNeedConfirmation: boolean }
  | { kind: 'illegal_transition'; action: string; from: FlowStatus; to: string; allowedFrom: FlowStatus[] }
  | { kind: 'invalid_field'; field: string };

type Code = TRPCError['code'];

/** A TRPCError with structured details; the error formatter copies them into `error.data.details`. */
export class AppError extends TRPCError {
  readonly details: ErrorDetails | null;
  constructor(code: Code, message: string, details: ErrorDetails | null = null) {
    super({ code, message });
    this.details = details;
  }
}

export const notFound = (what: string, id: string | number) => new AppError('NOT_FOUND', `${what} ${JSON.stringify(id)} was not found`);

export const badField = (field: string, message: string) => new AppError('BAD_REQUEST', message, { kind: 'invalid_field', field });
