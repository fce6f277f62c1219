import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { declineReason, templateValues } from '../../../functions/notifications/content';
import { formatAmount, localeFor, minorToDecimalString } from '../../../functions/notifications/format';
import { planMessages } from '../../../functions/notifications/policy';
import {
  compileTemplate,
  escapeHtml,
  loadTemplate,
  TEMPLATE_NAMES,
  TemplateSet,
} from '../../../functions/notifications/templates';
import { anomaly, approved, created, failed } from './support';

const templates = new TemplateSet();

describe('amounts', () => {
  it('formats by the currency exponent, never as raw minor units', () => {
    expect(formatAmount(123456, 'JPY', 'en-GB')).toBe('JP¥123,456');
    expect(formatAmount(123456, 'KWD', 'en-GB')).toBe('KWD\u00a0123.456');
    expect(formatAmount(1250, 'EUR', 'en-GB')).toBe('€12.50');
    expect(formatAmount(5, 'USD', 'en-US')).toBe('$0.05');
    expect(formatAmount(1, 'KWD', 'en-GB')).toBe('KWD\u00a00.001');
  });

  it('follows the locale for separators and symbol placement', () => {
    expect(formatAmount(123456789, 'EUR', 'de-DE')).toBe('1.234.567,89\u00a0€');
    expect(formatAmount(100, 'JPY', 'ja-JP')).toBe('￥100');
  });

  it('is exact for the largest amounts (no float rounding)', () => {
    expect(minorToDecimalString(99_999_999_999, 3)).toBe('99999999.999');
    expect(formatAmount(99_999_999_999, 'KWD', 'en-GB')).toBe('KWD\u00a099,999,999.999');
    expect(formatAmount(100_000_000_000, 'USD', 'en-US')).toBe('$1,000,000,000.00');
  });

  it('picks English with the customer region, or plain English', () => {
    expect(localeFor('GB')).toBe('en-GB');
    expect(localeFor('DE')).toBe('en-DE');
    expect(localeFor(undefined)).toBe('en');
    expect(localeFor('gb; drop')).toBe('en');
  });
});

describe('templates', () => {
  it('every template loads, with e-mail, and SMS only where the policy sends SMS', () => {
    for (const name of TEMPLATE_NAMES) expect(loadTemplate(name).channels).toContain('email');
    expect(loadTemplate('payment-received').channels).toEqual(['email']);
    expect(loadTemplate('payment-approved').channels).toEqual(['email', 'sms']);
    expect(loadTemplate('payment-declined').channels).toEqual(['email', 'sms']);
    expect(loadTemplate('payment-held').channels).toEqual(['email', 'sms']);
    expect(loadTemplate('fraud-alert').channels).toEqual(['email']);
  });

  it('every planned message has its template for its channel', () => {
    const events = [created(), approved(), failed(), anomaly('hold'), anomaly('decline'), anomaly('review')];
    for (const event of events) {
      for (const plan of planMessages(event, { fraudOpsAddress: 'ops@example.com' })) {
        expect(templates.get(plan.template).channels).toContain(plan.channel);
      }
    }
  });

  it.each([
    ['JPY', 123456, 'JP¥123,456'],
    ['KWD', 123456, 'KWD\u00a0123.456'],
    ['EUR', 123456, '€1,234.56'],
  ])('renders PaymentApproved in %s with the formatted amount in every part', (currency, amount, shown) => {
    const event = approved({ currency, amount });
    const values = templateValues(event, 'customer');
    const email = templates.get('payment-approved').renderEmail(values);
    const sms = templates.get('payment-approved').renderSms(values);
    expect(email.subject).toBe(`Your payment of ${shown} is approved`);
    expect(email.text).toContain(`Your payment of ${shown} to merchant_n`);
    expect(email.html).toContain(`<strong>${shown}</strong>`);
    expect(sms).toContain(shown);
    for (const part of [email.subject, email.text, email.html, sms])
      expect(part).not.toContain(String(amount));
  });

  it('renders each event type with its own news', () => {
    const subject = (event: Parameters<typeof templateValues>[0], name: Parameters<TemplateSet['get']>[0]) =>
      templates.get(name).renderEmail(templateValues(event, 'customer')).subject;
    expect(subject(created(), 'payment-received')).toBe('We received your payment of €12.50');
    expect(subject(failed(), 'payment-declined')).toBe('Your payment of €12.50 was declined');
    expect(subject(anomaly('hold'), 'payment-held')).toBe(
      'Your payment of €12.50 is on hold for a security check',
    );
    const alert = templates.get('fraud-alert').renderEmail(templateValues(anomaly('hold'), 'fraud_ops'));
    expect(alert.subject).toBe('[hold] Fraud alert: €12.50 payment scored 93');
    expect(alert.text).toContain('Reasons: amount far above the card average, new terminal');
    // The fraud team sees the customer's contacts masked.
    expect(alert.text).toContain('(a***@example.com, +44******123)');
    expect(alert.text).not.toContain('ada@example.com');
  });

  it("tells the fraud team what the alert's action left for them: only review and hold wait in the queue", () => {
    const text = (action: 'review' | 'hold' | 'decline') =>
      templates.get('fraud-alert').renderEmail(templateValues(anomaly(action), 'fraud_ops')).text;
    expect(text('hold')).toContain('on hold in the review queue (GET /reviews)');
    expect(text('review')).toContain('waits in the review queue (GET /reviews)');
    expect(text('decline')).toContain('declined automatically; it is not in the review queue');
    expect(text('decline')).not.toMatch(/Review it in the review queue/);
    const html = templates
      .get('fraud-alert')
      .renderEmail(templateValues(anomaly('decline'), 'fraud_ops')).html;
    expect(html).toContain('<p>The payment was declined automatically');
  });

  it('leaves out the description line of a payment without one, in text and HTML', () => {
    for (const name of ['payment-received', 'payment-approved', 'payment-held'] as const) {
      const without = templates
        .get(name)
        .renderEmail(templateValues(approved({ description: undefined }), 'customer'));
      expect(without.text).not.toContain('Description');
      expect(without.html).not.toContain('Description');
      expect(without.text).toContain('Payment reference: ');
      const withOne = templates
        .get(name)
        .renderEmail(templateValues(approved({ description: 'Order 7' }), 'customer'));
      expect(withOne.text).toContain('Description: Order 7\n');
      expect(withOne.html).toContain('<p>Description: Order 7</p>');
    }
  });

  it('declined news never shows the internal reason code', () => {
    const email = templates.get('payment-declined').renderEmail(templateValues(failed(), 'customer'));
    expect(email.text).toContain('Reason: the payment looked risky to our fraud checks');
    expect(email.text).not.toContain('risk score');
    expect(declineReason('rejected by a reviewer')).toBe('the payment did not pass our security review');
    expect(declineReason('insufficient funds')).toBe('the payment was declined');
  });

  it('SMS fit in one 160-character message even for the largest amounts', () => {
    for (const name of ['payment-approved', 'payment-declined', 'payment-held'] as const) {
      const event = approved({
        amount: 99_999_999_999,
        currency: 'KWD',
        paymentMethod: { type: 'card', fingerprint: 'fp_12345678', last4: '4242' },
      });
      const values = { ...templateValues(event, 'customer'), merchant: 'merchant_with_a_long_name_01' };
      expect(templates.get(name).renderSms(values).length).toBeLessThanOrEqual(160);
    }
  });
});

describe('safe rendering', () => {
  const hostile = '<script>alert("x")</script> & {{ amount }} \' ` <img src=x onerror=1>';

  it('escapes customer-supplied strings in HTML and never interprets them as template syntax', () => {
    const event = approved({ description: hostile });
    const email = templates.get('payment-approved').renderEmail(templateValues(event, 'customer'));
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; {{ amount }} &#39; &#96; &lt;img src=x onerror=1&gt;',
    );
    // In text the value is shown as it is, placeholders included, but not substituted.
    expect(email.text).toContain('Description: <script>alert("x")</script> & {{ amount }}');
  });

  it('keeps subjects and SMS on one line (no header injection)', () => {
    const values = { ...templateValues(approved(), 'customer'), merchant: 'shop\r\nBcc: victim@example.com' };
    const email = templates.get('payment-approved').renderEmail(values);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(templates.get('payment-approved').renderSms(values)).not.toMatch(/[\r\n]/);
  });

  it('escapes the five HTML specials and backticks', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('refuses templates that use undeclared variables or anything but {{ name }}', () => {
    expect(() => compileTemplate('Hi {{ amount }}', ['amount'], 't')).not.toThrow();
    expect(() => compileTemplate('Hi {{ secret }}', ['amount'], 't')).toThrow(/unknown variable/);
    expect(() => compileTemplate('Hi {{ amount.constructor }}', ['amount'], 't')).toThrow(/malformed/);
    expect(() => compileTemplate('Hi {{{ amount }}}', ['amount'], 't')).toThrow(/malformed/);
    expect(() => compileTemplate('Hi {{#each x}}', ['amount'], 't')).toThrow(/malformed/);
  });

  it('refuses a template folder with half an e-mail', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'templates-'));
    await mkdir(path.join(dir, 'payment-approved'));
    await writeFile(path.join(dir, 'payment-approved', 'subject.txt'), 'Hi');
    expect(() => loadTemplate('payment-approved', dir)).toThrow(
      /subject.txt, text.txt and html.html together/,
    );
  });

  describe('a body.html in the shared layout', () => {
    async function folder(files: Record<string, string>): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), 'templates-'));
      await mkdir(path.join(dir, 'payment-approved'));
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
      return dir;
    }
    const email = {
      'payment-approved/subject.txt': 'Approved',
      'payment-approved/text.txt': 'Approved {{ amount }}',
    };

    it("is placed at the layout's marker, with the layout's placeholders checked and escaped too", async () => {
      const dir = await folder({
        ...email,
        'layout.html': '<main><!-- content --><footer>ref {{ paymentId }}</footer></main>',
        'payment-approved/body.html': '<p>{{ description }}</p>\n',
      });
      const html = loadTemplate('payment-approved', dir).renderEmail({
        description: '<b>x</b>',
        paymentId: 'p&1',
      }).html;
      expect(html).toBe('<main><p>&lt;b&gt;x&lt;/b&gt;</p><footer>ref p&amp;1</footer></main>');

      const unknown = await folder({
        ...email,
        'layout.html': '<!-- content -->{{ secret }}',
        'payment-approved/body.html': 'x',
      });
      expect(() => loadTemplate('payment-approved', unknown)).toThrow(/unknown variable \{\{ secret \}\}/);
    });

    it('is refused without a layout that has the marker', async () => {
      const dir = await folder({ ...email, 'payment-approved/body.html': '<p>hi</p>' });
      expect(() => loadTemplate('payment-approved', dir)).toThrow(/body.html needs layout.html/);
    });
  });

  it('renders the shipped customer e-mails inside the shared layout', () => {
    for (const name of [
      'payment-received',
      'payment-approved',
      'payment-declined',
      'payment-held',
    ] as const) {
      const html = loadTemplate(name).renderEmail({
        paymentId: 'pay_1',
        merchant: 'Shop',
        amount: '€1.00',
      }).html;
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('Payment reference pay_1. This message was sent by RamPay on behalf of Shop.');
    }
  });
});
