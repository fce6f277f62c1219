import * as z from 'zod';
import { NotFoundError } from './errors';

const paymentIdSchema = z.uuid({ error: 'is not a payment id' });

/** A payment id as a caller wrote it; anything that is not a UUID cannot name a payment, so it is not found. */
export function parsePaymentId(raw: string): string {
  if (!paymentIdSchema.safeParse(raw).success) throw new NotFoundError(`no payment ${raw}`);
  return raw.toLowerCase();
}
