/**
 * A local stand-in for Lambda's SQS event source mapping: long-polls a queue, hands real SQSEvent batches to
 * the consumer's handler, deletes the records it did not report failed, and leaves the failed ones alone so
 * they come back after the visibility timeout and, past maxReceiveCount, move to the DLQ.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { lambdaContext } from './lambda-context';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

export type LocalSqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  handler: LocalSqsHandler;
  /** Name shown in the fake Lambda context and in log lines. */
  functionName: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Long-poll wait per ReceiveMessage call (Lambda uses 20 s; shorter keeps local stops quick). */
  waitTimeSeconds: number;
  /** Parallel poll loops, like the mapping's concurrency (default 1). */
  concurrency?: number;
  /** Called on unexpected errors (receive or delete failures). */
  onError?: (error: unknown) => void;
}

export interface PollerStats {
  batches: number;
  succeeded: number;
  failed: number;
}

export class SqsPoller {
  readonly stats: PollerStats = { batches: 0, succeeded: 0, failed: 0 };
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SqsPollerOptions) {}

  start(): this {
    const n = Math.max(1, this.options.concurrency ?? 1);
    this.loops = Array.from({ length: n }, () => this.loop());
    return this;
  }

  /** Stops receiving, waits for the batches in hand to finish (their deletes included). */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const messages = await this.receiveBatch();
        if (messages.length > 0) await this.invoke(messages);
      } catch (error) {
        if (this.stopped) break;
        this.options.onError?.(error);
        await sleep(500, this.abort.signal);
      }
    }
  }

  /** Up to batchSize messages: one long poll, then more within the batching window if the batch is not full. */
  private async receiveBatch(): Promise<Message[]> {
    const { batchSize, maxBatchingWindowSeconds, waitTimeSeconds } = this.options;
    const batch: Message[] = [];
    const deadline = Date.now() + maxBatchingWindowSeconds * 1000;
    let wait = waitTimeSeconds;
    while (batch.length < batchSize && !this.stopped) {
      const received = await this.receive(Math.min(10, batchSize - batch.length), wait);
      batch.push(...received);
      const left = deadline - Date.now();
      if (batch.length === 0 || left <= 0 || (received.length === 0 && left < 1000)) break;
      wait = Math.max(0, Math.floor(left / 1000));
    }
    return batch;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    try {
      const response = await this.options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.abort.signal },
      );
      return response.Messages ?? [];
    } catch (error) {
      if (this.stopped) return [];
      throw error;
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
    const ids = new Set(event.Records.map((r) => r.messageId));
    let failed: Set<string>;
    try {
      const response = await this.options.handler(event, this.context());
      const reported = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // Lambda treats an empty or unknown identifier as a failure of the whole batch.
      failed = reported.every((id) => id && ids.has(id)) ? new Set(reported) : ids;
    } catch (error) {
      this.options.onError?.(error);
      failed = ids;
    }
    this.stats.batches += 1;
    this.stats.failed += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    this.stats.succeeded += done.length;
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      // Deletes go out even while stopping: the batch was processed and must not come back.
      const response = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (response.Failed && response.Failed.length > 0) {
        this.options.onError?.(new Error(`delete failed for ${response.Failed.length} message(s)`));
      }
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? '000000000000',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }

  private context(): Context {
    const { functionName, region } = this.options;
    return lambdaContext(functionName, { timeoutMs: 15 * 60 * 1000, region, memoryMb: 1024 });
  }
}

/** The SDK's MessageAttributes (DataType, StringValue) in the shape Lambda's SQSEvent carries them. */
function toLambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return out;
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}
