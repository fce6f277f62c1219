/* The local dashboard: polls /local/analytics and draws it with Chart.js (a global from /dashboard/chart.js). */
'use strict';

const REFRESH_MS = 5000;
const COLORS = {
  payments_created: '#2563eb',
  payments_approved: '#16a34a',
  payments_failed: '#dc2626',
  anomalies: '#d97706',
};
const LABELS = {
  payments_created: 'created',
  payments_approved: 'approved',
  payments_failed: 'failed',
  anomalies: 'anomalies',
};

const percent = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const ms = (x) =>
  x === null || x === undefined ? '–' : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const text = (id, value) => (document.getElementById(id).textContent = String(value));

let minutesChart;
let hoursChart;

function lineChart(canvas, labels, datasets, options = {}) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      ...options,
    },
  });
}

function render(data) {
  const s = data.summary;
  text('merchant', data.merchant);
  text('updated', new Date(data.generatedAt).toLocaleTimeString());
  text('created', s.counts.created);
  text('approval', percent(s.rates.approval));
  text('fraud', percent(s.rates.fraud));
  text('holds', `${s.counts.held} / ${s.counts.declined}`);
  text('refund', percent(s.rates.refund));
  text(
    'latency',
    `${ms(s.decisionLatencyMs.p50)} / ${ms(s.decisionLatencyMs.p95)} / ${ms(s.decisionLatencyMs.p99)}`,
  );
  text('review-queue', data.reviewQueue);

  const rows = s.volume.byCurrency.map(
    (c) =>
      `<tr><td>${c.currency}</td><td>${c.count}</td><td>${c.amount}</td><td>${c.approvedAmount}</td><td>${c.refundedAmount}</td></tr>`,
  );
  document.getElementById('currencies').innerHTML =
    rows.join('') || '<tr><td colspan="5">No payments yet</td></tr>';

  const perMinute = data.lastHourByMinute;
  const minuteLabels = perMinute.payments_created.map((p) => time(p.t));
  const minuteSets = Object.keys(perMinute).map((metric) => ({
    label: LABELS[metric] ?? metric,
    data: perMinute[metric].map((p) => p.value),
    borderColor: COLORS[metric],
    backgroundColor: COLORS[metric],
    pointRadius: 0,
    tension: 0.2,
  }));
  if (!minutesChart) minutesChart = lineChart(document.getElementById('minutes'), minuteLabels, minuteSets);
  else {
    minutesChart.data.labels = minuteLabels;
    minutesChart.data.datasets = minuteSets;
    minutesChart.update();
  }

  const perHour = data.lastDayByHour;
  const hourLabels = perHour.payments_created.map((p) => time(p.t));
  const hourSets = [
    {
      label: 'created',
      data: perHour.payments_created.map((p) => p.value),
      borderColor: COLORS.payments_created,
      backgroundColor: COLORS.payments_created,
      yAxisID: 'y',
    },
    {
      label: 'decision latency p99 (ms)',
      data: perHour.decision_latency_p99.map((p) => p.value),
      borderColor: '#7c3aed',
      backgroundColor: '#7c3aed',
      yAxisID: 'ms',
    },
  ];
  if (!hoursChart) {
    hoursChart = lineChart(document.getElementById('hours'), hourLabels, hourSets, {
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        ms: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    });
  } else {
    hoursChart.data.labels = hourLabels;
    hoursChart.data.datasets = hourSets;
    hoursChart.update();
  }
}

// The token comes in the address's fragment (npm start prints the link); the tab keeps it, the address drops it.
function devToken() {
  const given = new URLSearchParams(location.hash.slice(1)).get('token');
  if (given) {
    sessionStorage.setItem('rampay-token', given);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem('rampay-token');
}

async function refresh() {
  const error = document.getElementById('error');
  try {
    const token = devToken();
    if (!token) throw new Error('no token: open the dashboard link npm start prints (it ends in #token=...)');
    const res = await fetch('/local/analytics', {
      cache: 'no-store',
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET /local/analytics answered ${res.status}`);
    render(await res.json());
    error.hidden = true;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    error.textContent = `Could not load the analytics: ${e.message}`;
    error.hidden = false;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
