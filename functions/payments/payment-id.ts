import { problems } from '../shared/http/problem';
import { paymentIdSchema } from './schemas';

/** A path's payment id; anything that is not a UUID cannot name a payment, so it is a 404 like an unknown one. */
export function parsePaymentId(raw: string): string {
  if (!paymentIdSchema.safeParse(raw).success) throw problems.notFound(`no payment ${raw}`);
  return raw.toLowerCase();
}
