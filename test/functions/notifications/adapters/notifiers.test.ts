import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ChannelNotifier } from '../../../../functions/notifications/adapters/channel-notifier';
import { SesNotifier } from '../../../../functions/notifications/adapters/ses-notifier';
import { SnsSmsNotifier } from '../../../../functions/notifications/adapters/sns-sms-notifier';
import { NotifierError, type EmailMessage, type SmsMessage } from '../../../../functions/notifications/ports';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
beforeEach(() => {
  ses.reset();
  sns.reset();
});

const email: EmailMessage = {
  channel: 'email',
  eventId: '01a20eeb-4d1d-7463-bee8-92caa8b67bf4',
  template: 'payment-approved',
  to: 'ada@example.com',
  subject: 'Your payment of €12.50 is approved',
  text: 'text body',
  html: '<p>html body</p>',
};
const sms: SmsMessage = {
  channel: 'sms',
  eventId: email.eventId,
  template: 'payment-approved',
  to: '+447700900123',
  text: 'RamPay: approved',
};

function sdkError(name: string, fault: 'client' | 'server', message = `${name} happened`) {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: {} });
}

async function failure(promise: Promise<unknown>): Promise<NotifierError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(NotifierError);
    return error as NotifierError;
  }
  throw new Error('expected the send to fail');
}

describe('SES adapter', () => {
  const notifier = () =>
    new SesNotifier(new SESv2Client({ region: 'eu-west-1' }), {
      fromAddress: 'no-reply@rampay.example',
      configurationSetName: 'rampay-test',
    });

  it('sends subject, text and HTML from the configured sender through the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-123' });
    await expect(notifier().send(email)).resolves.toEqual({ provider: 'ses', providerMessageId: 'ses-123' });
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'no-reply@rampay.example',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'rampay-test',
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'text body', Charset: 'UTF-8' },
            Html: { Data: '<p>html body</p>', Charset: 'UTF-8' },
          },
        },
      },
      EmailTags: [
        { Name: 'event_id', Value: email.eventId },
        { Name: 'template', Value: 'payment-approved' },
      ],
    });
  });

  it('throttling is retryable', async () => {
    ses.on(SendEmailCommand).rejects(sdkError('TooManyRequestsException', 'client'));
    const error = await failure(notifier().send(email));
    expect(error).toMatchObject({ retryable: true, code: 'TooManyRequestsException', provider: 'ses' });
  });

  it('a rejected message is permanent, and the error text is masked', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(sdkError('MessageRejected', 'client', 'Email address is not verified: ada@example.com'));
    const error = await failure(notifier().send(email));
    expect(error).toMatchObject({ retryable: false, code: 'MessageRejected' });
    expect(error.message).toBe('MessageRejected: Email address is not verified: a***@example.com');
  });

  it('service faults and account-level problems are retryable (they wait in the queue, then the DLQ)', async () => {
    for (const [name, fault] of [
      ['InternalServiceErrorException', 'server'],
      ['SendingPausedException', 'client'],
      ['MailFromDomainNotVerifiedException', 'client'],
    ] as const) {
      ses.on(SendEmailCommand).rejects(sdkError(name, fault));
      expect((await failure(notifier().send(email))).retryable).toBe(true);
    }
  });

  it('refuses SMS', async () => {
    expect((await failure(notifier().send(sms))).retryable).toBe(false);
    expect(ses).not.toHaveReceivedAnyCommand();
  });
});

describe('SNS SMS adapter', () => {
  const notifier = () => new SnsSmsNotifier(new SNSClient({ region: 'eu-west-1' }), { senderId: 'RamPay' });

  it('publishes a transactional SMS to the phone number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-9' });
    await expect(notifier().send(sms)).resolves.toEqual({ provider: 'sns', providerMessageId: 'sns-9' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+447700900123',
      Message: 'RamPay: approved',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'RamPay' },
      },
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBeUndefined();
  });

  it('throttling is retryable; an invalid or opted-out number is permanent', async () => {
    sns.on(PublishCommand).rejects(sdkError('ThrottledException', 'client'));
    expect(await failure(notifier().send(sms))).toMatchObject({
      retryable: true,
      code: 'ThrottledException',
    });
    sns
      .on(PublishCommand)
      .rejects(
        sdkError('InvalidParameterException', 'client', 'Invalid parameter: PhoneNumber +447700900123'),
      );
    const invalid = await failure(notifier().send(sms));
    expect(invalid).toMatchObject({ retryable: false, code: 'InvalidParameterException' });
    expect(invalid.message).not.toContain('+447700900123');
    sns.on(PublishCommand).rejects(sdkError('OptedOutException', 'client'));
    expect((await failure(notifier().send(sms))).retryable).toBe(false);
  });
});

describe('one Notifier for both channels', () => {
  it('routes e-mail to SES and SMS to SNS', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const notifier = new ChannelNotifier({
      email: new SesNotifier(new SESv2Client({ region: 'eu-west-1' }), {
        fromAddress: 'no-reply@rampay.example',
      }),
      sms: new SnsSmsNotifier(new SNSClient({ region: 'eu-west-1' })),
    });
    expect((await notifier.send(email)).provider).toBe('ses');
    expect((await notifier.send(sms)).provider).toBe('sns');
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});
