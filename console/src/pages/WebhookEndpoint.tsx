import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { List, WebhookDelivery, WebhookEndpoint as Endpoint } from '../api';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { formatTime } from '../money';
import { can } from '../session';
import { EndpointStatus, eventsText, problemText, SecretOnce } from './Webhooks';
import { Pager } from '../Pager';

const PAGE = 20;
const DELIVERY_LABELS: Record<WebhookDelivery['status'], string> = {
  pending: 'pending',
  succeeded: 'delivered',
  failed: 'failed',
};

function lastAnswer(delivery: WebhookDelivery): string {
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`;
  return delivery.lastError ?? '-';
}

function Deliveries({ endpointId, writable }: { endpointId: string; writable: boolean }) {
  const { api } = useSigned();
  const [cursors, setCursors] = useState<string[]>([]);
  const [problem, setProblem] = useState<string>();
  const after = cursors.at(-1);
  const page = useLoad(
    () =>
      api.get<List<WebhookDelivery>>(`/webhook-endpoints/${endpointId}/deliveries`, {
        limit: String(PAGE),
        starting_after: after,
      }),
    [endpointId, after],
  );
  return (
    <>
      <h2>Deliveries</h2>
      {page.error && <p className="error">{page.error}</p>}
      {problem && <p className="error">{problem}</p>}
      <div className="scroll">
        <table className="deliveries">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th className="wide">Response time</th>
              <th className="wide">Last attempt</th>
              <th className="wide">Next attempt</th>
              {writable && <th />}
            </tr>
          </thead>
          <tbody>
            {page.data?.data.map((d) => (
              <tr key={d.id} data-delivery-id={d.id} data-event-id={d.eventId}>
                <td className="event-type">{d.eventType}</td>
                <td>
                  <span className={`status delivery-${d.status}`}>{DELIVERY_LABELS[d.status]}</span>
                </td>
                <td className="attempts">{d.attempts}</td>
                <td className="last-answer">{lastAnswer(d)}</td>
                <td className="wide">{d.lastResponseMs === null ? '-' : `${d.lastResponseMs} ms`}</td>
                <td className="wide">{d.lastAttemptAt ? formatTime(d.lastAttemptAt) : '-'}</td>
                <td className="wide">{d.nextAttemptAt ? formatTime(d.nextAttemptAt) : '-'}</td>
                {writable && (
                  <td>
                    <button
                      type="button"
                      className="redeliver"
                      onClick={async () => {
                        setProblem(undefined);
                        try {
                          await api.post(`/webhook-endpoints/${endpointId}/deliveries/${d.id}/redeliver`, {});
                          page.reload();
                        } catch (error) {
                          setProblem(problemText(error));
                        }
                      }}
                    >
                      Redeliver
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data && page.data.data.length === 0 && <p>Nothing delivered yet.</p>}
      <Pager
        cursors={cursors}
        setCursors={setCursors}
        hasMore={Boolean(page.data?.hasMore)}
        lastCursor={page.data?.data.at(-1)?.id}
        onRefresh={page.reload}
      />
    </>
  );
}

/** One endpoint: its facts, enable or disable, a new secret, delete; and its delivery log with redeliver. */
export function WebhookEndpointPage({ id }: { id: string }) {
  const { api, session } = useSigned();
  const [, navigate] = useLocation();
  const writable = can(session, 'webhooks:write');
  const loaded = useLoad(() => api.get<Endpoint>(`/webhook-endpoints/${id}`), [id]);
  const [secret, setSecret] = useState<string>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  if (loaded.error) return <p className="error">{loaded.error}</p>;
  if (!loaded.data) return <p className="loading">Loading…</p>;
  const endpoint = loaded.data;
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="endpoint" data-endpoint-id={endpoint.id} data-status={endpoint.status}>
      <p>
        <Link href="/webhooks">← Webhooks</Link>
      </p>
      <h1 className="url">{endpoint.url}</h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <EndpointStatus endpoint={endpoint} />
          {endpoint.disabledAt && ` since ${formatTime(endpoint.disabledAt)}`}
          {endpoint.disabledReason === 'failing' && (
            <div className="meta">
              Every delivery failed for 3 days. Fix the endpoint, enable it, then redeliver what it missed.
            </div>
          )}
        </dd>
        <dt>Events</dt>
        <dd>{eventsText(endpoint)}</dd>
        {endpoint.description && (
          <>
            <dt>Description</dt>
            <dd>{endpoint.description}</dd>
          </>
        )}
        <dt>Endpoint</dt>
        <dd className="mono">{endpoint.id}</dd>
        {endpoint.previousSecretExpiresAt && (
          <>
            <dt>Previous secret</dt>
            <dd>signs too until {formatTime(endpoint.previousSecretExpiresAt)}</dd>
          </>
        )}
        <dt>Added</dt>
        <dd>{formatTime(endpoint.createdAt)}</dd>
      </dl>
      {writable && (
        <div className="actions">
          <button
            type="button"
            className={endpoint.status === 'enabled' ? 'disable' : 'enable'}
            disabled={busy}
            onClick={() =>
              act(async () => {
                await api.post(
                  `/webhook-endpoints/${id}/${endpoint.status === 'enabled' ? 'disable' : 'enable'}`,
                  {},
                );
                loaded.reload();
              })
            }
          >
            {endpoint.status === 'enabled' ? 'Disable' : 'Enable'}
          </button>
          <button
            type="button"
            className="rotate"
            disabled={busy}
            onClick={() =>
              act(async () => {
                const rotated = await api.post<Endpoint>(`/webhook-endpoints/${id}/rotate-secret`, {});
                setSecret(rotated.secret);
                loaded.reload();
              })
            }
          >
            Rotate secret
          </button>
          {confirmDelete ? (
            <button
              type="button"
              className="delete danger"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  await api.delete(`/webhook-endpoints/${id}`);
                  navigate('/webhooks');
                })
              }
            >
              Delete it and its delivery log
            </button>
          ) : (
            <button type="button" className="delete" disabled={busy} onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )}
        </div>
      )}
      {problem && <p className="error">{problem}</p>}
      {secret && (
        <>
          <p className="hint">The previous secret keeps signing for 24 hours beside this one.</p>
          <SecretOnce secret={secret} />
        </>
      )}
      <Deliveries endpointId={id} writable={writable} />
    </section>
  );
}
