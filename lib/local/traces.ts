/**
 * The local platform's trace recorder: the spans the handlers and consumers record through the tracing port
 * (functions/shared/tracing) are kept in memory, by trace, and shown as a timeline: every hop of a payment's
 * request, from the API to the last consumer, with when it started and how long it took.
 *   GET /local/traces                     the latest traces (JSON)
 *   GET /local/traces?payment=<id>        the trace of the request that created the payment (JSON)
 *   GET /local/traces?trace=<trace id>    one trace (JSON)
 *   GET /local/traces/timeline?payment=<id> (or ?trace=) the same as a page; without either, the list
 * Spans carry ids and names only (no customer data), so the pages need no token. Not deployed: on AWS, X-Ray
 * shows the same spans (docs/tracing.md).
 */
import type { Sql } from '../../functions/shared/db/client';
import {
  parseTraceparent,
  useSpanRecorder,
  type FinishedSpan,
  type SpanRecorder,
} from '../../functions/shared/tracing';
import type { LocalRoute } from './http-server';

/** The most traces and spans per trace kept; the oldest trace goes first. */
const MAX_TRACES = 2000;
const MAX_SPANS_PER_TRACE = 1000;

export interface TimelineSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: FinishedSpan['kind'];
  depth: number;
  /** Milliseconds from the start of the trace. */
  offsetMs: number;
  durationMs: number;
  attributes: FinishedSpan['attributes'];
  error: string | null;
}

export interface TraceTimeline {
  traceId: string;
  startedAt: string;
  durationMs: number;
  /** The payments its spans name. */
  paymentIds: string[];
  /** Depth first, each span's children by start time. */
  spans: TimelineSpan[];
}

export interface TraceSummary {
  traceId: string;
  root: string;
  startedAt: string;
  durationMs: number;
  spanCount: number;
  paymentIds: string[];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export class LocalTraceStore implements SpanRecorder {
  private readonly traces = new Map<string, FinishedSpan[]>();

  ambientContext(): undefined {
    return undefined;
  }

  record(span: FinishedSpan): void {
    let spans = this.traces.get(span.traceId);
    if (!spans) {
      spans = [];
      this.traces.set(span.traceId, spans);
      if (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value!);
    }
    if (spans.length < MAX_SPANS_PER_TRACE) spans.push(span);
  }

  timeline(traceId: string): TraceTimeline | undefined {
    const spans = this.traces.get(traceId);
    if (!spans || spans.length === 0) return undefined;
    const start = Math.min(...spans.map((s) => s.startTime));
    const end = Math.max(...spans.map((s) => s.endTime));
    const ids = new Set(spans.map((s) => s.spanId));
    const children = new Map<string | null, FinishedSpan[]>();
    for (const span of spans) {
      // A span whose parent was not recorded here (a Lambda facade, a lost span) shows as a root.
      const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
      children.set(parent, [...(children.get(parent) ?? []), span]);
    }
    const ordered: TimelineSpan[] = [];
    const visit = (parent: string | null, depth: number) => {
      for (const span of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
        ordered.push({
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? null,
          name: span.name,
          kind: span.kind,
          depth,
          offsetMs: round(span.startTime - start),
          durationMs: round(span.endTime - span.startTime),
          attributes: span.attributes,
          error: span.error ?? null,
        });
        visit(span.spanId, depth + 1);
      }
    };
    visit(null, 0);
    return {
      traceId,
      startedAt: new Date(start).toISOString(),
      durationMs: round(end - start),
      paymentIds: paymentIdsOf(spans),
      spans: ordered,
    };
  }

  recent(limit = 50): TraceSummary[] {
    return [...this.traces.keys()]
      .reverse()
      .slice(0, limit)
      .map((traceId) => {
        const timeline = this.timeline(traceId)!;
        return {
          traceId,
          root: timeline.spans[0]?.name ?? '',
          startedAt: timeline.startedAt,
          durationMs: timeline.durationMs,
          spanCount: timeline.spans.length,
          paymentIds: timeline.paymentIds,
        };
      });
  }
}

function paymentIdsOf(spans: readonly FinishedSpan[]): string[] {
  const ids = new Set<string>();
  for (const span of spans) {
    const id = span.attributes['payment.id'];
    if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACE_ID = /^[0-9a-f]{32}$/;

/** The trace of the request that created the payment: the traceparent of its first event in the outbox. */
async function traceOfPayment(sql: Sql, paymentId: string): Promise<string | undefined> {
  const [first] = await sql<{ traceparent: string | null }[]>`
    select envelope ->> 'traceparent' as traceparent from outbox
     where payment_id = ${paymentId} order by seq limit 1`;
  return parseTraceparent(first?.traceparent ?? undefined)?.traceId;
}

type Lookup = { timeline: TraceTimeline } | { status: number; detail: string } | { list: TraceSummary[] };

async function lookUp(store: LocalTraceStore, sql: Sql, url: URL | undefined): Promise<Lookup> {
  const payment = url?.searchParams.get('payment');
  const trace = url?.searchParams.get('trace');
  if (!payment && !trace) return { list: store.recent() };
  let traceId: string | undefined;
  if (payment) {
    if (!UUID.test(payment)) return { status: 400, detail: 'payment must be a payment id (a UUID)' };
    traceId = await traceOfPayment(sql, payment.toLowerCase());
    if (!traceId) return { status: 404, detail: `no traced event of payment ${payment}` };
  } else {
    if (!TRACE_ID.test(trace!)) return { status: 400, detail: 'trace must be 32 lowercase hex digits' };
    traceId = trace!;
  }
  const timeline = store.timeline(traceId);
  return timeline
    ? { timeline }
    : { status: 404, detail: `trace ${traceId} has no recorded span (this run of npm start did not see it)` };
}

export interface LocalTracing {
  store: LocalTraceStore;
  routes: LocalRoute[];
  stop(): void;
}

/** Records every span in process from now on, and serves the trace pages. */
export function startLocalTracing(options: { sql: Sql }): LocalTracing {
  const store = new LocalTraceStore();
  useSpanRecorder(store);
  return {
    store,
    routes: [
      {
        method: 'GET',
        path: '/local/traces',
        serve: async (request) => {
          const found = await lookUp(store, options.sql, request?.url);
          if ('list' in found) return { status: 200, body: { traces: found.list } };
          if ('timeline' in found) return { status: 200, body: found.timeline };
          return problem(found.status, found.detail);
        },
      },
      {
        method: 'GET',
        path: '/local/traces/timeline',
        serve: async (request) => {
          const found = await lookUp(store, options.sql, request?.url);
          const body =
            'list' in found
              ? listPage(found.list)
              : 'timeline' in found
                ? timelinePage(found.timeline)
                : page('Trace not found', `<p>${escape(found.detail)}</p>`);
          return {
            status: 'status' in found ? found.status : 200,
            body,
            contentType: 'text/html; charset=utf-8',
          };
        },
      },
    ],
    stop: () => useSpanRecorder(undefined),
  };
}

function problem(status: number, detail: string) {
  return {
    status,
    body: JSON.stringify({
      type: 'about:blank',
      title: status === 404 ? 'Not found' : 'Bad request',
      status,
      detail,
    }),
    contentType: 'application/problem+json',
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2330; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 2px 6px; text-align: left; white-space: nowrap; border-bottom: 1px solid #eef0f4; }
td.bar { width: 55%; position: relative; }
.bar span { position: absolute; top: 4px; height: 12px; min-width: 2px; border-radius: 2px; background: #3b6fd8; }
.bar span.consumer { background: #2f9e6b; } .bar span.client { background: #8c95a8; }
.bar span.producer { background: #d89a3b; } .bar span.error { background: #c8402f; }
td.ms { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 12px; }
</style></head><body>${content}</body></html>`;
}

function timelinePage(timeline: TraceTimeline): string {
  const total = Math.max(timeline.durationMs, 0.001);
  const rows = timeline.spans
    .map((span) => {
      const left = (span.offsetMs / total) * 100;
      const width = (span.durationMs / total) * 100;
      const css = span.error ? 'error' : span.kind;
      return `<tr data-span-id="${span.spanId}" data-kind="${span.kind}">
<td style="padding-left:${6 + span.depth * 16}px">${escape(span.name)}</td>
<td class="ms">+${span.offsetMs.toFixed(1)} ms</td><td class="ms">${span.durationMs.toFixed(1)} ms</td>
<td class="bar"><span class="${css}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></td></tr>`;
    })
    .join('\n');
  return page(
    `Trace ${timeline.traceId}`,
    `<h1>Trace <code>${timeline.traceId}</code></h1>
<p>Started ${escape(timeline.startedAt)}, ${timeline.durationMs.toFixed(1)} ms from the first span to the end of the
last; payments: ${timeline.paymentIds.map((id) => `<code>${escape(id)}</code>`).join(', ') || 'none'}.
<a href="/local/traces?trace=${timeline.traceId}">JSON</a> · <a href="/local/traces/timeline">all traces</a></p>
<table><thead><tr><th>span</th><th>starts</th><th>takes</th><th>timeline</th></tr></thead><tbody>
${rows}
</tbody></table>`,
  );
}

function listPage(traces: readonly TraceSummary[]): string {
  const rows = traces
    .map(
      (t) => `<tr><td><a href="/local/traces/timeline?trace=${t.traceId}"><code>${t.traceId}</code></a></td>
<td>${escape(t.root)}</td><td>${escape(t.startedAt)}</td><td class="ms">${t.durationMs.toFixed(1)} ms</td>
<td class="ms">${t.spanCount}</td><td>${t.paymentIds.map((id) => `<code>${escape(id)}</code>`).join(' ')}</td></tr>`,
    )
    .join('\n');
  return page(
    'Traces',
    `<h1>Latest traces</h1>
<table><thead><tr><th>trace</th><th>first span</th><th>started</th><th>takes</th><th>spans</th><th>payments</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}
