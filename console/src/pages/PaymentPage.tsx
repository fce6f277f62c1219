import { useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { ApiError, type EventEnvelope, type List, type Notification, type Payment } from '../api';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { decimalsOf, formatMoney, formatTime, toMinor } from '../money';
import { can } from '../session';
import { StatusBadge } from './Payments';

interface Entry {
  at: string;
  kind: string;
  title: string;
  body?: ReactNode;
}

const EVENT_TITLES: Record<string, string> = {
  PaymentCreated: 'Payment created',
  PaymentApproved: 'Approved',
  PaymentFailed: 'Failed',
  PaymentRefunded: 'Refunded',
  AnomalyDetected: 'Flagged by the fraud model',
  ReviewDecided: 'Review decided',
};

function eventEntry(event: EventEnvelope, currency: string): Entry {
  const data = event.data;
  let body: ReactNode;
  if (event.type === 'ReviewDecided') {
    body = (
      <>
        <b>{String(data.decision)}</b> by <span className="reviewer">{String(data.reviewer)}</span>
        {data.note ? <>: “{String(data.note)}”</> : null}
      </>
    );
  } else if (event.type === 'PaymentRefunded') {
    const refund = data.refund as { amount: number; reason?: string } | undefined;
    if (refund) body = `${formatMoney(refund.amount, currency)}${refund.reason ? ` (${refund.reason})` : ''}`;
  } else if (event.type === 'PaymentFailed' && data.reason) {
    body = String(data.reason);
  } else if (event.type === 'PaymentApproved' && data.decidedBy) {
    body = `by the ${String(data.decidedBy)}`;
  } else if (event.type === 'AnomalyDetected') {
    body = `score ${String(data.score)}, action ${String(data.action)}`;
  }
  return { at: event.occurredAt ?? '', kind: 'event', title: EVENT_TITLES[event.type] ?? event.type, body };
}

function timeline(payment: Payment, events: EventEnvelope[], notifications: Notification[]): Entry[] {
  const entries = events.map((e) => eventEntry(e, payment.currency));
  const a = payment.fraudAssessment;
  if (a) {
    entries.push({
      at: a.assessedAt,
      kind: 'assessment',
      title: `Fraud assessment: score ${a.score} of 99, ${a.action}${a.applied ? '' : ' (not applied: the payment had moved on)'}`,
      body: (
        <ul className="reasons">
          {a.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ),
    });
  }
  for (const n of notifications) {
    entries.push({
      at: n.attemptedAt,
      kind: 'notification',
      title: `${n.channel === 'sms' ? 'SMS' : 'E-mail'} to ${n.audience === 'fraud_ops' ? 'fraud operations' : 'the customer'}: ${n.status}`,
      body: (
        <>
          <span className="recipient">{n.recipient}</span> · {n.template}
          {n.reason ? ` · ${n.reason}` : ''}
        </>
      ),
    });
  }
  return entries.sort((x, y) => x.at.localeCompare(y.at));
}

function RefundForm({ payment, onDone }: { payment: Payment; onDone: () => void }) {
  const { api } = useSigned();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const decimals = decimalsOf(payment.currency);
  return (
    <form
      className="refund"
      onSubmit={async (e) => {
        e.preventDefault();
        const minor = amount.trim() === '' ? undefined : toMinor(amount, payment.currency);
        if (amount.trim() !== '' && (minor === undefined || minor <= 0)) {
          setMessage({
            ok: false,
            text: `Give an amount in ${payment.currency} with at most ${decimals} decimals, or leave it empty to refund everything left.`,
          });
          return;
        }
        setBusy(true);
        try {
          await api.post(`/payments/${payment.id}/refunds`, {
            ...(minor === undefined ? {} : { amount: minor }),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          });
          setMessage({ ok: true, text: 'Refunded.' });
          setAmount('');
          setReason('');
          onDone();
        } catch (error) {
          setMessage({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>Refund</h2>
      <p>{formatMoney(payment.amountRefundable, payment.currency)} can be refunded.</p>
      <label>
        Amount ({payment.currency})
        <input
          name="amount"
          inputMode="decimal"
          placeholder={`everything left, e.g. ${(payment.amountRefundable / 10 ** decimals).toFixed(decimals)}`}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      </label>
      <label>
        Reason
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Refund
      </button>
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </form>
  );
}

export function PaymentPage({ id }: { id: string }) {
  const { api, session } = useSigned();
  const audit = can(session, 'audit:read');
  const loaded = useLoad(async () => {
    const [payment, events, notifications] = await Promise.all([
      api.get<Payment>(`/payments/${id}`),
      api.get<List<EventEnvelope>>('/events', { payment_id: id, limit: '100' }),
      audit
        ? api.get<List<Notification>>(`/payments/${id}/notifications`)
        : Promise.resolve({ data: [], hasMore: false }),
    ]);
    return { payment, events: events.data, notifications: notifications.data };
  }, [id]);
  if (loaded.error) return <p className="error">{loaded.error}</p>;
  if (!loaded.data) return <p className="loading">Loading…</p>;
  const { payment } = loaded.data;
  return (
    <section className="payment" data-payment-id={payment.id}>
      <p>
        <Link href="/payments">← Payments</Link>
      </p>
      <h1>
        <span className="amount">{formatMoney(payment.amount, payment.currency)}</span>{' '}
        <StatusBadge status={payment.status} />
      </h1>
      <dl className="facts">
        <dt>Payment</dt>
        <dd className="mono">{payment.id}</dd>
        <dt>Customer</dt>
        <dd>{payment.customer.id}</dd>
        <dt>Card</dt>
        <dd>
          {payment.paymentMethod.brand ?? 'card'} ·••• {payment.paymentMethod.last4}
        </dd>
        <dt>Terminal</dt>
        <dd>{payment.terminalId}</dd>
        <dt>Refunded</dt>
        <dd className="refunded">{formatMoney(payment.amountRefunded, payment.currency)}</dd>
        {payment.description && (
          <>
            <dt>Description</dt>
            <dd>{payment.description}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(payment.createdAt)}</dd>
      </dl>
      {can(session, 'refunds:write') && payment.amountRefundable > 0 && (
        <RefundForm payment={payment} onDone={loaded.reload} />
      )}
      <h2>Timeline</h2>
      <ol className="timeline">
        {timeline(payment, loaded.data.events, loaded.data.notifications).map((e, i) => (
          <li key={i} className={`entry-${e.kind}`}>
            <time>{e.at ? formatTime(e.at) : ''}</time>
            <div>
              <b>{e.title}</b>
              {e.body && <div>{e.body}</div>}
            </div>
          </li>
        ))}
      </ol>
      {payment.refunds && payment.refunds.length > 0 && (
        <>
          <h2>Refunds</h2>
          <ul className="refunds">
            {payment.refunds.map((r) => (
              <li key={r.id}>
                {formatMoney(r.amount, r.currency)} · {formatTime(r.createdAt)}
                {r.reason ? ` · ${r.reason}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
