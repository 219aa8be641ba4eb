// Loads the session, keeps it in context, and picks the page for the path.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, clearCache, setCsrfToken, setUnauthorizedHandler, toApiError, type ApiError } from './api/client';
import type { SessionInfo, User } from './api/types';
import { ErrorMessage } from './components/Form';
import { Shell } from './components/Shell';
import { useI18n } from './i18n/i18n';
import { homePath } from './nav';
import { AdminPage } from './pages/admin/AdminPage';
import { CHAT_URL, ChatPage } from './pages/chat/ChatPage';
import { FilesPage } from './pages/files/FilesPage';
import { SHARED_BY_ME_URL, SHARED_WITH_ME_URL, SharesPage } from './pages/files/SharesPage';
import { TRASH_URL, TrashPage } from './pages/files/TrashPage';
import { uploads } from './pages/files/uploads';
import { LoginFlowPage, loginFlowToken } from './pages/LoginFlowPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PHONE_URL, PhonePage } from './pages/phone/PhonePage';
import { PublicLinkPage } from './pages/public/PublicLinkPage';
import { publicLinkToken } from './api/publicLink';
import { GuestPage } from './pages/guest/GuestPage';
import { guestJoinToken } from './pages/guest/guest';
import { stopRealtime } from './api/realtime';
import { SettingsPage } from './pages/settings/SettingsPage';
import { navigate, usePath } from './router';
import { SessionContext, type SessionValue } from './session';

// Where to go back to after signing in (set when a page sent us to /login).
let returnTo: string | null = null;

function routeFor(path: string, user: User) {
  if (path === TRASH_URL) return <TrashPage />;
  if (path === SHARED_WITH_ME_URL || path === SHARED_BY_ME_URL) return <SharesPage path={path} />;
  if (path === '/files' || path.startsWith('/files/')) return <FilesPage path={path} />;
  if (path === CHAT_URL || path.startsWith(CHAT_URL + '/')) return <ChatPage path={path} />;
  if (path === PHONE_URL) return <PhonePage />;
  if (path === '/settings' || path.startsWith('/settings/')) return <SettingsPage />;
  if ((path === '/admin' || path.startsWith('/admin/')) && (user.admin || user.groupAdminOf.length > 0)) {
    return <AdminPage path={path} />;
  }
  return <NotFoundPage />;
}

/**
 * A public link's page and a chat guest's page need no session and show nothing of the console;
 * everything else is the console.
 */
export function App() {
  const path = usePath();
  const token = publicLinkToken(path);
  const guestToken = guestJoinToken(path);
  if (guestToken) return <GuestPage token={guestToken} />;
  return token ? <PublicLinkPage token={token} /> : <Console />;
}

function Console() {
  const { t, setLang } = useI18n();
  const path = usePath();
  const [session, setSessionState] = useState<SessionInfo | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  const setSession = useCallback((s: SessionInfo) => {
    if (s.csrf) setCsrfToken(s.csrf);
    setSessionState(s);
  }, []);

  const load = useCallback(() => {
    setLoadError(null);
    api.get<SessionInfo>('/session').then(setSession, (e: unknown) => setLoadError(toApiError(e)));
  }, [setSession]);

  useEffect(load, [load]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      clearCache();
      uploads.reset();
      stopRealtime();
      setSessionState({ state: 'signed-out' });
    });
  }, []);

  // The signed-in user's language wins over the browser's.
  const userLang = session?.user?.language;
  useEffect(() => {
    if (userLang === 'fr' || userLang === 'en') setLang(userLang);
  }, [userLang, setLang]);

  const signedIn = session?.state === 'signed-in' && !!session.user;
  // An app's sign-in link (Nextcloud Login Flow v2) signs in on its own address.
  const flowToken = loginFlowToken(path);

  // Keep the address bar in step with the session.
  useEffect(() => {
    if (!session || flowToken) return;
    if (!signedIn && path !== '/login') {
      returnTo = path === '/' ? null : path + window.location.search;
      navigate('/login', { replace: true });
    } else if (signedIn && (path === '/login' || path === '/')) {
      const next = returnTo ?? homePath(session.user!);
      returnTo = null;
      navigate(next, { replace: true });
    } else if (signedIn && path === '/admin') {
      navigate('/admin/users', { replace: true });
    }
  }, [session, signedIn, path, flowToken]);

  const value = useMemo<SessionValue | null>(() => {
    if (!session) return null;
    return {
      session,
      setSession,
      setUser: (user: User) => setSessionState((s) => (s ? { ...s, user } : s)),
      signOut: async () => {
        try {
          await api.del('/session');
        } catch {
          // Signed out locally all the same.
        }
        clearCache();
        uploads.reset();
        stopRealtime();
        returnTo = null;
        setSessionState({ state: 'signed-out' });
        navigate('/login');
      },
    };
  }, [session, setSession]);

  if (!value) {
    return (
      <div className="app-loading" aria-busy={!loadError}>
        {loadError ? (
          <div className="app-loading-error">
            <ErrorMessage error={loadError} />
            <button type="button" className="btn" onClick={load}>
              {t('common.retry')}
            </button>
          </div>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </div>
    );
  }

  return (
    <SessionContext.Provider value={value}>
      {flowToken ? (
        <LoginFlowPage token={flowToken} />
      ) : signedIn ? (
        <Shell>{routeFor(path, value.session.user!)}</Shell>
      ) : (
        <LoginPage />
      )}
    </SessionContext.Provider>
  );
}
