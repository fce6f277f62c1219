/**
 * Recipients: validation before any send, masking for logs and the audit log, and a keyed hash of the full
 * recipient so that the audit log can be searched by address without holding it.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';

export type Channel = 'email' | 'sms';

const emailSchema = z.email().max(254);
/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** The form a recipient is compared, hashed and sent in: e-mail lower-cased and trimmed, phone as given. */
export function normalizeRecipient(channel: Channel, recipient: string): string {
  return channel === 'email' ? recipient.trim().toLowerCase() : recipient.trim();
}

export function isValidRecipient(channel: Channel, recipient: string): boolean {
  return channel === 'email' ? emailSchema.safeParse(recipient).success : E164.test(recipient);
}

/** j***@example.com: the first character of the local part and the domain. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return maskOpaque(address);
  return `${address.charAt(0)}***@${address.slice(at + 1)}`;
}

/** +44******789: the first two digits (about the country code) and the last three, never the length. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return maskOpaque(phone);
  return `+${digits.slice(0, 2)}******${digits.slice(-3)}`;
}

function maskOpaque(value: string): string {
  return value.length === 0 ? '' : `${value.charAt(0)}***`;
}

export function maskRecipient(channel: Channel, recipient: string): string {
  return channel === 'email' ? maskEmail(recipient) : maskPhone(recipient);
}

const EMAIL_IN_TEXT = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,}/gi;
const PHONE_IN_TEXT = /\+[1-9]\d{6,14}\b/g;

/** Masks every e-mail address and E.164 phone number found in free text (log messages, error messages). */
export function maskContactsIn(text: string): string {
  if (!text.includes('@') && !text.includes('+')) return text;
  return text.replace(EMAIL_IN_TEXT, (m) => maskEmail(m)).replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/**
 * HMAC-SHA256 of `channel:normalised recipient` under the service's key (hex). The same address always gives the
 * same hash under one key, so operators can find what was sent to it; without the key it cannot be reversed by
 * hashing candidate addresses.
 */
export function recipientHash(key: string | Buffer, channel: Channel, recipient: string): string {
  return createHmac('sha256', key)
    .update(`${channel}:${normalizeRecipient(channel, recipient)}`)
    .digest('hex');
}
