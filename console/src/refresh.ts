import { useEffect } from 'react';
import type { ConsoleConfig } from './config';
import { canRefresh, refreshDelayMs, refreshSession, signOut, type Session } from './session';

/**
 * Keeps a hosted-UI session signed in: before its access token expires, trades the refresh token for a new one
 * (`onSession` gets the new session). When the token endpoint refuses (the refresh token expired or was revoked),
 * the tab signs out and `onSession` gets undefined: the sign-in page shows again.
 */
export function useTokenRefresh(
  config: ConsoleConfig | undefined,
  session: Session | undefined,
  onSession: (session: Session | undefined) => void,
): void {
  useEffect(() => {
    if (!config || !session || !canRefresh()) return;
    const timer = setTimeout(() => {
      refreshSession(config)
        .catch(() => undefined)
        .then((renewed) => {
          if (!renewed) signOut();
          onSession(renewed);
        });
    }, refreshDelayMs(session));
    return () => clearTimeout(timer);
  }, [config, session, onSession]);
}
