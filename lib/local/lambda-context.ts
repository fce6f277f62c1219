import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/**
 * A Lambda context for handlers the local platform invokes itself (the idempotency layer reads the remaining time).
 */
export function lambdaContext(
  functionName: string,
  options: { timeoutMs?: number; region?: string; memoryMb?: number } = {},
): Context {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region ?? 'local'}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
