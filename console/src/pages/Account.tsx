import { Link } from 'wouter';
import { useSigned } from '../context';
import { can, isOperator } from '../session';

/** Who is signed in and what the token allows; the merchant's one setting is on the Webhooks page. */
export function Account() {
  const { session } = useSigned();
  return (
    <section>
      <h1>Account</h1>
      <dl className="facts">
        <dt>Signed in as</dt>
        <dd>{session.subject}</dd>
        <dt>Role</dt>
        <dd>{isOperator(session) ? 'fraud operator' : 'merchant staff'}</dd>
        <dt>Merchant</dt>
        <dd>{session.merchantId}</dd>
        <dt>Scopes</dt>
        <dd>{[...session.scopes].sort().join(', ')}</dd>
        <dt>Session ends</dt>
        <dd>{session.expiresAt.toLocaleString()}</dd>
      </dl>
      {can(session, 'settings:read') && (
        <p>
          The address RamPay e-mails your notices to (a webhook endpoint disabled) is on the{' '}
          <Link href="/webhooks">Webhooks</Link> page.
        </p>
      )}
      <p>
        API access for a merchant&apos;s back end is an app client of the user pool (see the deploying guide);
        the API reference is at <a href="/docs">/docs</a> locally.
      </p>
    </section>
  );
}
