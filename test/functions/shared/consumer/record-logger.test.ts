import { Logger } from '@aws-lambda-powertools/logger';
import { recordLogger } from '../../../../functions/shared/consumer/record-logger';
import { captureLogLines } from '../../../support/log-lines';

describe('recordLogger', () => {
  let lines: Record<string, unknown>[];
  let restore: () => void;

  beforeEach(() => {
    ({ lines, restore } = captureLogLines());
  });
  afterEach(() => restore());

  it("adds the record's keys to every line, beside the line's own attributes, at every level", () => {
    const parent = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    const log = recordLogger(parent, { eventId: 'evt-1', messageId: 'msg-1' });
    log.debug('d', { step: 1 });
    log.info('i');
    log.warn('w', { step: 3 });
    log.error('e', { step: 4 });
    expect(lines.map((l) => [l.level, l.message, l.eventId, l.messageId, l.step])).toEqual([
      ['DEBUG', 'd', 'evt-1', 'msg-1', 1],
      ['INFO', 'i', 'evt-1', 'msg-1', undefined],
      ['WARN', 'w', 'evt-1', 'msg-1', 3],
      ['ERROR', 'e', 'evt-1', 'msg-1', 4],
    ]);
  });

  it('logs an Error under `error`, as Powertools does, and leaves the parent without the keys', () => {
    const parent = new Logger({ serviceName: 'test', logLevel: 'INFO' });
    recordLogger(parent, { eventId: 'evt-2' }).error('failed', new Error('boom'));
    parent.info('after');
    expect(lines[0]).toMatchObject({ message: 'failed', eventId: 'evt-2', error: { message: 'boom' } });
    expect(lines[1]).toMatchObject({ message: 'after' });
    expect(lines[1]).not.toHaveProperty('eventId');
  });

  it("follows the parent's level", () => {
    const parent = new Logger({ serviceName: 'test', logLevel: 'WARN' });
    const log = recordLogger(parent, { eventId: 'evt-3' });
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => l.message)).toEqual(['shown']);
  });
});
