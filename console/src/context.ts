import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { Session } from './session';

export interface Signed {
  api: Api;
  session: Session;
}

export const SignedContext = createContext<Signed | undefined>(undefined);

export function useSigned(): Signed {
  const signed = useContext(SignedContext);
  if (!signed) throw new Error('no session');
  return signed;
}
