// The browser half of Nextcloud's Login Flow v2: a desktop or mobile app opened
// /index.php/login/v2/flow/<token>. The person signs in here (the normal sign-in,
// second factor included), then grants or refuses the app an app password; the
// app collects it by itself. See docs/api/identity.md.
import { Fragment, useState, type ReactNode } from 'react';
import { api, clearCache, encode, useAction, useQuery, type ApiError } from '../api/client';
import type { LoginFlowInfo } from '../api/types';
import { errorText, isMessageKey, useI18n, type Translate } from '../i18n/i18n';
import { useSession } from '../session';
import { AuthCard, LoginPage } from './LoginPage';
import './LoginFlowPage.css';

const FLOW_PATH = /^\/index\.php\/login\/v2\/flow\/([A-Za-z0-9_-]+)\/?$/;

/** The login token of a flow page's path, or null for any other path. */
export function loginFlowToken(path: string): string | null {
  return FLOW_PATH.exec(path)?.[1] ?? null;
}

/** `text` with its `{name}` placeholder replaced by `value` in bold. */
export function withStrong(text: string, name: string, value: string): ReactNode {
  return text.split(`{${name}}`).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <strong className="login-flow-client">{value}</strong>}
      {part}
    </Fragment>
  ));
}

/** Why a link cannot be used (unknown, expired, cancelled, used up), in the console's own words. */
export function unavailableText(t: Translate, err: ApiError): string {
  const key = `loginFlow.error.${err.code}`;
  return isMessageKey(key) ? t(key) : errorText(t, err);
}

type Outcome = 'granted' | 'cancelled' | null;

export function LoginFlowPage({ token }: { token: string }) {
  const { t } = useI18n();
  const { session, setSession } = useSession();
  const flowPath = `/login-flows/${encode(token)}`;
  const flowQ = useQuery<LoginFlowInfo>(flowPath);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const grant = useAction(() => api.post<LoginFlowInfo>(`${flowPath}/grant`));
  const cancel = useAction(() => api.post<void>(`${flowPath}/cancel`));
  const busy = grant.busy || cancel.busy;
  const user = session.state === 'signed-in' ? session.user : undefined;

  if (!flowQ.data) {
    if (!flowQ.error) {
      return (
        <AuthCard testId="login-flow-page">
          <p aria-busy="true">{t('common.loading')}</p>
        </AuthCard>
      );
    }
    return (
      <AuthCard testId="login-flow-page">
        <div data-testid="login-flow-unavailable">
          <h2>{t('loginFlow.unavailableTitle')}</h2>
          <p className="alert alert-error" role="alert" data-testid="login-flow-error">
            {unavailableText(t, flowQ.error)}
          </p>
          <a href="/">{t('loginFlow.home')}</a>
        </div>
      </AuthCard>
    );
  }

  const flow = flowQ.data;
  const client = flow.clientName;

  if (outcome === 'granted' || (outcome === null && flow.state === 'granted')) {
    return (
      <AuthCard testId="login-flow-page">
        <div data-testid="login-flow-done">
          <h2>{t('loginFlow.doneTitle')}</h2>
          <p className="alert alert-ok" role="status">
            {withStrong(t('loginFlow.done'), 'client', client)}
          </p>
        </div>
      </AuthCard>
    );
  }

  if (outcome === 'cancelled') {
    return (
      <AuthCard testId="login-flow-page">
        <div data-testid="login-flow-cancelled">
          <h2>{t('loginFlow.cancelledTitle')}</h2>
          <p role="status">{t('loginFlow.cancelled')}</p>
        </div>
      </AuthCard>
    );
  }

  if (!user) {
    // The normal sign-in, on this same address: once it is done, this page shows the question.
    const knownLogin = new URLSearchParams(window.location.search).get('user') ?? undefined;
    return (
      <LoginPage
        initialLogin={knownLogin}
        notice={
          <p className="login-flow-notice" data-testid="login-flow-notice">
            {withStrong(t('loginFlow.signInFirst'), 'client', client)}
          </p>
        }
      />
    );
  }

  const answer = async (what: 'grant' | 'cancel') => {
    setError(null);
    const r = what === 'grant' ? await grant.run() : await cancel.run();
    if (r.ok) setOutcome(what === 'grant' ? 'granted' : 'cancelled');
    else setError(r.error);
  };

  const switchAccount = async () => {
    try {
      await api.del('/session');
    } catch {
      // Signed out locally all the same.
    }
    clearCache();
    setError(null);
    setSession({ state: 'signed-out' });
  };

  return (
    <AuthCard testId="login-flow-page">
      <div data-testid="login-flow-consent">
        <h2>{t('loginFlow.title')}</h2>
        <p className="login-flow-question" data-testid="login-flow-question">{withStrong(t('loginFlow.question'), 'client', client)}</p>
        <p>{t('loginFlow.explain')}</p>
        <p className="alert alert-warn">{t('loginFlow.warning')}</p>
        <p className="login-flow-who" data-testid="login-flow-who">
          {t('loginFlow.signedInAs', { name: user.displayName, login: user.login })}{' '}
          <button type="button" className="btn btn-link" onClick={() => void switchAccount()} data-testid="login-flow-switch">
            {t('loginFlow.switchAccount')}
          </button>
        </p>
        {error && (
          <p className="alert alert-error" role="alert" data-testid="login-flow-error">
            {unavailableText(t, error)}
          </p>
        )}
        <div className="login-flow-actions">
          <button type="button" className="btn" disabled={busy} onClick={() => void answer('cancel')} data-testid="login-flow-cancel">
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void answer('grant')}
            data-testid="login-flow-grant"
          >
            {t('loginFlow.grant')}
          </button>
        </div>
      </div>
    </AuthCard>
  );
}
