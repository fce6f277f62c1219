/** `npm run dlq -- <command>`: inspect and replay the consumers' dead-letter queues (see USAGE). */
import { parseCommand, USAGE, UsageError, type Target } from './args';
import { listCommand, peekCommand, replayCommand, statusCommand, type CommandDeps } from './commands';
import { EnvironmentError, findTarget, resolveEnvironment, type DlqEnvironment } from './environment';
import { processIo } from './progress';

export interface CliDeps extends Partial<CommandDeps> {
  resolve?: (target: Target) => Promise<DlqEnvironment>;
  env?: NodeJS.ProcessEnv;
}

/** Runs one command; returns the exit code (0 ok, 1 something failed, 2 bad arguments). Never throws. */
export async function runDlqCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const commandDeps: CommandDeps = { io, sleep: deps.sleep, pollMs: deps.pollMs };
  try {
    const command = parseCommand(argv, deps.env ?? process.env);
    if (command.name === 'help') {
      io.out(USAGE);
      return 0;
    }
    const environment = await (deps.resolve ?? resolveEnvironment)(command.target);
    try {
      switch (command.name) {
        case 'list':
          return await listCommand(environment, commandDeps);
        case 'status':
          return await statusCommand(environment, commandDeps);
        case 'peek':
          return await peekCommand(
            environment,
            findTarget(environment, command.queue),
            command.max,
            commandDeps,
          );
        case 'replay':
          return await replayCommand(
            environment,
            findTarget(environment, command.queue),
            command,
            commandDeps,
          );
      }
    } finally {
      environment.sqs.destroy();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof EnvironmentError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    const e = error as Error & { name?: string };
    io.err(`error: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    return 1;
  }
}
