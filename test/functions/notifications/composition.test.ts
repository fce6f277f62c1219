import { ChannelNotifier } from '../../../functions/notifications/adapters/channel-notifier';
import { FileSinkNotifier } from '../../../functions/notifications/adapters/file-sink-notifier';
import { configFromEnvironment, notifierFromEnvironment } from '../../../functions/notifications/composition';

describe('notifications composition from the environment', () => {
  it('picks the mail sink on the local platform and SES + SNS SMS by default', () => {
    expect(notifierFromEnvironment({ NOTIFIER: 'sink', RAMPAY_MAIL_SINK_DIR: '/tmp/x' })).toBeInstanceOf(
      FileSinkNotifier,
    );
    expect(notifierFromEnvironment({ SES_FROM_ADDRESS: 'no-reply@rampay.example' })).toBeInstanceOf(
      ChannelNotifier,
    );
    expect(() => notifierFromEnvironment({ NOTIFIER: 'sink' })).toThrow(/RAMPAY_MAIL_SINK_DIR/);
    expect(() => notifierFromEnvironment({})).toThrow(/SES_FROM_ADDRESS/);
    expect(() => notifierFromEnvironment({ NOTIFIER: 'smtp' })).toThrow(/unknown NOTIFIER/);
  });

  it('reads the fraud-ops addresses, the sandbox list, the lease and the hash key', async () => {
    const config = await configFromEnvironment({
      RECIPIENT_HASH_KEY: 'k'.repeat(32),
      FRAUD_OPS_ADDRESS: 'ops@rampay.example',
      FRAUD_OPS_ADDRESS_BY_MERCHANT: '{"m1":"m1-ops@rampay.example"}',
      SES_SANDBOX_RECIPIENTS: ' Dev@Rampay.example, @example.com ,',
      NOTIFICATION_LEASE_SECONDS: '90',
    });
    expect(config).toEqual({
      leaseSeconds: 90,
      hashKey: 'k'.repeat(32),
      fraudOpsAddress: 'ops@rampay.example',
      fraudOpsAddressByMerchant: { m1: 'm1-ops@rampay.example' },
      sandboxRecipients: ['dev@rampay.example', '@example.com'],
    });
    await expect(configFromEnvironment({})).rejects.toThrow(/RECIPIENT_HASH_KEY/);
    await expect(
      configFromEnvironment({ RECIPIENT_HASH_KEY: 'k', NOTIFICATION_LEASE_SECONDS: '0' }),
    ).rejects.toThrow(/LEASE/);
  });
});
