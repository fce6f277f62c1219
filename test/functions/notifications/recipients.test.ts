import {
  isValidRecipient,
  maskContactsIn,
  maskEmail,
  maskPhone,
  recipientHash,
} from '../../../functions/notifications/recipients';
import { planMessages } from '../../../functions/notifications/policy';
import { anomaly, approved, created, failed } from './support';

describe('recipients', () => {
  it('masks e-mail addresses and phone numbers', () => {
    expect(maskEmail('john.smith@example.com')).toBe('j***@example.com');
    expect(maskPhone('+447700900789')).toBe('+44******789');
    expect(maskPhone('+12025550123')).toBe('+12******123');
    expect(maskEmail('not-an-address')).toBe('n***');
  });

  it('masks every address and number inside free text', () => {
    expect(maskContactsIn('SES rejected ada.l@example.co.uk; retry +447700900123 later')).toBe(
      'SES rejected a***@example.co.uk; retry +44******123 later',
    );
    expect(maskContactsIn('nothing to see')).toBe('nothing to see');
  });

  it('validates e-mail addresses and E.164 numbers before any send', () => {
    expect(isValidRecipient('email', 'ada@example.com')).toBe(true);
    expect(isValidRecipient('email', 'ada@@example.com')).toBe(false);
    expect(isValidRecipient('email', 'ada@example.com\r\nBcc: x@example.com')).toBe(false);
    expect(isValidRecipient('sms', '+447700900123')).toBe(true);
    expect(isValidRecipient('sms', '07700900123')).toBe(false);
    expect(isValidRecipient('sms', '+0447700900123')).toBe(false);
    expect(isValidRecipient('sms', '+4477009001231234')).toBe(false);
  });

  it('hashes the normalised recipient with a key: stable, key-dependent, case-insensitive for e-mail', () => {
    const a = recipientHash('key-1', 'email', 'Ada@Example.com');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(recipientHash('key-1', 'email', ' ada@example.com ')).toBe(a);
    expect(recipientHash('key-2', 'email', 'ada@example.com')).not.toBe(a);
    expect(recipientHash('key-1', 'sms', 'ada@example.com')).not.toBe(a);
  });
});

describe('who is told what', () => {
  const ops = {
    fraudOpsAddress: 'fraud-ops@example.com',
    fraudOpsAddressByMerchant: { merchant_x: 'x-ops@example.com' },
  };
  const summary = (plans: ReturnType<typeof planMessages>) =>
    plans.map((p) => `${p.audience}:${p.channel}:${p.template}`);

  it('tells the customer on the channels the event warrants and their details allow', () => {
    expect(summary(planMessages(created(), ops))).toEqual(['customer:email:payment-received']);
    expect(summary(planMessages(approved(), ops))).toEqual([
      'customer:email:payment-approved',
      'customer:sms:payment-approved',
    ]);
    expect(summary(planMessages(failed(), ops))).toEqual([
      'customer:email:payment-declined',
      'customer:sms:payment-declined',
    ]);
    expect(summary(planMessages(approved({ customer: { id: 'c', phone: '+447700900123' } }), ops))).toEqual([
      'customer:sms:payment-approved',
    ]);
    expect(planMessages(approved({ customer: { id: 'c' } }), ops)).toEqual([]);
  });

  it('alerts fraud operations on hold and decline, and the customer on hold only', () => {
    expect(summary(planMessages(anomaly('hold'), ops))).toEqual([
      'customer:email:payment-held',
      'customer:sms:payment-held',
      'fraud_ops:email:fraud-alert',
    ]);
    expect(summary(planMessages(anomaly('decline'), ops))).toEqual(['fraud_ops:email:fraud-alert']);
    expect(planMessages(anomaly('review'), ops)).toEqual([]);
    expect(planMessages(anomaly('decline'), {})).toEqual([]);
    expect(planMessages(anomaly('decline', { merchantId: 'merchant_x' }), ops)[0]?.recipient).toBe(
      'x-ops@example.com',
    );
  });
});
