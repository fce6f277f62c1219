import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { List, Payment } from '../api';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { PAYMENT_STATUSES } from '../generated/api-enums';
import { formatMoney, formatTime } from '../money';
import { Pager } from '../Pager';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 20;

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status.replace('_', ' ')}</span>;
}

export function Payments() {
  const { api } = useSigned();
  const [, navigate] = useLocation();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState('');
  const [search, setSearch] = useState('');
  const [searchProblem, setSearchProblem] = useState<string>();
  // The cursors of the pages before this one: Back pops one.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  const page = useLoad(
    () =>
      api.get<List<Payment>>('/payments', {
        limit: String(PAGE),
        status,
        customer,
        starting_after: after,
      }),
    [status, customer, after],
  );

  return (
    <section>
      <h1>Payments</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const value = search.trim();
          if (UUID.test(value)) return navigate(`/payments/${value.toLowerCase()}`);
          if (/^[\w.:-]{1,255}$/.test(value)) {
            setSearchProblem(undefined);
            setCursors([]);
            return setCustomer(value);
          }
          setSearchProblem('Search by a payment id or a customer id (letters, digits, _ . : -).');
        }}
      >
        <input
          aria-label="Payment id or customer id"
          placeholder="Payment id or customer id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit">Search</button>
        <select
          aria-label="Status"
          value={status}
          onChange={(e) => {
            setCursors([]);
            setStatus(e.target.value);
          }}
        >
          <option value="">Every status</option>
          {PAYMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        {customer && (
          <button
            type="button"
            onClick={() => {
              setCustomer('');
              setSearch('');
              setCursors([]);
            }}
          >
            Customer {customer} ✕
          </button>
        )}
      </form>
      {searchProblem && <p className="error">{searchProblem}</p>}
      {page.error && <p className="error">{page.error}</p>}
      <table className="payments">
        <thead>
          <tr>
            <th>Amount</th>
            <th>Status</th>
            <th>Customer</th>
            <th className="wide">Created</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.data.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <td className="amount">
                <Link href={`/payments/${p.id}`}>{formatMoney(p.amount, p.currency)}</Link>
              </td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td className="customer">{p.customer.id}</td>
              <td className="wide">{formatTime(p.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && page.data.data.length === 0 && <p>No payments match.</p>}
      <Pager
        cursors={cursors}
        setCursors={setCursors}
        hasMore={Boolean(page.data?.hasMore)}
        lastCursor={page.data?.data.at(-1)?.id}
      />
    </section>
  );
}
