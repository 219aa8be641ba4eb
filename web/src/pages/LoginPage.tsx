// Sign-in: password, then (if needed) a TOTP or backup code, or a first
// set-up of two-factor authentication when an admin requires it.
import { useEffect, useState, type ReactNode } from 'react';
import { api, toApiError, useAction, useQuery, type ApiError } from '../api/client';
import type { Branding, SessionInfo, SessionState } from '../api/types';
import { TextField } from '../components/Form';
import { TotpEnrolment } from '../components/TotpEnrolment';
import { errorText, formatWait, useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import './LoginPage.css';

type Step = 'password' | 'totp' | 'backup' | 'enrol';

function stepFor(state: SessionState): Step {
  if (state === 'totp-required') return 'totp';
  if (state === 'totp-enrolment-required') return 'enrol';
  return 'password';
}

/** Seconds left until `until` (ms), ticking every second; 0 when past or null. */
function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

interface LoginPageProps {
  /** Shown above the form, e.g. which app the sign-in is for. */
  notice?: ReactNode;
  /** Pre-fills the login (a client may pass the name it knows). */
  initialLogin?: string;
}

export function LoginPage({ notice, initialLogin }: LoginPageProps = {}) {
  const { t } = useI18n();
  const { session, setSession } = useSession();
  const [step, setStep] = useState<Step>(() => stepFor(session.state));
  const [login, setLogin] = useState(initialLogin ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  const secondsLeft = useSecondsLeft(blockedUntil);
  const blocked = secondsLeft > 0;

  useEffect(() => setStep(stepFor(session.state)), [session.state]);

  useEffect(() => {
    if (blockedUntil !== null && secondsLeft === 0) {
      setBlockedUntil(null);
      setError(null);
    }
  }, [blockedUntil, secondsLeft]);

  const branding = useQuery<Branding>('/branding');
  const signIn = useAction((l: string, p: string) => api.post<SessionInfo>('/session', { login: l, password: p }));
  const sendCode = useAction((c: string) => api.post<SessionInfo>('/session/totp', { code: c }));
  const busy = signIn.busy || sendCode.busy;

  const fail = (e: ApiError) => {
    setError(e);
    if (e.code === 'too-many-attempts') setBlockedUntil(Date.now() + (e.retryAfterSeconds ?? 30) * 1000);
  };

  const submitPassword = async () => {
    setError(null);
    const r = await signIn.run(login.trim(), password);
    if (!r.ok) return fail(r.error);
    setPassword('');
    setCode('');
    setSession(r.value);
    setStep(stepFor(r.value.state));
  };

  const submitCode = async () => {
    setError(null);
    const clean = step === 'totp' ? code.replace(/\s+/g, '') : code.trim();
    const r = await sendCode.run(clean);
    setCode('');
    if (!r.ok) {
      if (r.error.code === 'unauthorized') {
        // The half-open session expired: start again.
        setSession({ state: 'signed-out' });
        setStep('password');
      }
      return fail(r.error);
    }
    setSession(r.value);
  };

  const startOver = async () => {
    try {
      await api.del('/session');
    } catch {
      // nothing to undo
    }
    setError(null);
    setCode('');
    setSession({ state: 'signed-out' });
    setStep('password');
  };

  const errorLine = error
    ? blocked
      ? t('error.too-many-attempts.wait', { wait: formatWait(t, secondsLeft) })
      : errorText(t, error)
    : null;

  return (
    <AuthCard testId="login-page" brand={branding.data?.name} logoUrl={branding.data?.logoUrl}>
        {notice}

        {step === 'password' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submitPassword();
            }}
            data-testid="login-form"
          >
            <h2>{t('login.title')}</h2>
            <TextField
              label={t('login.login')}
              value={login}
              onChange={setLogin}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              testId="login-username"
            />
            <TextField
              label={t('login.password')}
              type="password"
              value={password}
              onChange={setPassword}
              autoComplete="current-password"
              required
              testId="login-password"
            />
            {errorLine && (
              <p className="alert alert-error" role="alert" data-testid="login-error">
                {errorLine}
              </p>
            )}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || blocked} data-testid="login-submit">
              {t('login.submit')}
            </button>
          </form>
        )}

        {(step === 'totp' || step === 'backup') && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submitCode();
            }}
            data-testid="login-totp-form"
          >
            <h2>{t('login.totpTitle')}</h2>
            <p>{step === 'totp' ? t('login.totpExplain') : t('login.backupExplain')}</p>
            {step === 'totp' ? (
              <TextField
                key="totp"
                label={t('login.totpCode')}
                value={code}
                onChange={setCode}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                required
                autoFocus
                className="field-code"
                testId="login-totp-code"
              />
            ) : (
              <TextField
                key="backup"
                label={t('login.backupCode')}
                value={code}
                onChange={setCode}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
                testId="login-backup-code"
              />
            )}
            {errorLine && (
              <p className="alert alert-error" role="alert" data-testid="login-error">
                {errorLine}
              </p>
            )}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || blocked} data-testid="login-totp-submit">
              {t('login.verify')}
            </button>
            <div className="login-links">
              <button
                type="button"
                className="btn btn-link"
                onClick={() => {
                  setCode('');
                  setError(null);
                  setStep(step === 'totp' ? 'backup' : 'totp');
                }}
                data-testid="login-use-backup"
              >
                {step === 'totp' ? t('login.useBackup') : t('login.useTotp')}
              </button>
              <button type="button" className="btn btn-link" onClick={() => void startOver()} data-testid="login-start-over">
                {t('login.startOver')}
              </button>
            </div>
          </form>
        )}

        {step === 'enrol' && (
          <div data-testid="login-enrol">
            <h2>{t('login.enrolTitle')}</h2>
            <p>{t('login.enrolExplain')}</p>
            <TotpEnrolment
              startLabel={t('login.enrolStart')}
              onDone={() =>
                api.get<SessionInfo>('/session').then(setSession, (e: unknown) => {
                  setError(toApiError(e));
                  setStep('password');
                })
              }
              onCancel={() => void startOver()}
            />
          </div>
        )}
    </AuthCard>
  );
}

/**
 * The card on a plain page that sign-in and similar pages use, with the language switch.
 * `brand` replaces the product's name (the public link page shows the firm's); `className`
 * widens the card for pages with more in them.
 */
interface AuthCardProps {
  testId: string;
  children: ReactNode;
  brand?: string;
  /** The firm's logo, shown above its name (the name stays the heading, so the logo's alt is empty). */
  logoUrl?: string | null;
  className?: string;
}

export function AuthCard({ testId, children, brand, logoUrl, className }: AuthCardProps) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="login-page">
      <main className={className ? `login-card ${className}` : 'login-card'} data-testid={testId}>
        {logoUrl && <img className="login-logo" src={logoUrl} alt="" data-testid="auth-logo" />}
        <div className="login-top">
          <h1 className="login-brand" data-testid="auth-brand">{brand || t('app.name')}</h1>
          <div className="login-langs" role="group" aria-label={t('shell.language')}>
            {(['fr', 'en'] as const).map((l) => (
              <button
                key={l}
                type="button"
                className="btn btn-link"
                aria-pressed={lang === l}
                lang={l}
                onClick={() => setLang(l)}
                data-testid={`login-lang-${l}`}
              >
                {l.toUpperCase()}
              </button>
            ))}
          </div>
        </div>
        {children}
      </main>
    </div>
  );
}
