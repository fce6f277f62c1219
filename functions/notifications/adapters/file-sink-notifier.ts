import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Notifier, OutboundMessage, SendReceipt } from '../ports';

/** One message as the local mail sink keeps it: a JSON file per message. */
export interface SinkMessage {
  id: string;
  channel: 'email' | 'sms';
  eventId: string;
  template: string;
  from?: string;
  to: string;
  subject?: string;
  text: string;
  html?: string;
  sentAt: string;
}

/**
 * The local platform's stand-in for SES and SNS SMS: every message becomes a file `<time>-<channel>-<id>.json`
 * in `dir` (written to a temporary name, then renamed, so a reader never sees half a message).
 */
export class FileSinkNotifier implements Notifier {
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly dir: string,
    private readonly fromAddress = 'no-reply@rampay.local',
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    const sentAt = new Date().toISOString();
    const id = `sink-${randomUUID()}`;
    const stored: SinkMessage =
      message.channel === 'email'
        ? {
            id,
            channel: 'email',
            eventId: message.eventId,
            template: message.template,
            from: this.fromAddress,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            sentAt,
          }
        : {
            id,
            channel: 'sms',
            eventId: message.eventId,
            template: message.template,
            to: message.to,
            text: message.text,
            sentAt,
          };
    const name = `${sentAt.replace(/[-:.]/g, '')}-${message.channel}-${id}.json`;
    const file = path.join(this.dir, name);
    await writeFile(`${file}.tmp`, JSON.stringify(stored, null, 2));
    await rename(`${file}.tmp`, file);
    return { provider: 'sink', providerMessageId: id };
  }
}
