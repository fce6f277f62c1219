/** `npm start`: the whole platform on this machine. */
import { SCOPES } from '../functions/shared/http/auth';
import { startPlatform } from '../lib/local/platform';

// Lambda runs nodejs22.x; on a developer's Node 20 the SDK's upgrade notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const platform = await startPlatform({
    port,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  });
  const token = await platform.issuer.issue({
    merchantId: 'merchant_dev',
    scopes: [...SCOPES],
    ttl: 12 * 3600,
  });
  console.log(`RamPay listening on ${platform.url}`);
  console.log(`\nDev token (merchant_dev, all scopes, 12 h):\n${token}\n`);
  console.log('Try:');
  console.log(
    `curl -s -X POST ${platform.url}/payments -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $(uuidgen)" ` +
      `-H 'content-type: application/json' -d '{"amount":1250,"currency":"EUR","customer":{"id":"cus_1",` +
      `"email":"ada@example.com"},"paymentMethod":{"type":"card","fingerprint":"fp_4242abcd","last4":"4242"},` +
      `"terminalId":"web-shop"}'`,
  );
  console.log(
    `Rate limits and hot reads: ${process.env.REDIS_URL ? 'REDIS_URL' : 'in process (set REDIS_URL for a Valkey/Redis server)'}`,
  );
  console.log(`\nConsumers polling the local queues: ${platform.consumers.join(', ') || 'none yet'}`);
  console.log(`Dashboard (keeps the dev token in the tab): ${platform.url}/#token=${token}`);
  console.log(
    `OpenAPI: ${platform.url}/openapi.json   Queues: ${platform.url}/local/queues   ` +
      `Sent mail and SMS (with the token): ${platform.url}/local/notifications   Ctrl-C stops.`,
  );
  console.log(`Traces (a payment's as a timeline: ?payment=<id>): ${platform.url}/local/traces/timeline`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping RamPay...`);
    await platform.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('RamPay failed to start:', error);
  process.exit(1);
});
