import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { NotifierError, type Notifier, type OutboundMessage, type SendReceipt } from '../ports';
import { classifyProviderError } from './provider-errors';

export interface SesNotifierOptions {
  /** The From address (within the SES identity the function may send from). */
  fromAddress: string;
  /** SES configuration set: event publishing (bounces, complaints), reputation, suppression settings. */
  configurationSetName?: string;
}

/** Errors about this one message; see classifyProviderError. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/** E-mail through SES v2 SendEmail (simple content: subject, text and HTML bodies). */
export class SesNotifier implements Notifier {
  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesNotifierOptions,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    if (message.channel !== 'email') {
      throw new NotifierError(`SES sends e-mail, not ${message.channel}`, false, 'UnsupportedChannel');
    }
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.options.fromAddress,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                Html: { Data: message.html, Charset: 'UTF-8' },
              },
            },
          },
          ...(this.options.configurationSetName
            ? { ConfigurationSetName: this.options.configurationSetName }
            : {}),
          // Tags travel with SES events (delivery, bounce, complaint) to the configuration set's destinations.
          EmailTags: [
            { Name: 'event_id', Value: message.eventId.replace(/[^\w-]/g, '_') },
            { Name: 'template', Value: message.template },
          ],
        }),
      );
      if (!result.MessageId)
        throw new NotifierError('SES answered without a MessageId', true, 'NoMessageId', 'ses');
      return { provider: 'ses', providerMessageId: result.MessageId };
    } catch (error) {
      throw classifyProviderError(error, PERMANENT, 'ses');
    }
  }
}
