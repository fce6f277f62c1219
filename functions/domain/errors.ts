/**
 * What a use case can refuse, in the domain's words. Use cases throw these; the HTTP edge alone turns them into
 * problem+json answers (functions/shared/http/problem.ts), and consumers treat anything thrown as a retry.
 */

/** One invalid input: where it is (e.g. `query.starting_after`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Something the caller named does not exist, as far as this caller can tell. */
export class NotFoundError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'NotFoundError';
  }
}

/** The request is well formed but some of its inputs cannot be used. */
export class InvalidInputError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'InvalidInputError';
  }
}

/** The caller may not do this. */
export class ForbiddenError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'ForbiddenError';
  }
}

/**
 * The request contradicts the current state (a final decision, a status that does not allow it). `slug` names
 * the rule; `facts` are what the caller needs to decide what to do instead.
 */
export class ConflictError extends Error {
  constructor(
    readonly slug: string,
    readonly detail: string,
    readonly facts: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ConflictError';
  }
}

/** The request is valid and fits the state, but cannot be carried out as asked (e.g. more than remains). */
export class UnprocessableError extends Error {
  constructor(
    readonly slug: string,
    readonly detail: string,
    readonly facts: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'UnprocessableError';
  }
}

/** A payment changed between its read and its write (optimistic concurrency): reload it and retry. */
export class ConcurrentUpdateError extends Error {
  constructor(paymentId: string) {
    super(`payment ${paymentId} was changed by someone else; reload it and retry`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** An Idempotency-Key already stored against another write of the same merchant. */
export class DuplicateIdempotencyKeyError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used`);
    this.name = 'DuplicateIdempotencyKeyError';
  }
}
