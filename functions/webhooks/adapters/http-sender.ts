import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { OutboundRequest, OutboundResponse, WebhookSender } from '../ports';

/** How much of a response body is kept (the delivery log shows it, truncated). */
export const RESPONSE_BODY_LIMIT = 1024;

/**
 * POSTs with Node's http(s) client, connecting to the address that was checked (its `lookup` answers only that
 * one; TLS still verifies the certificate against the URL's host name). No redirect is followed: a 3xx is a
 * failed attempt. The timeout covers connecting, the status line and the part of the body that is kept.
 */
export class HttpSender implements WebhookSender {
  send(request: OutboundRequest): Promise<OutboundResponse> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all)
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: request.address, family: request.family },
        ]);
      else callback(null, request.address, request.family);
    };
    const client = request.url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (response: Omit<OutboundResponse, 'ms'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...response, ms: elapsed() });
      };
      const req = client.request(request.url, {
        method: 'POST',
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': 'RamPay-Webhooks/1.0',
        },
        lookup: pinned,
        agent: false,
      });
      const timer = setTimeout(() => {
        finish({ error: `no answer within ${request.timeoutMs} ms` });
        req.destroy();
      }, request.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          finish({
            statusCode: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_BODY_LIMIT),
          });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          kept += chunk.length;
          if (kept >= RESPONSE_BODY_LIMIT) done();
        });
        res.on('end', done);
        res.on('error', done);
      });
      req.end(request.body);
    });
  }
}
