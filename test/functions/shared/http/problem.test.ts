import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnprocessableError,
} from '../../../../functions/domain/errors';
import { Problem, problemFor, problemResponse } from '../../../../functions/shared/http/problem';

const answer = (error: unknown) => {
  const problem = problemFor(error);
  return problem && JSON.parse(problemResponse(problem, '/x').body as string);
};

describe('problemFor (domain errors at the HTTP edge)', () => {
  it('answers each domain error with its problem+json', () => {
    expect(answer(new NotFoundError('no payment p1'))).toEqual({
      type: 'https://rampay.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no payment p1',
      instance: '/x',
    });
    expect(answer(new ForbiddenError('needs analytics:admin'))).toEqual({
      type: 'https://rampay.dev/problems/forbidden',
      title: 'Not allowed',
      status: 403,
      detail: 'needs analytics:admin',
      instance: '/x',
    });
    expect(answer(new InvalidInputError([{ field: 'query.from', message: 'must be before to' }]))).toEqual({
      type: 'https://rampay.dev/problems/validation-error',
      title: 'The request is invalid',
      status: 400,
      detail: 'query.from: must be before to',
      instance: '/x',
      errors: [{ field: 'query.from', message: 'must be before to' }],
    });
    expect(
      answer(new ConflictError('payment-not-refundable', 'it is failed', { paymentStatus: 'failed' })),
    ).toEqual({
      type: 'https://rampay.dev/problems/payment-not-refundable',
      title: 'Conflict',
      status: 409,
      detail: 'it is failed',
      instance: '/x',
      paymentStatus: 'failed',
    });
    expect(
      answer(new UnprocessableError('refund-exceeds-remaining', 'too much', { remainingRefundable: 5 })),
    ).toEqual({
      type: 'https://rampay.dev/problems/refund-exceeds-remaining',
      title: 'Unprocessable request',
      status: 422,
      detail: 'too much',
      instance: '/x',
      remainingRefundable: 5,
    });
  });

  it('keeps a Problem as it is, and leaves anything else to the caller (a logged 500)', () => {
    const problem = new Problem(413, 'payload-too-large', 'Payload too large', 'too big');
    expect(problemFor(problem)).toBe(problem);
    expect(problemFor(new ConcurrentUpdateError('p1'))).toBeUndefined();
    expect(problemFor(new Error('boom'))).toBeUndefined();
    expect(problemFor('not an error')).toBeUndefined();
  });
});
