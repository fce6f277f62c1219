import type { Channel } from '../recipients';
import { NotifierError, type Notifier, type OutboundMessage, type SendReceipt } from '../ports';

/** One Notifier in front of one adapter per channel (SES for e-mail, SNS for SMS on AWS). */
export class ChannelNotifier implements Notifier {
  constructor(private readonly byChannel: Partial<Record<Channel, Notifier>>) {}

  send(message: OutboundMessage): Promise<SendReceipt> {
    const notifier = this.byChannel[message.channel];
    if (!notifier) {
      return Promise.reject(
        new NotifierError(`no notifier for ${message.channel}`, false, 'UnsupportedChannel'),
      );
    }
    return notifier.send(message);
  }
}
