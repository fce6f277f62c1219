/** `npm run dlq -- <command>`: inspect and replay the consumers' DLQs, on AWS or on the local platform. */
// Lambda runs nodejs22.x; on an operator's Node 20 the SDK's upgrade notice is noise. Set before the SDK loads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

void import('../lib/ops/dlq/cli').then(async ({ runDlqCli }) => {
  process.exitCode = await runDlqCli(process.argv.slice(2));
});
