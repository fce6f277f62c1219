import { useState } from 'react';
import { BarChart, type Point } from '../Chart';
import { useSigned } from '../context';
import { useLoad } from '../load';
import { formatMoney } from '../money';

interface Summary {
  volume: {
    count: number;
    byCurrency: {
      currency: string;
      count: number;
      amount: number;
      approvedAmount: number;
      refundedAmount: number;
      refundRate: number | null;
    }[];
  };
  counts: Record<string, number>;
  rates: { approval: number | null; decline: number | null; fraud: number | null; refund: number | null };
  decisionLatencyMs: { count: number; p50: number | null; p95: number | null; p99: number | null };
}

const INTERVALS = {
  '1m': { label: 'per minute, last hour', span: 3_600_000 },
  '1h': { label: 'per hour, last day', span: 24 * 3_600_000 },
  '1d': { label: 'per day, last 30 days', span: 30 * 24 * 3_600_000 },
} as const;
type Interval = keyof typeof INTERVALS;

const COUNT_CHARTS: [string, string][] = [
  ['payments_created', 'Payments created'],
  ['payments_approved', 'Approved'],
  ['payments_held', 'Held'],
  ['payments_failed', 'Failed or declined'],
  ['anomalies', 'Flagged by the fraud model'],
  ['refunds', 'Refunds'],
  ['decision_latency_p95', 'Decision latency p95 (ms)'],
];

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const ms = (value: number | null) => (value === null ? '–' : `${Math.round(value)} ms`);

export function Analytics() {
  const { api } = useSigned();
  const [interval, setPeriod] = useState<Interval>('1h');
  const [currency, setCurrency] = useState<string>();
  const range = () => {
    const to = new Date();
    return { from: new Date(to.getTime() - INTERVALS[interval].span).toISOString(), to: to.toISOString() };
  };
  const loaded = useLoad(async () => {
    const { from, to } = range();
    const summary = await api.get<Summary>('/analytics/summary', { from, to });
    const chosen = currency ?? summary.volume.byCurrency[0]?.currency;
    const series = await Promise.all([
      ...COUNT_CHARTS.map(([metric]) =>
        api.get<{ points: Point[] }>('/analytics/timeseries', { metric, interval, from, to }),
      ),
      ...(chosen
        ? [
            api.get<{ points: Point[] }>('/analytics/timeseries', {
              metric: 'volume_amount',
              interval,
              from,
              to,
              currency: chosen,
            }),
          ]
        : []),
    ]);
    return { summary, series: series.map((s) => s.points), chosen };
  }, [interval, currency]);

  const data = loaded.data;
  const s = data?.summary;
  return (
    <section>
      <h1>Analytics</h1>
      <div className="filters">
        <select
          aria-label="Interval"
          value={interval}
          onChange={(e) => setPeriod(e.target.value as Interval)}
        >
          {Object.entries(INTERVALS).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {loaded.error && <p className="error">{loaded.error}</p>}
      {s && (
        <>
          <div className="cards">
            <div className="card">
              <span>Payments</span>
              <b data-testid="created">{s.counts.created}</b>
            </div>
            <div className="card">
              <span>Approval rate</span>
              <b>{percent(s.rates.approval)}</b>
            </div>
            <div className="card" title="Flagged by the fraud model: not confirmed fraud">
              <span>Flagged rate</span>
              <b>{percent(s.rates.fraud)}</b>
            </div>
            <div className="card">
              <span>Held / declined</span>
              <b>
                {s.counts.held} / {s.counts.declined}
              </b>
            </div>
            <div className="card">
              <span>Refunds</span>
              <b>
                {s.counts.refunds} ({percent(s.rates.refund)})
              </b>
            </div>
            <div className="card">
              <span>Decision latency p50 / p95</span>
              <b>
                {ms(s.decisionLatencyMs.p50)} / {ms(s.decisionLatencyMs.p95)}
              </b>
            </div>
          </div>
          <h2>Volume by currency</h2>
          <table className="currencies">
            <thead>
              <tr>
                <th>Currency</th>
                <th>Payments</th>
                <th>Volume</th>
                <th>Approved</th>
                <th>Refunded</th>
              </tr>
            </thead>
            <tbody>
              {s.volume.byCurrency.map((c) => (
                <tr key={c.currency}>
                  <td>{c.currency}</td>
                  <td>{c.count}</td>
                  <td>{formatMoney(c.amount, c.currency)}</td>
                  <td>{formatMoney(c.approvedAmount, c.currency)}</td>
                  <td>{formatMoney(c.refundedAmount, c.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="charts">
            {COUNT_CHARTS.map(([metric, label], i) => (
              <BarChart key={metric} label={label} points={data.series[i] ?? []} />
            ))}
            {data.chosen && (
              <div>
                <select
                  aria-label="Currency"
                  value={data.chosen}
                  onChange={(e) => setCurrency(e.target.value)}
                >
                  {s.volume.byCurrency.map((c) => (
                    <option key={c.currency}>{c.currency}</option>
                  ))}
                </select>
                <BarChart
                  label={`Volume (${data.chosen})`}
                  points={data.series[COUNT_CHARTS.length] ?? []}
                  format={(v) => formatMoney(v, data.chosen!)}
                />
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}
