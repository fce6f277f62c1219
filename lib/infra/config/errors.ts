/** A mistake in the configuration or the function table: synth stops with its message, not a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
