import { useState } from 'react';
import { api, invalidate, useAction, useQuery } from '../../api/client';
import type { BackupCodes, TotpStatus, User } from '../../api/types';
import { ErrorMessage, TextField } from '../../components/Form';
import { BackupCodesView } from '../../components/Secret';
import { TotpEnrolment } from '../../components/TotpEnrolment';
import { useT } from '../../i18n/i18n';
import { useSession } from '../../session';
import { Section } from '../../components/Section';

export function TwoFactorSection() {
  const t = useT();
  const { setUser } = useSession();
  const status = useQuery<TotpStatus>('/me/totp');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const regenerate = useAction(() => api.post<BackupCodes>('/me/totp/backup-codes'));
  const disable = useAction((p: string) => api.del<void>('/me/totp', { password: p }));

  const refreshUser = async () => {
    try {
      setUser(await api.get<User>('/me'));
    } catch {
      // the badge in the profile catches up on the next load
    }
  };

  const s = status.data;
  return (
    <Section title={t('totp.title')} testId="totp-section" intro={t('totp.intro')}>
      {status.error && <ErrorMessage error={status.error} />}
      {!s && !status.error && <p>{t('common.loading')}</p>}

      {codes && (
        <BackupCodesView
          codes={codes}
          onSaved={() => {
            setCodes(null);
            invalidate('/me/totp');
          }}
        />
      )}

      {s && !codes && !s.enabled && (
        <>
          <p data-testid="totp-status">
            {t('totp.statusOff')} {s.required && <strong>{t('totp.requiredNotice')}</strong>}
          </p>
          <TotpEnrolment
            startLabel={t('totp.enable')}
            onDone={() => {
              invalidate('/me/totp');
              void refreshUser();
            }}
          />
        </>
      )}

      {s && !codes && s.enabled && (
        <>
          <p data-testid="totp-status">
            <span className="badge badge-ok">{t('totp.statusOn')}</span>{' '}
            {t('totp.codesLeft', { n: s.backupCodesLeft })}
          </p>
          <div className="subsection">
            <h3>{t('totp.backup.title')}</h3>
            <p>{t('totp.regenerateExplain')}</p>
            <ErrorMessage error={regenerate.error} />
            <button
              type="button"
              className="btn"
              disabled={regenerate.busy}
              data-testid="totp-regenerate"
              onClick={async () => {
                const r = await regenerate.run();
                if (r.ok) setCodes(r.value.backupCodes);
              }}
            >
              {t('totp.regenerate')}
            </button>
          </div>
          <div className="subsection">
            <h3>{t('totp.disableTitle')}</h3>
            {s.required ? (
              <p data-testid="totp-required">{t('totp.requiredCannotDisable')}</p>
            ) : (
              <form
                onSubmit={async (e) => {
                  e.preventDefault();
                  const r = await disable.run(password);
                  if (r.ok) {
                    setPassword('');
                    invalidate('/me/totp');
                    void refreshUser();
                  }
                }}
              >
                <TextField
                  label={t('totp.disablePassword')}
                  type="password"
                  value={password}
                  onChange={setPassword}
                  autoComplete="current-password"
                  required
                  testId="totp-disable-password"
                />
                <ErrorMessage error={disable.error} />
                <button type="submit" className="btn btn-danger" disabled={disable.busy} data-testid="totp-disable">
                  {t('totp.disable')}
                </button>
              </form>
            )}
          </div>
        </>
      )}
    </Section>
  );
}
