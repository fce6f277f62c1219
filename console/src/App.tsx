import { useEffect, useMemo, useState } from 'react';
import { Link, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { apiClient } from './api';
import { loadConfig, type ConsoleConfig } from './config';
import { SignedContext } from './context';
import {
  beginHostedSignIn,
  can,
  finishHostedSignIn,
  isOperator,
  keepToken,
  signOut,
  storedSession,
  tokenFromFragment,
  type Session,
} from './session';
import { Analytics } from './pages/Analytics';
import { PaymentPage } from './pages/PaymentPage';
import { Payments } from './pages/Payments';
import { Reviews } from './pages/Reviews';
import { Account } from './pages/Account';
import { WebhookEndpointPage } from './pages/WebhookEndpoint';
import { Webhooks } from './pages/Webhooks';
import { SignIn } from './pages/SignIn';
import { useTokenRefresh } from './refresh';

export function App() {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    loadConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        const fragment = tokenFromFragment();
        const session =
          (fragment ? keepToken(fragment) : undefined) ??
          (await finishHostedSignIn(loaded)) ??
          storedSession();
        setSession(session);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const api = useMemo(
    () =>
      config && session
        ? apiClient(config.apiUrl, session.token, () => {
            signOut();
            setSession(undefined);
          })
        : undefined,
    [config, session],
  );
  useTokenRefresh(config, session, setSession);

  if (error) return <p className="error">The console could not start: {error}</p>;
  if (!config) return <p className="loading">Loading…</p>;
  if (!session || !api) {
    return (
      <SignIn
        config={config}
        onToken={(token) => setSession(keepToken(token))}
        onHostedSignIn={() => void beginHostedSignIn(config)}
      />
    );
  }
  const merchant = can(session, 'payments:read');
  const operator = isOperator(session);
  return (
    <SignedContext.Provider value={{ api, session }}>
      <Router hook={useHashLocation}>
        <header className="top">
          <strong className="brand">RamPay</strong>
          <nav>
            {merchant && <Link href="/payments">Payments</Link>}
            {can(session, 'reviews:read') && <Link href="/reviews">Reviews</Link>}
            {operator && <Link href="/operator/reviews">Operator queue</Link>}
            {can(session, 'analytics:read') && <Link href="/analytics">Analytics</Link>}
            {can(session, 'webhooks:read') && <Link href="/webhooks">Webhooks</Link>}
            <Link href="/account">Account</Link>
          </nav>
          <span className="who" data-testid="who">
            {operator ? `operator ${session.subject}` : session.merchantId}
          </span>
          <button
            type="button"
            onClick={() => {
              signOut();
              setSession(undefined);
            }}
          >
            Sign out
          </button>
        </header>
        <main data-ready="true">
          <Switch>
            <Route path="/payments/:id">{(params) => <PaymentPage id={params.id} />}</Route>
            <Route path="/payments" component={Payments} />
            <Route path="/reviews">
              <Reviews scope="merchant" />
            </Route>
            <Route path="/operator/reviews">
              {operator ? <Reviews scope="operator" /> : <p>The operator queue is for fraud operators.</p>}
            </Route>
            <Route path="/analytics" component={Analytics} />
            <Route path="/webhooks/:id">{(params) => <WebhookEndpointPage id={params.id} />}</Route>
            <Route path="/webhooks" component={Webhooks} />
            <Route path="/account" component={Account} />
            <Route>{merchant ? <Payments /> : operator ? <Reviews scope="operator" /> : <Account />}</Route>
          </Switch>
        </main>
      </Router>
    </SignedContext.Provider>
  );
}
