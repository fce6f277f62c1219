import { useState } from 'react';
import type { ConsoleConfig } from '../config';
import { sessionOf } from '../session';

export function SignIn({
  config,
  onToken,
  onHostedSignIn,
}: {
  config: ConsoleConfig;
  onToken: (token: string) => void;
  onHostedSignIn: () => void;
}) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  if (config.signIn.kind === 'cognito') {
    return (
      <section className="sign-in">
        <h1>RamPay console</h1>
        <p>
          Sign in with your RamPay account: merchant staff see their merchant, fraud operators the review
          queue.
        </p>
        <button type="button" onClick={onHostedSignIn}>
          Sign in
        </button>
      </section>
    );
  }
  return (
    <section className="sign-in">
      <h1>RamPay console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const trimmed = token.trim();
          if (!sessionOf(trimmed)) {
            setProblem(
              'That is not a valid, unexpired token: copy the dev token npm start printed, or run npm run token.',
            );
            return;
          }
          onToken(trimmed);
        }}
      >
        <label htmlFor="token">
          Dev sign-in: paste the dev token `npm start` printed (or one from `npm run token`)
        </label>
        <textarea id="token" name="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} />
        {problem && <p className="error">{problem}</p>}
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
