// Who is signed in, shared through context; App owns the state.
import { createContext, useContext } from 'react';
import type { SessionInfo, User } from './api/types';

export interface SessionValue {
  session: SessionInfo;
  /** Replaces the session with an answer of /session. */
  setSession: (s: SessionInfo) => void;
  /** Replaces the signed-in user (after PATCH /me). */
  setUser: (u: User) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionContext');
  return value;
}

/** The signed-in user; only for components under the signed-in shell. */
export function useUser(): User {
  const { session } = useSession();
  if (!session.user) throw new Error('no signed-in user');
  return session.user;
}

export function isAnyAdmin(user: User): boolean {
  return user.admin || user.groupAdminOf.length > 0;
}
