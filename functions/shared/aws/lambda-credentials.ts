/**
 * The credential chain of every RamPay bundle: esbuild aliases `@aws-sdk/credential-provider-node` to this
 * module (lib/infra/config/bundling.ts). On Lambda the execution role's credentials are always in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's default Node chain (SSO, ini
 * files, web identity, IMDS... and the STS/SSO clients they carry) is dead weight: about 120 KB of each
 * minified bundle. Code that is not bundled (tests, the local platform) keeps the SDK's own chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
