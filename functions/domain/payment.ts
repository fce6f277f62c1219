import type { CurrencyCode } from './money';
import type { PaymentStatus } from './payment-status';

export interface Customer {
  id: string;
  email?: string;
  phone?: string;
  country?: string;
}

export interface CardPaymentMethod {
  type: 'card';
  /** A stable token for the card (never the card number); fraud features are keyed by it. */
  fingerprint: string;
  last4: string;
  brand?: string;
  country?: string;
}

export type Metadata = Record<string, string>;

export interface Payment {
  id: string;
  merchantId: string;
  status: PaymentStatus;
  amount: number;
  currency: CurrencyCode;
  amountRefunded: number;
  customer: Customer;
  paymentMethod: CardPaymentMethod;
  terminalId: string;
  description?: string;
  metadata: Metadata;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Refund {
  id: string;
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: CurrencyCode;
  reason?: string;
  createdAt: string;
}

export function remainingRefundable(payment: Pick<Payment, 'amount' | 'amountRefunded'>): number {
  return payment.amount - payment.amountRefunded;
}
