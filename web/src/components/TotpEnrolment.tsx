// Setting up an authenticator app: start → scan the QR code (or type the
// secret) → confirm with a code → keep the backup codes. Used both at sign-in
// (2FA imposed by an admin) and in personal settings.
import { useState } from 'react';
import { api, useAction } from '../api/client';
import type { BackupCodes, TotpSetup } from '../api/types';
import { useT } from '../i18n/i18n';
import { ErrorMessage, TextField } from './Form';
import { QrCode } from './QrCode';
import { BackupCodesView } from './Secret';
import './TotpEnrolment.css';

interface Props {
  startLabel: string;
  onDone: () => void;
  onCancel?: () => void;
}

/** Splits a base32 secret in groups of four for reading aloud or typing. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

export function TotpEnrolment({ startLabel, onDone, onCancel }: Props) {
  const t = useT();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const start = useAction(() => api.post<TotpSetup>('/me/totp/setup'));
  const confirm = useAction((c: string) => api.post<BackupCodes>('/me/totp/confirm', { code: c }));

  if (codes) return <BackupCodesView codes={codes} onSaved={onDone} />;

  if (!setup) {
    return (
      <div className="totp-enrol">
        <ErrorMessage error={start.error} />
        <div className="button-row">
          <button
            type="button"
            className="btn btn-primary"
            disabled={start.busy}
            data-testid="totp-enable"
            onClick={async () => {
              const r = await start.run();
              if (r.ok) setSetup(r.value);
            }}
          >
            {startLabel}
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </div>
    );
  }

  const submit = async () => {
    const clean = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(clean)) {
      confirm.setError(null);
      setCodeError(t('totp.codeFormat'));
      return;
    }
    setCodeError(null);
    const r = await confirm.run(clean);
    if (r.ok) setCodes(r.value.backupCodes);
    else setCode('');
  };

  return (
    <form
      className="totp-enrol"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ol className="totp-steps">
        <li>{t('totp.step.install')}</li>
        <li>
          {t('totp.step.scan')}
          <div className="totp-qr">
            <QrCode value={setup.otpauthUri} label={t('totp.qrLabel')} />
          </div>
          <p className="totp-secret-line">
            {t('totp.secretIntro')}{' '}
            <code className="totp-secret" data-testid="totp-secret" data-secret={setup.secret}>
              {groupSecret(setup.secret)}
            </code>
          </p>
        </li>
        <li>
          {t('totp.step.code')}
          <TextField
            label={t('totp.code')}
            value={code}
            onChange={setCode}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            pattern="[0-9 ]*"
            required
            error={codeError}
            testId="totp-code"
            className="field-code"
          />
        </li>
      </ol>
      <ErrorMessage error={confirm.error} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={confirm.busy} data-testid="totp-confirm">
          {t('totp.confirm')}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
