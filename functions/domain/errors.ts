/**
 * What a use case can refuse, in the domain's words. Use cases throw these; the HTTP edge alone turns them into
 * problem+json answers (functions/shared/http/problem.ts), and consumers treat anything thrown as a retry. The
 * message is the detail the caller reads: it says what to do instead.
 */

/** One invalid input: where it is (e.g. `query.starting_after`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** Something the caller named does not exist, as far as this caller can tell. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The caller may not do this. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** The request is well formed but some of its inputs cannot be used. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';

  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** A refusal by a named rule (`slug`), with the facts the caller needs to decide what to do instead. */
abstract class RuleRefusal extends Error {
  constructor(
    readonly slug: string,
    detail: string,
    readonly facts: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** The request contradicts the current state (a final decision, a status that does not allow it). */
export class ConflictError extends RuleRefusal {
  override name = 'ConflictError';
}

/** The request is valid and fits the state, but cannot be carried out as asked (e.g. more than remains). */
export class UnprocessableError extends RuleRefusal {
  override name = 'UnprocessableError';
}

/** A payment changed between its read and its write (optimistic concurrency): reload it and retry. */
export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError';

  constructor(paymentId: string) {
    super(`payment ${paymentId} was changed by someone else; reload it and retry`);
  }
}

/** An Idempotency-Key already stored against another write of the same merchant. */
export class DuplicateIdempotencyKeyError extends Error {
  override name = 'DuplicateIdempotencyKeyError';

  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used`);
  }
}
