import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, type List, type MerchantSettings, type WebhookEndpoint } from '../api';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { formatTime } from '../money';
import { can } from '../session';
import { Pager } from '../Pager';
import { WEBHOOK_EVENT_TYPES } from '../generated/api-enums';

const PAGE = 20;

export const problemText = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  return (
    <span className={`status status-${endpoint.status}`}>
      {endpoint.status}
      {endpoint.disabledReason === 'failing' && ': failing'}
      {endpoint.disabledReason === 'merchant' && ' by you'}
    </span>
  );
}

export const eventsText = (endpoint: WebhookEndpoint) =>
  endpoint.events ? endpoint.events.join(', ') : 'every payment event';

/** A signing secret, shown in the one answer that carries it. */
export function SecretOnce({ secret }: { secret: string }) {
  return (
    <div className="secret ok">
      <p>Keep this signing secret in your secret store now: RamPay never shows it again.</p>
      <code className="mono" data-testid="secret">
        {secret}
      </code>
    </div>
  );
}

function CreateEndpoint({ onCreated }: { onCreated: () => void }) {
  const { api } = useSigned();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [created, setCreated] = useState<WebhookEndpoint>();
  return (
    <form
      className="panel create-endpoint"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setProblem(undefined);
        try {
          const endpoint = await api.post<WebhookEndpoint>('/webhook-endpoints', {
            url: url.trim(),
            ...(events.length > 0 ? { events } : {}),
            ...(description.trim() ? { description: description.trim() } : {}),
          });
          setCreated(endpoint);
          setUrl('');
          setDescription('');
          setEvents([]);
          onCreated();
        } catch (error) {
          setProblem(problemText(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>Add an endpoint</h2>
      <label className="grow">
        URL
        <input
          name="url"
          required
          placeholder="https://shop.example.com/rampay/webhooks"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label>
        Description
        <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset>
        <legend>Events (none ticked: every payment event)</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              value={type}
              checked={events.includes(type)}
              onChange={(e) =>
                setEvents((chosen) =>
                  e.target.checked ? [...chosen, type] : chosen.filter((t) => t !== type),
                )
              }
            />
            {type}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy}>
        Add endpoint
      </button>
      {problem && <p className="error">{problem}</p>}
      {created?.secret && (
        <>
          <p className="ok created" data-endpoint-id={created.id}>
            Added <Link href={`/webhooks/${created.id}`}>{created.url}</Link>.
          </p>
          <SecretOnce secret={created.secret} />
        </>
      )}
    </form>
  );
}

/** Where RamPay e-mails the merchant's notices, such as an endpoint disabled for failing. */
function NotificationEmail() {
  const { api, session } = useSigned();
  const writable = can(session, 'settings:write');
  const settings = useLoad(() => api.get<MerchantSettings>('/merchant/settings'), []);
  const [draft, setDraft] = useState<string>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const current = settings.data?.notificationEmail ?? '';
  const value = draft ?? current;
  return (
    <form
      className="panel notification-email"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const saved = await api.put<MerchantSettings>('/merchant/settings', {
            notificationEmail: value.trim() === '' ? null : value.trim(),
          });
          setDraft(undefined);
          setMessage({
            ok: true,
            text: saved.notificationEmail
              ? `Notices go to ${saved.notificationEmail}.`
              : 'No e-mail notices.',
          });
          settings.reload();
        } catch (error) {
          setMessage({ ok: false, text: problemText(error) });
        }
      }}
    >
      <h2>Notification e-mail</h2>
      <p className="hint">
        When an endpoint fails every delivery for 3 days RamPay disables it and e-mails this address (and
        lists a WebhookEndpointDisabled event in your feed).
      </p>
      {settings.error && <p className="error">{settings.error}</p>}
      <label>
        E-mail address
        <input
          name="notificationEmail"
          type="email"
          placeholder="nobody: leave empty"
          value={value}
          disabled={!writable || settings.loading}
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      {writable && <button type="submit">Save</button>}
      {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </form>
  );
}

/** The merchant's webhook endpoints, newest first, a page at a time; adding one; the notification e-mail. */
export function Webhooks() {
  const { api, session } = useSigned();
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  const page = useLoad(
    () =>
      api.get<List<WebhookEndpoint>>('/webhook-endpoints', { limit: String(PAGE), starting_after: after }),
    [after],
  );
  return (
    <section className="webhooks">
      <h1>Webhooks</h1>
      {page.error && <p className="error">{page.error}</p>}
      <table className="endpoints">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>Status</th>
            <th className="wide">Events</th>
            <th className="wide">Added</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.data.map((endpoint) => (
            <tr key={endpoint.id} data-endpoint-id={endpoint.id}>
              <td className="url">
                <Link href={`/webhooks/${endpoint.id}`}>{endpoint.url}</Link>
                {endpoint.description && <div className="meta">{endpoint.description}</div>}
              </td>
              <td>
                <EndpointStatus endpoint={endpoint} />
                {endpoint.disabledAt && <div className="meta">since {formatTime(endpoint.disabledAt)}</div>}
              </td>
              <td className="wide">{eventsText(endpoint)}</td>
              <td className="wide">{formatTime(endpoint.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && page.data.data.length === 0 && <p>No endpoints yet.</p>}
      <Pager
        cursors={cursors}
        setCursors={setCursors}
        hasMore={Boolean(page.data?.hasMore)}
        lastCursor={page.data?.data.at(-1)?.id}
      />
      {can(session, 'webhooks:write') && (
        <CreateEndpoint
          onCreated={() => {
            setCursors([]);
            page.reload();
          }}
        />
      )}
      {can(session, 'settings:read') && <NotificationEmail />}
    </section>
  );
}
