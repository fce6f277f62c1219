/** `npm start`: the whole platform on this machine. */
const readable = Boolean(process.stdout.isTTY);
// Lambda runs nodejs22.x; on a developer's Node 20 the SDK's upgrade notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// On a terminal the handlers log warnings and errors only (LOG_LEVEL=INFO or DEBUG for more); piped, INFO as JSON.
if (!process.env.LOG_LEVEL && !process.env.POWERTOOLS_LOG_LEVEL)
  process.env.LOG_LEVEL = readable ? 'WARN' : 'INFO';

async function main(): Promise<void> {
  // Loaded after the log level is set: the handlers' logger reads it when it is created.
  const { checkPortFree, parsePort, StartRefused } = await import('../lib/local/port-check');
  try {
    // Before the platform's modules load: a wrong or busy port is told at once.
    await checkPortFree(parsePort(process.env.PORT));
  } catch (error) {
    if (!(error instanceof StartRefused)) throw error;
    console.error(`RamPay did not start: ${error.message}`);
    process.exit(1);
  }
  const { showLogsReadably } = await import('../lib/local/readable-logs');
  const { startCommand } = await import('../lib/local/start-command');
  if (readable) {
    showLogsReadably(process.stdout);
    showLogsReadably(process.stderr);
  }
  let started: Awaited<ReturnType<typeof startCommand>>;
  try {
    started = await startCommand(process.env, { readable, line: (text) => console.log(text) });
  } catch (error) {
    if (error instanceof StartRefused) {
      console.error(`RamPay did not start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping RamPay...`);
    await started.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('RamPay failed to start:', error);
  process.exit(1);
});
