import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, type List, type Review } from '../api';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { formatMoney, formatTime } from '../money';
import { StatusBadge } from './Payments';
import { Pager } from '../Pager';

const DECISION_LABELS: Record<string, string> = {
  approve: 'Approve',
  reject: 'Reject',
  confirm: 'Confirm genuine',
  fraud: 'Mark fraud (refund)',
};

function ReviewItem({
  review,
  decisionPath,
  showMerchant,
}: {
  review: Review;
  decisionPath: string;
  showMerchant: boolean;
}) {
  const { api } = useSigned();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [decided, setDecided] = useState<Review>();
  const [problem, setProblem] = useState<string>();
  const { payment } = decided ?? review;
  return (
    <li className="review" data-payment-id={review.paymentId}>
      <div className="review-head">
        <span className="amount">{formatMoney(payment.amount, payment.currency)}</span>
        <StatusBadge status={payment.status} />
        <span className={`kind kind-${review.kind}`}>{review.kind === 'hold' ? 'held' : 'in review'}</span>
        <span className="score">score {review.score}</span>
      </div>
      <p className="meta">
        {showMerchant && <span className="merchant">{review.merchantId} · </span>}
        customer {payment.customer.id} · opened {formatTime(review.openedAt)} ·{' '}
        {showMerchant ? (
          <span className="mono">{review.paymentId}</span>
        ) : (
          <Link href={`/payments/${review.paymentId}`}>details</Link>
        )}
      </p>
      <ul className="reasons">
        {review.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {decided ? (
        <p className="ok decided">
          {DECISION_LABELS[decided.decision ?? ''] ?? decided.decision} by {decided.reviewer}: the payment is
          now <StatusBadge status={decided.payment.status} />
        </p>
      ) : (
        <div className="decide">
          <input
            aria-label="Note"
            placeholder="Note (optional)"
            value={note}
            maxLength={1000}
            onChange={(e) => setNote(e.target.value)}
          />
          {review.allowedDecisions.map((decision) => (
            <button
              key={decision}
              type="button"
              disabled={busy}
              className={`decision-${decision}`}
              onClick={async () => {
                setBusy(true);
                setProblem(undefined);
                try {
                  setDecided(
                    await api.post<Review>(decisionPath, {
                      decision,
                      ...(note.trim() ? { note: note.trim() } : {}),
                    }),
                  );
                } catch (error) {
                  setProblem(error instanceof ApiError ? error.message : String(error));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {DECISION_LABELS[decision] ?? decision}
            </button>
          ))}
        </div>
      )}
      {problem && <p className="error">{problem}</p>}
    </li>
  );
}

/** The review queue: a merchant's own (reviews:read) or, for fraud operators, every merchant's. */
export function Reviews({ scope }: { scope: 'merchant' | 'operator' }) {
  const { api } = useSigned();
  const base = scope === 'operator' ? '/operator/reviews' : '/reviews';
  const [after, setAfter] = useState<string[]>([]);
  const page = useLoad(
    () => api.get<List<Review>>(base, { limit: '25', starting_after: after.at(-1) }),
    [base, after.at(-1)],
  );
  return (
    <section>
      <h1>{scope === 'operator' ? 'Operator review queue (every merchant)' : 'Review queue'}</h1>
      <p className="hint">
        Held payments wait for approve or reject; payments in review went through and are confirmed or marked
        fraud. Each decision records who made it.
      </p>
      {page.error && <p className="error">{page.error}</p>}
      {page.data && page.data.data.length === 0 && <p>Nothing to review.</p>}
      <ul className="reviews">
        {page.data?.data.map((r) => (
          <ReviewItem
            key={r.paymentId}
            review={r}
            decisionPath={`${base}/${r.paymentId}/decision`}
            showMerchant={scope === 'operator'}
          />
        ))}
      </ul>
      <Pager
        cursors={after}
        setCursors={setAfter}
        hasMore={Boolean(page.data?.hasMore)}
        lastCursor={page.data?.data.at(-1)?.paymentId}
        onRefresh={page.reload}
      />
    </section>
  );
}
