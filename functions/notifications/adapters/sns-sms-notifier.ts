import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NotifierError, type Notifier, type OutboundMessage, type SendReceipt } from '../ports';
import { classifyProviderError } from './provider-errors';

export interface SnsSmsNotifierOptions {
  /** Alphanumeric sender id where the destination country supports one. */
  senderId?: string;
}

/** Errors about this one message or number; see classifyProviderError. */
const PERMANENT = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'OptedOutException',
  'EndpointDisabledException',
  'ValidationException',
]);

/** SMS through SNS Publish to a phone number, as a transactional message (higher delivery priority). */
export class SnsSmsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly options: SnsSmsNotifierOptions = {},
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    if (message.channel !== 'sms') {
      throw new NotifierError(`SNS SMS sends SMS, not ${message.channel}`, false, 'UnsupportedChannel');
    }
    try {
      const result = await this.client.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: message.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(this.options.senderId
              ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.options.senderId } }
              : {}),
          },
        }),
      );
      if (!result.MessageId)
        throw new NotifierError('SNS answered without a MessageId', true, 'NoMessageId', 'sns');
      return { provider: 'sns', providerMessageId: result.MessageId };
    } catch (error) {
      throw classifyProviderError(error, PERMANENT, 'sns');
    }
  }
}
