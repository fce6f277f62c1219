/**
 * Before any test file: the console's build, when it is missing or older than its sources, so that the test files
 * that start a local platform (several at once) all find it ready instead of building it side by side.
 */
import { ensureConsoleBuilt } from '../../lib/local/console';

export default async function globalSetup(): Promise<void> {
  await ensureConsoleBuilt();
}
