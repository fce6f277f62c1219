import { parseArgs } from 'node:util';
import { isEventType, type EventType } from '../../../functions/domain/events';

export const USAGE = `Usage: npm run dlq -- <command> [options]

Commands:
  list                         every DLQ with its depth and the age of its oldest message
  peek <queue> [--max N]       show up to N messages (default 10) without consuming them, each with
                               its body (contacts masked) and why it failed (AWS: from the consumer's
                               log group, which needs logs:FilterLogEvents)
  replay <queue> [--max N] [--type EventType] [--dry-run] [--detach]
                               move DLQ messages back to their source queue
  status                       progress of DLQ move tasks (AWS)

<queue> is a consumer name (fraud, notifications, analytics) or its queue or DLQ name.

Where:
  --env NAME                   AWS environment (default $RAMPAY_ENV or dev); queues come from the
                               outputs of stacks RamPay-NAME-services and RamPay-NAME-messaging
  --region REGION              AWS region (default from the AWS environment/profile)
  --local                      the local platform (npm start) instead of AWS
  --local-url URL              where it listens (default $RAMPAY_LOCAL_URL or http://127.0.0.1:3000)

Replay: on AWS without --max/--type/--dry-run it starts an SQS message move task (--detach returns at once;
'status' follows it); otherwise it receives, re-sends to the source queue, and deletes a message from the
DLQ only after its re-send succeeded. Exit code 1 when anything failed, 2 on bad arguments.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Target {
  local: boolean;
  localUrl: string;
  env: string;
  region?: string;
}

export type Command =
  | { name: 'help' }
  | { name: 'list'; target: Target }
  | { name: 'status'; target: Target }
  | { name: 'peek'; target: Target; queue: string; max: number }
  | {
      name: 'replay';
      target: Target;
      queue: string;
      max?: number;
      type?: EventType;
      dryRun: boolean;
      detach: boolean;
    };

function positiveInt(flag: string, value: string | undefined, limit: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > limit) {
    throw new UsageError(`--${flag} must be a whole number from 1 to ${limit} (got "${value}")`);
  }
  return Number(value);
}

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        env: { type: 'string' },
        region: { type: 'string' },
        local: { type: 'boolean' },
        'local-url': { type: 'string' },
        max: { type: 'string' },
        type: { type: 'string' },
        'dry-run': { type: 'boolean' },
        detach: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, queue, ...extra] = positionals;
  if (values.help || name === 'help') return { name: 'help' };
  if (!name) throw new UsageError('a command is required');
  const target: Target = {
    local: Boolean(values.local) || values['local-url'] !== undefined,
    localUrl: values['local-url'] ?? env.RAMPAY_LOCAL_URL ?? 'http://127.0.0.1:3000',
    env: values.env ?? env.RAMPAY_ENV ?? 'dev',
    region: values.region,
  };
  const takesQueue = name === 'peek' || name === 'replay';
  if (!['list', 'status', 'peek', 'replay'].includes(name)) throw new UsageError(`unknown command "${name}"`);
  if (takesQueue && !queue) throw new UsageError(`${name} needs a <queue>`);
  if ((!takesQueue && queue) || extra.length > 0) {
    throw new UsageError(`unexpected argument "${takesQueue ? extra[0] : queue}"`);
  }
  const only = (flag: string, allowed: string[]) => {
    if ((values as Record<string, unknown>)[flag] !== undefined && !allowed.includes(name)) {
      throw new UsageError(`--${flag} applies to ${allowed.join(' and ')} only`);
    }
  };
  only('max', ['peek', 'replay']);
  only('type', ['replay']);
  only('dry-run', ['replay']);
  only('detach', ['replay']);

  if (name === 'list' || name === 'status') return { name, target };
  if (name === 'peek')
    return { name, target, queue: queue!, max: positiveInt('max', values.max, 1000) ?? 10 };
  if (values.type !== undefined && !isEventType(values.type)) {
    throw new UsageError(`--type must be an event type (got "${values.type}")`);
  }
  return {
    name: 'replay',
    target,
    queue: queue!,
    max: positiveInt('max', values.max, 1_000_000),
    type: values.type as EventType | undefined,
    dryRun: Boolean(values['dry-run']),
    detach: Boolean(values.detach),
  };
}
